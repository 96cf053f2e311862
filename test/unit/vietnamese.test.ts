import { execFileSync } from "node:child_process";
import path from "node:path";
import {
  capitaliseName,
  cleanText,
  formatBirth,
  compareRosterNames,
  compareVi,
  compareViFallback,
  foldTonePlacement,
  formatDate,
  formatDateProse,
  formatDecimal,
  formatMoney,
  formatPercent,
  icuHasVietnamese,
  joinFullName,
  matchKey,
  nfc,
  parseViDate,
  placeDateLine,
  splitFullName,
  stripDiacritics,
  viCollator,
} from "../../src/lib/vietnamese";

const nfd = (s: string) => s.normalize("NFD");
const isNfc = (s: string) => s === s.normalize("NFC");

describe("nfc / cleanText", () => {
  it("normalises NFD to NFC", () => {
    const d = nfd("Nguyễn Thị Thủy");
    expect(d).not.toBe("Nguyễn Thị Thủy");
    expect(nfc(d)).toBe("Nguyễn Thị Thủy");
  });

  it("trims and collapses tabs, newlines, NBSP and other spaces", () => {
    expect(cleanText("  Nguyễn\t\tVăn\u00A0 An \n")).toBe("Nguyễn Văn An");
    expect(cleanText("Ngu\u0000yễn\u0007 Văn\u001F An\uFFFF")).toBe("Nguyễn Văn An");
    expect(cleanText("a\u2003b\u202Fc")).toBe("a b c");
  });

  it("drops zero-width characters instead of splitting the word", () => {
    expect(cleanText("Ng\u200Buyễn\uFEFF Văn")).toBe("Nguyễn Văn");
  });

  it("returns NFC and handles null/undefined", () => {
    const r = cleanText(nfd("  Đỗ   Văn Đức "));
    expect(r).toBe("Đỗ Văn Đức");
    expect(isNfc(r)).toBe(true);
    expect(cleanText(null)).toBe("");
    expect(cleanText(undefined)).toBe("");
    expect(cleanText("   ")).toBe("");
  });
});

describe("capitaliseName", () => {
  it.each([
    ["nguyễn thị thu hà", "Nguyễn Thị Thu Hà"],
    ["ĐỖ VĂN ĐỨC", "Đỗ Văn Đức"],
    ["  lê   quang\ttrung ", "Lê Quang Trung"],
    ["ưng hoàng phúc", "Ưng Hoàng Phúc"],
    ["y-moan ênuôl", "Y-Moan Ênuôl"],
    ["h'hen niê", "H'Hen Niê"],
    ["nguyễn-trần ánh", "Nguyễn-Trần Ánh"],
  ])("%s → %s", (input, expected) => {
    expect(capitaliseName(input)).toBe(expected);
  });

  it("accepts NFD input and returns NFC", () => {
    const r = capitaliseName(nfd("ĐẶNG THỊ ỨNG"));
    expect(r).toBe("Đặng Thị Ứng");
    expect(isNfc(r)).toBe(true);
  });
});

describe("splitFullName / joinFullName", () => {
  it("splits họ, tên đệm, tên", () => {
    expect(splitFullName("nguyễn thị thu hà")).toEqual({ ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà" });
    expect(splitFullName("Lê Văn Ân")).toEqual({ ho: "Lê", tenDem: "Văn", ten: "Ân" });
    expect(splitFullName("TRẦN ĐỨC")).toEqual({ ho: "Trần", tenDem: "", ten: "Đức" });
    expect(splitFullName("  Hùng ")).toEqual({ ho: "", tenDem: "", ten: "Hùng" });
    expect(splitFullName("")).toEqual({ ho: "", tenDem: "", ten: "" });
  });

  it("splits NFD input into NFC parts", () => {
    const p = splitFullName(nfd("Đỗ  Văn   Đức"));
    expect(p).toEqual({ ho: "Đỗ", tenDem: "Văn", ten: "Đức" });
    expect([p.ho, p.tenDem, p.ten].every(isNfc)).toBe(true);
  });

  it("joins parts, skipping an empty or missing tên đệm", () => {
    expect(joinFullName({ ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà" })).toBe("Nguyễn Thị Thu Hà");
    expect(joinFullName({ ho: "Trần", tenDem: null, ten: "Đức" })).toBe("Trần Đức");
    expect(joinFullName({ ho: "Trần", ten: "Đức" })).toBe("Trần Đức");
    expect(joinFullName({ ho: " Trần ", tenDem: "  ", ten: nfd("Đức") })).toBe("Trần Đức");
  });

  it("round-trips", () => {
    const full = "Hoàng Thị Ước";
    expect(joinFullName(splitFullName(full))).toBe(full);
  });
});

describe("foldTonePlacement", () => {
  // Both spellings of each pair must fold to the same string (the traditional placement).
  it.each([
    ["hoà", "hòa"],
    ["hoá", "hóa"],
    ["hoả", "hỏa"],
    ["hoã", "hõa"],
    ["hoạ", "họa"],
    ["thuỷ", "thủy"],
    ["tuỳ", "tùy"],
    ["thuý", "thúy"],
    ["luỹ", "lũy"],
    ["khoẻ", "khỏe"],
    ["loè", "lòe"],
    ["xoè", "xòe"],
    ["Qúy", "Quý"],
    ["qùy", "quỳ"],
    ["gìa", "già"],
    ["THUỶ", "THỦY"],
    ["Thanh Hoá, Hoà Bình", "Thanh Hóa, Hòa Bình"],
  ])("%s and %s fold to the same form", (variant, canonical) => {
    expect(foldTonePlacement(variant)).toBe(canonical);
    expect(foldTonePlacement(canonical)).toBe(canonical);
    expect(foldTonePlacement(nfd(variant))).toBe(canonical);
  });

  // Syllables with only one correct placement must not move.
  it.each([
    "quỳnh", "hoàng", "thuyền", "khuya", "Nguyễn", "người", "giữa", "của", "quốc", "khuỷu",
    "ngoài", "xoáy", "gì", "giúp", "thuở", "tuần", "khuất", "thuế", "xoắn", "huỳnh", "toán",
    "mùa", "mái", "cứu", "yến", "gửi", "Hà", "Ánh", "Ước",
  ])("%s is unchanged", (word) => {
    expect(foldTonePlacement(word)).toBe(word);
    expect(foldTonePlacement(nfd(word))).toBe(word);
  });

  it("leaves non-Vietnamese words and untoned text alone", () => {
    expect(foldTonePlacement("café José")).toBe("café José");
    expect(foldTonePlacement("UBND xã Thọ Xuân 2025")).toBe("UBND xã Thọ Xuân 2025");
  });

  it("fixes marks typed in the wrong order (tone before circumflex)", () => {
    expect(foldTonePlacement("e\u0301\u0302")).toBe("ế");
  });
});

describe("matchKey", () => {
  it.each([
    ["Nguyễn Thị Thuỷ", "nguyễn thị thủy"],
    ["  NGUYỄN   THỊ THỦY ", "Nguyễn Thị Thuỷ"],
    [nfd("Lê Thị Hoà"), "LÊ THỊ HÒA"],
    ["Phạm Thị Khoẻ", nfd("phạm thị khỏe")],
    ["Qúy", "quý"],
    ["UBND xã\u00A0Thọ  Xuân", "ubnd xã thọ xuân"],
  ])("%j matches %j", (a, b) => {
    expect(matchKey(a)).toBe(matchKey(b));
  });

  it("keeps tones and letters distinct", () => {
    expect(matchKey("Hà")).not.toBe(matchKey("Há"));
    expect(matchKey("Hòa")).not.toBe(matchKey("Hoa"));
    expect(matchKey("Đức")).not.toBe(matchKey("Dức"));
    expect(matchKey("Ân")).not.toBe(matchKey("Ăn"));
  });

  it("is NFC, lower case and trimmed", () => {
    const k = matchKey(nfd("  THUỶ "));
    expect(k).toBe("thủy");
    expect(isNfc(k)).toBe(true);
    expect(matchKey(null)).toBe("");
  });
});

describe("stripDiacritics", () => {
  it("removes all marks and maps đ", () => {
    expect(stripDiacritics("Nguyễn Thị Thu Hà")).toBe("Nguyen Thi Thu Ha");
    expect(stripDiacritics("ĐẶNG ĐỨC Ước")).toBe("DANG DUC Uoc");
    expect(stripDiacritics(nfd("đường ướt"))).toBe("duong uot");
    expect(stripDiacritics("Hòa") === stripDiacritics("Hoà")).toBe(true);
  });
});

describe("Vietnamese collation", () => {
  // "xz" < "y" shows a primary (letter) difference, not just an accent difference.
  const letterPairs: [string, string][] = [
    ["a", "ă"], ["ă", "â"], ["â", "b"], ["d", "đ"], ["đ", "e"], ["e", "ê"],
    ["o", "ô"], ["ô", "ơ"], ["ơ", "p"], ["u", "ư"], ["ư", "v"],
  ];

  it("Node's ICU has the Vietnamese tailoring", () => {
    expect(icuHasVietnamese).toBe(true);
    expect(viCollator.resolvedOptions().locale).toBe("vi");
    for (const [a, b] of letterPairs) {
      expect(viCollator.compare(a, b)).toBeLessThan(0);
      expect(viCollator.compare(a + "z", b)).toBeLessThan(0);
      expect(viCollator.compare(a.toUpperCase() + "z", b.toUpperCase())).toBeLessThan(0);
    }
  });

  it.each([
    ["ICU-backed compareVi", compareVi],
    ["compareViFallback", compareViFallback],
  ])("%s orders letters, then tones, then case", (_name, cmp) => {
    for (const [a, b] of letterPairs) {
      expect(cmp(a + "z", b)).toBeLessThan(0);
      expect(cmp(nfd(a) + "z", nfd(b))).toBeLessThan(0);
    }
    // Tones are secondary: ngang, huyền, hỏi, ngã, sắc, nặng; a letter difference later wins.
    expect(["Hạ", "Há", "Hà", "Ha", "Hã", "Hả"].sort(cmp)).toEqual(["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]);
    expect(cmp("Hạ", "Hb")).toBeLessThan(0);
    expect(cmp("an", "An")).toBeLessThan(0);
    expect(cmp(nfd("Đức"), "Đức")).toBe(0);
  });

  it("fallback agrees with ICU on a word list", () => {
    const words = [
      "Ân", "An", "Ánh", "Anh", "Ăn", "Bình", "Dũng", "Đức", "Dương", "Đào", "Em", "Ên", "Hà", "Hạ", "Hải",
      "Hoa", "Hòa", "Hoàng", "Hồng", "Hợp", "Oanh", "Ôn", "Ơn", "Uy", "Ước", "Ưng", "Vy", "Yến", "Zô",
    ];
    const shuffled = [...words].reverse();
    expect([...shuffled].sort(compareViFallback)).toEqual([...shuffled].sort((a, b) => viCollator.compare(a, b)));
  });
});

describe("compareRosterNames", () => {
  const names = [
    "Vũ Văn Uy", "Ngô Thị Hạ", "Trần Đức", "Hoàng Thị Ước", "Lê Văn Ân",
    "Lý Thị Hà", "Phạm Văn Dũng", "Nguyễn Thị Ánh", "Đặng Văn An",
  ];
  // By tên: An < Ánh (prefix "an" of "anh" comes first; the tone is only secondary) < Ân (a < â
  // as letters) < Dũng < Đức (d < đ) < Hà < Hạ (same letters; huyền before nặng) < Uy < Ước (u < ư).
  const expected = [
    "Đặng Văn An", "Nguyễn Thị Ánh", "Lê Văn Ân", "Phạm Văn Dũng", "Trần Đức",
    "Lý Thị Hà", "Ngô Thị Hạ", "Vũ Văn Uy", "Hoàng Thị Ước",
  ];
  const sortNames = (list: string[]) => list.map(splitFullName).sort(compareRosterNames).map(joinFullName);

  it("sorts by tên with Vietnamese collation", () => {
    expect(sortNames(names)).toEqual(expected);
  });

  it("sorts NFD input the same way", () => {
    const parts = names.map((n) => {
      const p = splitFullName(n);
      return { ho: nfd(p.ho), tenDem: nfd(p.tenDem), ten: nfd(p.ten) };
    });
    expect(parts.sort(compareRosterNames).map(joinFullName)).toEqual(expected);
  });

  it("breaks ties by tên đệm, then họ", () => {
    // Same tên "An": no tên đệm first, then Thị < Văn; for the same "Văn An", Đặng < Nguyễn (d < đ < n).
    const list = ["Nguyễn Văn An", "Trần Thị An", "Đặng Văn An", "Bùi An", "Dương Văn An"];
    expect(sortNames(list)).toEqual(["Bùi An", "Trần Thị An", "Dương Văn An", "Đặng Văn An", "Nguyễn Văn An"]);
    expect(compareRosterNames({ ho: "Lê", tenDem: null, ten: "Hà" }, { ho: "Lê", tenDem: "", ten: "Hà" })).toBe(0);
  });
});

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
