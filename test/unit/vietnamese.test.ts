/**
 * Vietnamese text: Unicode normalisation, names (capitalising, splitting, tone placement), matching keys,
 * collation. Dates and numbers: vietnamese-formats.test.ts.
 */
import {
  capitaliseName,
  cleanText,
  compareRosterNames,
  compareVi,
  compareViFallback,
  foldTonePlacement,
  icuHasVietnamese,
  joinFullName,
  matchKey,
  nfc,
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
