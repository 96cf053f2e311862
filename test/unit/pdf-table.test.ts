/**
 * Line breaking and fitting for printed tables: words never break, a word too long for its cell is
 * set smaller, titles wrap evenly, column widths follow the content, page breaks leave no lonely rows.
 */
import { PDFDocument } from "pdf-lib";
import { columnWidths, embedTinos, fitWordsSize, mm, planPages, sessionsPerSheet, textWidth, wrapBalanced, wrapText, type TextStyle, type TinosFonts } from "../../src/lib/pdf";

let fonts: TinosFonts;
let body: TextStyle;
beforeAll(async () => {
  fonts = await embedTinos(await PDFDocument.create());
  body = { font: fonts.regular, size: 10 };
});

const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);

describe("wrapText", () => {
  it("breaks only at spaces: every output word is an input word", () => {
    const text = "Lương Thị Thanh Mường, Công Tằng Tôn Nữ Thị Bích Phượng 001/GCN-UBND ngày 25/11/2026";
    for (const width of [5, 20, 40, 60, 90, 400]) {
      const lines = wrapText(text, body, width);
      expect(lines.flatMap(words)).toEqual(words(text));
    }
  });

  it("a word wider than the line keeps a line of its own, whole", () => {
    const lines = wrapText("Số 001/GCN-UBND-SVHTTDL-2026 cấp", body, mm(15));
    expect(lines).toEqual(["Số", "001/GCN-UBND-SVHTTDL-2026", "cấp"]);
  });

  it("keeps forced line breaks", () => {
    expect(wrapText("Ký tên\n02/03\nSáng", body, 500)).toEqual(["Ký tên", "02/03", "Sáng"]);
  });
});

describe("fitWordsSize", () => {
  it("keeps the size when the longest word fits, sets a too-long word smaller so it fits", () => {
    expect(fitWordsSize("Nguyễn Văn An", body, mm(30))).toBe(10);
    const number = "001/GCN-UBND";
    const width = textWidth(number, body) * 0.8;
    const size = fitWordsSize(number, body, width);
    expect(size).toBeLessThan(10);
    expect(textWidth(number, { ...body, size })).toBeLessThanOrEqual(width);
  });

  it("never goes below the floor", () => {
    expect(fitWordsSize("001/GCN-UBND", body, 5, 7)).toBe(7);
  });
});

describe("wrapBalanced", () => {
  const title = "Lớp bồi dưỡng nghiệp vụ công tác thông tin đối ngoại cho cán bộ cấp xã năm 2026";
  const bold = (): TextStyle => ({ font: fonts.bold, size: 14 });
  it("same number of lines as greedy wrapping, no line holding one lonely word", () => {
    // A measure where greedy wrapping leaves "2026" alone.
    const full = textWidth(title, bold());
    const width = textWidth(title.replace(/ 2026$/, ""), bold()) + 1;
    expect(wrapText(title, bold(), width).pop()).toBe("2026");
    const lines = wrapBalanced(title, bold(), width);
    expect(lines).toHaveLength(2);
    expect(lines.flatMap(words)).toEqual(words(title));
    for (const l of lines) expect(words(l).length).toBeGreaterThan(3);
    expect(Math.max(...lines.map((l) => textWidth(l, bold())))).toBeLessThan(full * 0.6);
  });

  it("leaves a one-line title alone", () => {
    expect(wrapBalanced("DANH SÁCH KÝ NHẬN", bold(), 1000)).toEqual(["DANH SÁCH KÝ NHẬN"]);
  });
});

describe("columnWidths", () => {
  it("all on one line when they fit: the surplus goes by need, an empty column stays narrow", () => {
    const w = columnWidths([{ min: 40, pref: 180 }, { min: 20, pref: 20 }, { min: 10, pref: 30, fixed: 70 }], 400);
    expect(w[2]).toBe(70);
    expect(w[0] + w[1] + w[2]).toBeCloseTo(400);
    expect(w[0]).toBeGreaterThan(180);
    expect(w[1]).toBeLessThan(w[0] / 5);
  });

  it("short of room: every column holds its longest word, keep columns their whole line first", () => {
    const w = columnWidths([{ min: 50, pref: 180, keep: true }, { min: 30, pref: 300 }, { min: 20, pref: 200 }], 300);
    expect(w[0]).toBeCloseTo(180);
    expect(w[1]).toBeGreaterThanOrEqual(30);
    expect(w[2]).toBeGreaterThanOrEqual(20);
    expect(w[0] + w[1] + w[2]).toBeCloseTo(300);
  });

  it("when even the words do not fit, shrinks in proportion (the type is then set smaller)", () => {
    const w = columnWidths([{ min: 100, pref: 100 }, { min: 100, pref: 100 }], 100);
    expect(w).toEqual([50, 50]);
  });
});

describe("planPages", () => {
  const rows = (n: number, height = 10) => Array.from({ length: n }, () => ({ height }));

  it("one page when everything and the reserve fit", () => {
    expect(planPages(rows(5), { first: 100, next: 150, reserve: 40 })).toEqual([0]);
  });

  it("8 rows, a foot that does not fit under them: the last page takes 3 rows, not 1", () => {
    // 8 rows fit page 1 (80 ≤ 85) but not with the foot (40).
    expect(planPages(rows(8), { first: 85, next: 150, reserve: 40 })).toEqual([0, 5]);
  });

  it("greedy tail of 1 row: rows move back so no page has fewer than 3", () => {
    // Page 1 holds 9, page 2 holds 15, 25 rows → greedy 9 + 15 + 1.
    const starts = planPages(rows(25), { first: 90, next: 150, reserve: 20 });
    const sizes = starts.map((s, i) => (starts[i + 1] ?? 25) - s);
    expect(sizes.reduce((a, b) => a + b)).toBe(25);
    for (const n of sizes) expect(n).toBeGreaterThanOrEqual(3);
    expect(sizes[sizes.length - 1] * 10 + 20).toBeLessThanOrEqual(150);
  });

  it("a list shorter than the minimum stays on one page with its foot", () => {
    expect(planPages(rows(2), { first: 100, next: 150, reserve: 40 })).toEqual([0]);
  });

  it("keeps a group heading with the row after it, and does not count it as a row", () => {
    const list = [{ height: 10 }, { height: 10 }, { height: 10 }, { height: 10 }, { height: 8, keepWithNext: true, counts: false }, { height: 10 }, { height: 10 }, { height: 10 }];
    const starts = planPages(list, { first: 45, next: 100, reserve: 0 });
    // The heading (index 4) would fit page 1 alone, but not with its row: it opens page 2.
    expect(starts).toEqual([0, 4]);
  });
});

describe("sign-in sheet", () => {
  it("A4 landscape with NĐ 30 margins holds 6 signature cells of 25 mm beside TT, name and unit", () => {
    expect(sessionsPerSheet(mm(297 - 30 - 15))).toBe(6);
    expect(sessionsPerSheet(mm(252), 4)).toBe(4);
  });
});
