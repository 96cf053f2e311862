/** Vietnamese dates, numbers and birth dates as written in documents (text and names: vietnamese.test.ts). */
import { execFileSync } from "node:child_process";
import path from "node:path";
import {
  formatBirth,
  formatDate,
  formatDateProse,
  formatDecimal,
  formatMoney,
  formatPercent,
  parseViDate,
  placeDateLine,
} from "../../src/lib/vietnamese";

const nfd = (s: string) => s.normalize("NFD");

describe("dates", () => {
  it("formatDate: dd/mm/yyyy from ISO strings, Date objects, null", () => {
    expect(formatDate("2024-03-05")).toBe("05/03/2024");
    expect(formatDate("2024-12-31")).toBe("31/12/2024");
    expect(formatDate("5/3/2024")).toBe("05/03/2024");
    expect(formatDate(new Date(2024, 2, 5, 23, 59))).toBe("05/03/2024");
    expect(formatDate(new Date(2024, 0, 1, 0, 0))).toBe("01/01/2024");
    expect(formatDate(null)).toBe("");
    expect(formatDate(undefined)).toBe("");
    expect(formatDate("")).toBe("");
    expect(formatDate("2024-02-31")).toBe("");
    expect(formatDate(new Date("nonsense"))).toBe("");
  });

  it("treats yyyy-mm-dd as a calendar date in any time zone", () => {
    // Jest gives each test file a copy of process.env, so changing TZ here would not reach ICU;
    // a child Node (with tsx to load the TypeScript) switches TZ for real.
    const script = `
      const v = require(process.argv[1]);
      const out = {};
      for (const tz of ["America/Los_Angeles", "Asia/Ho_Chi_Minh", "Pacific/Kiritimati"]) {
        process.env.TZ = tz;
        out[tz] = [v.formatDate("2024-03-05"), v.formatDateProse("2024-03-01"),
          v.formatDate(new Date(2024, 2, 5)), new Date("2024-03-05").getDate()];
      }
      console.log(JSON.stringify(out));`;
    const modulePath = path.resolve(__dirname, "../../src/lib/vietnamese.ts");
    const stdout = execFileSync(process.execPath, ["--import", "tsx", "-e", script, modulePath], {
      cwd: path.resolve(__dirname, "../.."),
      env: { ...process.env },
      encoding: "utf8",
    });
    const out = JSON.parse(stdout) as Record<string, [string, string, string, number]>;
    for (const [formatted, prose, fromDate] of Object.values(out)) {
      expect(formatted).toBe("05/03/2024");
      expect(prose).toBe("ngày 01 tháng 3 năm 2024");
      expect(fromDate).toBe("05/03/2024");
    }
    expect(out["America/Los_Angeles"][3]).toBe(4); // the trap being avoided: Date reads ISO as UTC
  });

  it.each([
    ["2024-03-05", "ngày 05 tháng 3 năm 2024"],
    ["2024-01-15", "ngày 15 tháng 01 năm 2024"],
    ["2024-02-09", "ngày 09 tháng 02 năm 2024"],
    ["2024-10-10", "ngày 10 tháng 10 năm 2024"],
    ["2024-12-25", "ngày 25 tháng 12 năm 2024"],
    ["2020-08-05", "ngày 05 tháng 8 năm 2020"],
  ])("formatDateProse(%s) = %s", (iso, prose) => {
    expect(formatDateProse(iso)).toBe(prose);
  });

  it("formatDateProse accepts Date objects and null", () => {
    expect(formatDateProse(new Date(2026, 10, 26))).toBe("ngày 26 tháng 11 năm 2026");
    expect(formatDateProse(null)).toBe("");
  });

  it("placeDateLine", () => {
    expect(placeDateLine("Triệu Sơn", "2024-03-05")).toBe("Triệu Sơn, ngày 05 tháng 3 năm 2024");
    expect(placeDateLine(nfd(" Thanh  Hóa "), new Date(2025, 1, 3))).toBe("Thanh Hóa, ngày 03 tháng 02 năm 2025");
    expect(placeDateLine("Triệu Sơn", null)).toBe("Triệu Sơn, ngày … tháng … năm …");
  });

  it.each([
    ["5/3/2024", "2024-03-05"],
    ["05/03/2024", "2024-03-05"],
    ["05-03-2024", "2024-03-05"],
    ["05.03.2024", "2024-03-05"],
    ["2024-03-05", "2024-03-05"],
    ["2024-3-5", "2024-03-05"],
    [" 31/12/2100 ", "2100-12-31"],
    ["01/01/1900", "1900-01-01"],
    ["29/02/2024", "2024-02-29"],
    ["29/02/2000", "2000-02-29"],
  ])("parseViDate(%j) = %s", (input, iso) => {
    expect(parseViDate(input)).toBe(iso);
  });

  it.each([
    "31/02/2024", "29/02/2023", "29/02/1900", "31/04/2024", "00/01/2024", "01/13/2024", "01/00/2024",
    "31/12/1899", "01/01/2101", "05/03/24", "05/03-2024", "2024/03/05", "2024-02-30", "abc", "", "5 3 2024",
  ])("parseViDate(%j) = null", (input) => {
    expect(parseViDate(input)).toBeNull();
  });
});

describe("numbers", () => {
  it.each([
    [1500000, "1.500.000 đ"],
    [0, "0 đ"],
    [999, "999 đ"],
    [1000, "1.000 đ"],
    [1234567890, "1.234.567.890 đ"],
    [1500.6, "1.501 đ"],
    [-250000, "-250.000 đ"],
  ])("formatMoney(%d) = %s", (n, s) => {
    expect(formatMoney(n)).toBe(s);
  });

  it("formatDecimal: decimal comma, trimmed zeros, half away from zero", () => {
    expect(formatDecimal(8.5)).toBe("8,5");
    expect(formatDecimal(8)).toBe("8");
    expect(formatDecimal(8.0)).toBe("8");
    expect(formatDecimal(7.25, 2)).toBe("7,25");
    expect(formatDecimal(7.25)).toBe("7,3");
    expect(formatDecimal(7.5, 2)).toBe("7,5");
    expect(formatDecimal(1.005, 2)).toBe("1,01");
    expect(formatDecimal(9.96)).toBe("10");
    expect(formatDecimal(1234.5)).toBe("1.234,5");
    expect(formatDecimal(-2.5)).toBe("-2,5");
    expect(formatDecimal(-0.04)).toBe("0");
    expect(formatDecimal(2.345, 0)).toBe("2");
    expect(formatDecimal(Number.NaN)).toBe("");
  });

  it.each([
    [0.755, "75,5%"],
    [0.8, "80%"],
    [1, "100%"],
    [0, "0%"],
    [0.12345, "12,3%"],
    [0.9999, "100%"],
    [0.0005, "0,1%"],
    [2 / 3, "66,7%"],
  ])("formatPercent(%d) = %s", (n, s) => {
    expect(formatPercent(n)).toBe(s);
  });
});

describe("formatBirth", () => {
  it("prints a full date as dd/mm/yyyy and a year alone as “Sinh năm …”, never an invented 01/01", () => {
    expect(formatBirth({ dateOfBirth: "1990-03-05", birthYear: null })).toBe("05/03/1990");
    expect(formatBirth({ dateOfBirth: null, birthYear: 1978 })).toBe("Sinh năm 1978");
    expect(formatBirth({ dateOfBirth: null, birthYear: null })).toBe("");
  });
});
