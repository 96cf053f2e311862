/**
 * The shared sheet helper: widths from the measured text, wrapped cells with a row height, date cells,
 * numbers, CCCD as text, titles merged across the table, A4 print set-up by the table's width.
 */
import ExcelJS from "exceljs";
import { columnTextWidthPt, tableWorkbook } from "../../src/lib/spreadsheet";
import { textWidthPt, wrappedLineCount } from "../../src/lib/text-metrics";

async function load(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb.worksheets[0];
}
const LONG = "Công Tằng Tôn Nữ Thị Phương Thảo Nguyên";

test("a narrow list prints portrait; the long name gets a column it fits in; dates, numbers and CCCD are typed", async () => {
  const ws = await load(await tableWorkbook({
    name: "Danh sách",
    titleLines: ["DANH SÁCH HỌC VIÊN", "Lớp bồi dưỡng nghiệp vụ"],
    columns: [{ header: "TT", kind: "int" }, { header: "Họ và tên" }, { header: "Ngày sinh", kind: "date" }, { header: "Số CCCD" }],
    rows: [[1, LONG, "1988-12-31", "038088000123"], [2, "Lê Thị Thủy", "05/03/1990", null]],
  }));
  expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: "portrait", fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: "4:4" });
  expect(ws.headerFooter.oddFooter).toContain("&P/&N");
  expect(textWidthPt(LONG, { size: 12 })).toBeLessThanOrEqual(columnTextWidthPt(ws.getColumn(2).width!));
  expect(ws.getCell("C5").value).toEqual(new Date(Date.UTC(1988, 11, 31)));
  expect(ws.getCell("C6").value).toEqual(new Date(Date.UTC(1990, 2, 5)));
  expect(ws.getCell("C5").numFmt).toBe("dd/mm/yyyy");
  expect(ws.getCell("A5").value).toBe(1);
  expect(ws.getCell("D5")).toMatchObject({ value: "038088000123", numFmt: "@" });
  // The titles are merged across the four columns.
  expect((ws.model as unknown as { merges: string[] }).merges).toEqual(expect.arrayContaining(["A1:D1", "A2:D2"]));
});

test("a long text wraps at the column's cap and its row is tall enough; a wide table prints landscape", async () => {
  const note = "Đã được cấp lại bằng giấy số 005/GCN-VHTT ngày 10/01/2026 vì sai ngày sinh của học viên trong hồ sơ lớp học";
  const columns = Array.from({ length: 10 }, (_, i) => ({ header: `Cột số ${i + 1} của bảng`, maxWidth: 30 }));
  const ws = await load(await tableWorkbook({ name: "Rộng", columns, rows: [[note, ...Array(9).fill("Xã Triệu Sơn, huyện Triệu Sơn")]] }));
  expect(ws.pageSetup.orientation).toBe("landscape");
  expect(ws.getColumn(1).width).toBe(30);
  const lines = wrappedLineCount(note, { size: 12 }, columnTextWidthPt(30));
  expect(lines).toBeGreaterThan(1);
  expect(ws.getCell("A2").alignment.wrapText).toBe(true);
  expect(ws.getRow(2).height).toBeGreaterThanOrEqual(lines * 12 * 1.2);
});
