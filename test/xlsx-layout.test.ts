/**
 * Every XLSX the app produces prints as offices print: A4, fitted to the width, the header row repeated
 * on each page, page numbers; dates as date cells (dd/mm/yyyy), numbers as numbers; and no cell's text
 * wider than its column at its font (measured with the Times metrics), unless the cell wraps and its
 * row is tall enough for the wrapped lines.
 */
import ExcelJS from "exceljs";
import { textOf } from "../src/lib/forms";
import { wrappedLineCount, textWidthPt } from "../src/lib/text-metrics";
import { useTestApp } from "./helpers/app";
import { LONG_NAME, officeFiles, type OfficeFile } from "./helpers/office-files";

jest.setTimeout(180000);
const Y = 2025;
const { ctx } = useTestApp();
let files: OfficeFile[];

beforeAll(async () => {
  files = (await officeFiles(ctx, Y)).filter((f) => f.name.endsWith(".xlsx"));
});

/** The text a cell shows, as its number format prints it. */
function shown(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v instanceof Date) return "00/00/0000";
  if (typeof v === "number") {
    const grouped = Math.round(v).toLocaleString("en-US");
    if (cell.numFmt === "0.0%") return `${(v * 100).toFixed(1)}%`;
    if (cell.numFmt === "0.00") return v.toFixed(2);
    return cell.numFmt?.includes("đ") ? `${grouped} đ` : grouped;
  }
  return textOf(v);
}

/** Column letters of a merge range "A1:I1" → first and last column numbers. */
function mergeSpans(ws: ExcelJS.Worksheet): Map<string, [number, number]> {
  const spans = new Map<string, [number, number]>();
  const merges = (ws.model as unknown as { merges: string[] }).merges ?? [];
  for (const range of merges) {
    const [a, b] = range.split(":").map((ref) => ws.getCell(ref));
    spans.set(a.address, [Number(a.col), Number(b.col)]);
  }
  return spans;
}

/** Room for text in a column span, in points (Calibri-11 character units: 7 px each, 5 px padding). */
const roomPt = (ws: ExcelJS.Worksheet, from: number, to: number) => {
  let chars = 0;
  for (let c = from; c <= to; c++) chars += ws.getColumn(c).width ?? 9.140625;
  return (chars * 7 - 5) * 0.75;
};

/** Problems of one sheet, as readable lines ("so-lieu.xlsx/Tổng hợp!B2: …"). */
function problems(file: string, ws: ExcelJS.Worksheet): string[] {
  const out: string[] = [];
  const at = (cell: ExcelJS.Cell) => `${file}/${ws.name}!${cell.address}`;
  const ps = ws.pageSetup;
  if (Number(ps.paperSize) !== 9 /* A4: ExcelJS.PaperSize is a const enum, absent at run time */ || !ps.fitToPage || ps.fitToWidth !== 1 || ps.fitToHeight !== 0) out.push(`${file}/${ws.name}: not A4 fitted to width`);
  if (ps.orientation !== "portrait" && ps.orientation !== "landscape") out.push(`${file}/${ws.name}: no orientation`);
  if (!/^\d+:\d+$/.test(ps.printTitlesRow ?? "")) out.push(`${file}/${ws.name}: no print titles`);
  if (!ws.headerFooter.oddFooter?.includes("&P")) out.push(`${file}/${ws.name}: no page numbers`);
  const spans = mergeSpans(ws);
  ws.eachRow((row) => row.eachCell((cell) => {
    if (cell.isMerged && cell.master !== cell) return;
    const text = shown(cell);
    if (!text) return;
    if (cell.value instanceof Date && cell.numFmt !== "dd/mm/yyyy") out.push(`${at(cell)}: date shown as ${cell.numFmt}`);
    if (typeof cell.value === "string" && /^\d{2}\/\d{2}\/\d{4}$/.test(cell.value)) out.push(`${at(cell)}: date as text "${cell.value}"`);
    if (typeof cell.value === "string" && /^\d+([.,]\d+)*$/.test(cell.value) && cell.numFmt !== "@") out.push(`${at(cell)}: number as text "${cell.value}"`);
    const [from, to] = spans.get(cell.address) ?? [Number(cell.col), Number(cell.col)];
    const font = { size: cell.font?.size ?? 11, bold: cell.font?.bold, italic: cell.font?.italic };
    const room = roomPt(ws, from, to);
    if (textWidthPt(text, font) <= room) return;
    const lines = wrappedLineCount(text, font, room);
    if (!cell.alignment?.wrapText) out.push(`${at(cell)}: "${text}" is wider than its column and does not wrap`);
    else if (!row.height || row.height < lines * font.size * 1.2) out.push(`${at(cell)}: ${lines} wrapped lines need more than the row's height ${row.height}`);
  }));
  return out;
}

test("every XLSX: A4, fitted to width, print titles, page numbers, dates and numbers typed, nothing wider than its column", async () => {
  expect(files.map((f) => f.name)).toEqual([
    "so-lieu.xlsx", "nguoi-tham-gia.xlsx", "giay-chung-nhan.xlsx", "danh-sach-hoc-vien.xlsx", "diem-danh.xlsx", "so-cap-gcn.xlsx", "ket-qua-kiem-tra.xlsx",
  ]);
  const found: string[] = [];
  let sheets = 0;
  for (const f of files) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(f.bytes as unknown as ArrayBuffer);
    for (const ws of wb.worksheets) {
      sheets += 1;
      found.push(...problems(f.name, ws));
    }
  }
  expect(sheets).toBeGreaterThanOrEqual(14);
  expect(found).toEqual([]);
});

test("dates are date cells and the long name is whole in its column", async () => {
  const dated = ["nguoi-tham-gia.xlsx", "giay-chung-nhan.xlsx", "danh-sach-hoc-vien.xlsx", "diem-danh.xlsx", "so-cap-gcn.xlsx"];
  for (const name of dated) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files.find((f) => f.name === name)!.bytes as unknown as ArrayBuffer);
    const values = wb.worksheets[0].getSheetValues().flatMap((r) => (Array.isArray(r) ? r : []));
    expect([name, values.some((v) => v instanceof Date)]).toEqual([name, true]);
  }
  // The roster: birth date 31/12/1988 as a date cell; the long name unwrapped in one line.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(files.find((f) => f.name === "danh-sach-hoc-vien.xlsx")!.bytes as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  let row: ExcelJS.Row | undefined;
  ws.eachRow((r) => { if (r.getCell(2).value === LONG_NAME) row = r; });
  expect(row!.getCell(3).value).toEqual(new Date(Date.UTC(1988, 11, 31)));
  expect(textWidthPt(LONG_NAME, { size: 12 })).toBeLessThanOrEqual(roomPt(ws, 2, 2));
  // The CCCD list keeps the leading zero as text.
  const list = new ExcelJS.Workbook();
  await list.xlsx.load(files.find((f) => f.name === "nguoi-tham-gia.xlsx")!.bytes as unknown as ArrayBuffer);
  expect(list.worksheets[0].getCell("A2").value).toMatch(/^038\d{9}$/);
  expect(list.worksheets[0].getCell("A2").numFmt).toBe("@");
});
