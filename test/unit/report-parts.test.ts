/** Pure parts of the reports feature: periods, diff, hash, CSV, reproducible zips, recipients, duplicate detection. */
import zlib from "node:zlib";
import { toCsv, neutralise } from "../../src/features/reports/csv";
import { effectiveEnd, parsePeriod, periodFromForm, periodOf, periodSlug } from "../../src/features/reports/period";
import { duplicateGroups } from "../../src/features/reports/quality-rules";
import { diffFigures } from "../../src/features/reports/report-diff";
import { recipientLines } from "../../src/features/reports/report-docx";
import { canonicalJson, versionHash } from "../../src/features/reports/report-hash";
import { computeFigures } from "../../src/features/reports/report-figures";
import { buildFacts } from "../../src/features/reports/report-facts";
import { reportsMessages as m } from "../../src/features/reports/reports.messages";
import { readZip, reproducibleOfficeFile, writeZip } from "../../src/features/reports/zip-reproducible";

test("periods: slugs, labels, form input, invalid input", () => {
  expect(parsePeriod("2025")).toEqual({ from: "2025-01-01", to: "2025-12-31", kind: "year", year: 2025 });
  expect(parsePeriod("2024-h1")).toMatchObject({ from: "2024-01-01", to: "2024-06-30", kind: "half" });
  expect(parsePeriod("2024-Q1")).toMatchObject({ from: "2024-01-01", to: "2024-03-31" });
  expect(parsePeriod("2024-Q4")).toMatchObject({ from: "2024-10-01", to: "2024-12-31" });
  expect(parsePeriod("2025-03-01_2025-05-31")).toEqual({ from: "2025-03-01", to: "2025-05-31", kind: "range" });
  for (const bad of ["2025-H3", "2025-Q5", "1999", "2025-05-31_2025-03-01", "2025-02-30_2025-03-01", "2010-01-01_2025-01-01", "abc", "2025-"]) expect(parsePeriod(bad)).toBeNull();
  for (const s of ["2025", "2025-H2", "2025-Q3", "2025-03-01_2025-05-31"]) expect(periodSlug(parsePeriod(s)!)).toBe(s);
  expect(m.periodLabel(parsePeriod("2025")!)).toBe("năm 2025");
  expect(m.periodLabel(parsePeriod("2025-H1")!)).toBe("6 tháng đầu năm 2025");
  expect(m.periodLabel(parsePeriod("2025-Q3")!)).toBe("quý III năm 2025");
  expect(m.periodLabel(parsePeriod("2025-03-01_2025-05-31")!)).toBe("từ ngày 01 tháng 3 năm 2025 đến ngày 31 tháng 5 năm 2025");
  expect(periodFromForm({ year: "2025", part: "q2" })).toMatchObject({ from: "2025-04-01", to: "2025-06-30" });
  expect(periodFromForm({ part: "range", from: "01/02/2025", to: "28/02/2025" })).toMatchObject({ from: "2025-02-01", to: "2025-02-28" });
  expect(periodFromForm({ year: "2025", part: "h3" })).toBeNull();
  expect(periodOf("2025-07-01", "2025-12-31")).toMatchObject({ kind: "half", part: 2 });
  expect(periodOf("2025-07-01", "2025-12-30")).toMatchObject({ kind: "range" });
  expect(effectiveEnd(parsePeriod("2025")!, "2025-06-01")).toBe("2025-06-01");
  expect(effectiveEnd(parsePeriod("2025")!, "2026-06-01")).toBe("2025-12-31");
});

const emptyInput = { from: "2025-01-01", to: "2025-12-31", courses: [], pairs: [], persons: [], certificates: [], funding: [], quiz: [], approvals: [], units: [], categories: [], ethnicities: [] };

test("the diff lists only figures that changed, with frozen and live values", () => {
  const base = computeFigures(buildFacts(emptyInput), "2026-01-01");
  const live = structuredClone(base);
  live.task1.participantTimes = 7;
  live.task4.bySource.state = 100;
  live.breakdowns.unit.rows.push({ key: "X-HOPTIEN", label: "Xã Hợp Tiến", values: { t1Times: 1, t1Persons: 1, t3Times: 0, t3Persons: 0, completed: 0, certified: 0 } });
  const diff = diffFigures(base, live);
  expect(diff.map((d) => [d.key, d.frozen, d.live, d.delta])).toEqual([
    ["task1.participantTimes", 0, 7, 7],
    ["task4.state", 0, 100, 100],
    ["breakdowns.unit.X-HOPTIEN.t1Times", 0, 1, 1],
    ["breakdowns.unit.X-HOPTIEN.t1Persons", 0, 1, 1],
  ]);
  expect(diff[1].money).toBe(true);
  expect(diff[2].drill).toEqual({ figure: "t1.participantTimes", dim: "unit", key: "X-HOPTIEN" });
  expect(diffFigures(base, structuredClone(base))).toEqual([]);
});

test("the version hash ignores key order (jsonb reorders keys) but not values", () => {
  expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  const v = { planId: 1, periodFrom: "2025-01-01", periodTo: "2025-12-31", version: 1, previousId: null, figures: { a: 1, b: 2 }, narrative: {}, orgSnapshot: {}, frozenBy: 1, frozenAt: new Date("2026-01-02T03:04:05.678Z") };
  expect(versionHash({ ...v, figures: { b: 2, a: 1 } })).toBe(versionHash(v));
  expect(versionHash({ ...v, figures: { a: 1, b: 3 } })).not.toBe(versionHash(v));
});

test("CSV: BOM, CRLF, quoting, NFC, and cells starting with = + - @ neutralised", () => {
  expect(neutralise("=HYPERLINK(\"x\")")).toBe("'=HYPERLINK(\"x\")");
  for (const s of ["+1", "-2", "@A1", "\tx"]) expect(neutralise(s).startsWith("'")).toBe(true);
  expect(neutralise("Nguyễn - An")).toBe("Nguyễn - An");
  const csv = toCsv(["a", "b"], [["Thuỷ".normalize("NFD"), 'x,"y"'], [-5, null]]).toString("utf8");
  expect(csv).toBe('\uFEFFa,b\r\nThuỷ,"x,""y"""\r\n-5,\r\n');
});

test("reproducible zips: same content and time give the same bytes; core.xml dates are fixed", () => {
  const core = '<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00.000Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00.000Z</dcterms:modified></cp:coreProperties>';
  const at = new Date("2026-03-05T01:02:03.000Z");
  const a = writeZip([{ name: "docProps/core.xml", data: Buffer.from(core) }, { name: "word/", data: Buffer.alloc(0) }, { name: "word/document.xml", data: Buffer.from("Hội nghị ".repeat(50)) }], new Date());
  const fixed = reproducibleOfficeFile(a, at);
  expect(reproducibleOfficeFile(a, at).equals(fixed)).toBe(true);
  const entries = readZip(fixed);
  expect(entries.map((e) => e.name)).toEqual(["docProps/core.xml", "word/", "word/document.xml"]);
  expect(entries[0].data.toString()).toContain(">2026-03-05T01:02:03Z</dcterms:created>");
  expect(entries[2].data.toString()).toBe("Hội nghị ".repeat(50));
  // DOS time of entries is Vietnam's local time: 08:02:02 (two-second resolution).
  expect(fixed.readUInt16LE(10)).toBe((8 << 11) | (2 << 5) | 1);
  expect(zlib.inflateRawSync(fixed.subarray(30 + "docProps/core.xml".length, 30 + "docProps/core.xml".length + fixed.readUInt32LE(18))).toString()).toContain("2026-03-05T01:02:03Z");
});

test("recipients: one '- …;' line each, the last ending with a full stop", () => {
  expect(recipientLines("Sở VHTTDL;\n- Thường trực Huyện ủy,\n\nLưu: VT, VHTT.")).toEqual(["- Sở VHTTDL;", "- Thường trực Huyện ủy;", "- Lưu: VT, VHTT."]);
  expect(recipientLines("")).toEqual(["- Như trên;", "- Lưu: VT."]);
});

test("probable duplicates: same CCCD, or same name (NFC/NFD, case, tone placement) and birth date", () => {
  const people = [
    { id: 1, fullName: "Lê Thị Thủy", dateOfBirth: "1985-05-06", cccd: "1" },
    { id: 2, fullName: "LÊ THỊ THUỶ".normalize("NFD"), dateOfBirth: "1985-05-06", cccd: "2" },
    { id: 3, fullName: "Lê Thị Thủy", dateOfBirth: "1985-05-07", cccd: "3" }, // another birth date
    { id: 4, fullName: "Lê Thị Thụy", dateOfBirth: "1985-05-06", cccd: "4" }, // another tone: another name
    { id: 5, fullName: "Hà Văn Cường", dateOfBirth: null, cccd: "3" },
    { id: 6, fullName: "Đỗ Văn Giang", dateOfBirth: null, cccd: "9" },
  ];
  expect(duplicateGroups(people, new Set([1, 3]))).toEqual([
    { reason: "cccd", people: [people[2], people[4]] },
    { reason: "name", people: [people[0], people[1]] },
  ]);
  expect(duplicateGroups(people, new Set([6]))).toEqual([]);
});
