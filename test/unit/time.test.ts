import { execFileSync } from "node:child_process";
import path from "node:path";
import { formatDateTime, proseDate, proseIsoDate, todayIso, vnClock, vnDayStart, vnInstant, vnParts } from "../../src/lib/time";

describe("Vietnam's calendar day and clock of an instant", () => {
  it("crosses midnight at 17:00 UTC: the last second of a year and the first of the next", () => {
    expect(todayIso(new Date("2026-12-31T16:59:59Z"))).toBe("2026-12-31");
    expect(todayIso(new Date("2026-12-31T17:00:00Z"))).toBe("2027-01-01");
    expect(formatDateTime(new Date("2026-12-31T17:00:00Z"))).toBe("01/01/2027 00:00");
    expect(formatDateTime(new Date("2026-12-31T16:59:00Z"))).toBe("31/12/2026 23:59");
    expect(vnClock(new Date("2026-12-31T17:00:00Z"))).toBe("00:00");
  });

  it("handles month ends and 29 February", () => {
    expect(todayIso(new Date("2028-02-28T17:00:00Z"))).toBe("2028-02-29");
    expect(todayIso(new Date("2027-02-28T17:00:00Z"))).toBe("2027-03-01");
    expect(todayIso(new Date("2026-04-30T17:30:00Z"))).toBe("2026-05-01");
  });

  it("gives every part, seconds included", () => {
    expect(vnParts(new Date("2026-11-26T02:30:15Z"))).toEqual({ year: 2026, month: 11, day: 26, hour: 9, minute: 30, second: 15 });
    expect(vnClock(new Date("2026-11-26T02:30:15Z"), true)).toBe("09:30:15");
  });
});

describe("back from Vietnam's wall clock to the instant", () => {
  it("is UTC+7", () => {
    expect(vnInstant(2027, 1, 1)).toEqual(new Date("2026-12-31T17:00:00Z"));
    expect(vnInstant(2026, 12, 7, 8, 0)).toEqual(new Date("2026-12-07T01:00:00Z"));
    expect(vnDayStart("2026-03-01")).toEqual(new Date("2026-02-28T17:00:00Z"));
  });

  it("reads back what it wrote, around midnight", () => {
    for (const iso of ["2026-12-31T16:59:00Z", "2026-12-31T17:00:00Z", "2027-01-01T00:00:00Z"]) {
      const p = vnParts(new Date(iso));
      expect(vnInstant(p.year, p.month, p.day, p.hour, p.minute)).toEqual(new Date(iso));
    }
  });
});

describe("printed dates", () => {
  it("dd/mm/yyyy HH:MM, empty for nothing or nonsense", () => {
    expect(formatDateTime("2026-12-06T17:05:00Z")).toBe("07/12/2026 00:05");
    expect(formatDateTime(null)).toBe("");
    expect(formatDateTime("")).toBe("");
    expect(formatDateTime("hôm qua")).toBe("");
  });

  it("ngày … tháng … năm: days below 10 and months 1–2 padded (NĐ 30/2020)", () => {
    expect(proseDate(2026, 3, 5)).toBe("ngày 05 tháng 3 năm 2026");
    expect(proseDate(2026, 2, 9)).toBe("ngày 09 tháng 02 năm 2026");
    expect(proseIsoDate("2026-12-31")).toBe("ngày 31 tháng 12 năm 2026");
    expect(proseIsoDate("2027-01-01")).toBe("ngày 01 tháng 01 năm 2027");
  });

  it("does not depend on the server's time zone", () => {
    // Jest's process.env is a copy, so TZ is switched in a child Node (tsx loads the TypeScript).
    const script = `
      const t = require(process.argv[1]);
      const out = [];
      for (const tz of ["America/Los_Angeles", "UTC", "Pacific/Kiritimati"]) {
        process.env.TZ = tz;
        const at = new Date("2026-12-31T17:00:00Z");
        out.push([t.todayIso(at), t.formatDateTime(at), t.vnInstant(2027, 1, 1).toISOString()]);
      }
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ["--import", "tsx", "-e", script, path.resolve(__dirname, "../../src/lib/time.ts")], {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
    });
    for (const row of JSON.parse(stdout)) expect(row).toEqual(["2027-01-01", "01/01/2027 00:00", "2026-12-31T17:00:00.000Z"]);
  });
});
