/**
 * The report DOCX header cells are sized from the measured text (Tinos = Times New Roman metrics):
 * every header line fits on one line of its cell after the cell's padding, with room for Word's rounding.
 */
import { cellNeedMm, HEADER_PADDING_MM } from "../../src/features/reports/docx-header";
import { reportHeaderLayout } from "../../src/features/reports/report-docx";
import type { ReportDocumentData } from "../../src/features/reports/report-types";
import { PT_PER_MM, textWidthPt } from "../../src/lib/text-metrics";

const TEXT_MM = 210 - 30 - 15;
const QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
const data = (managingBody: string, issuingBody: string) =>
  ({ org: { managingBody, issuingBody }, narrative: { documentNumber: "15/BC-UBND" } }) as unknown as ReportDocumentData;
const place = "Triệu Sơn, ngày 05 tháng 02 năm 2026";
const mmOf = (text: string, style: { size: number; bold?: boolean; italic?: boolean }) => textWidthPt(text, style) / PT_PER_MM;

test("the national title at 13 pt bold needs about 95 mm: more than the old 60 % cell gave after Word's padding", () => {
  const need = mmOf(QUOC_HIEU, { size: 13, bold: true });
  expect(need).toBeGreaterThan(94);
  expect(need).toBeLessThan(97);
  const oldRoom = TEXT_MM * 0.6 - 2 * 1.9;
  expect(need * 1.02).toBeGreaterThan(oldRoom);
});

describe.each([
  ["a Phòng under the district", "Ủy ban nhân dân huyện Triệu Sơn", "Phòng Văn hóa và Thông tin"],
  ["the district itself", "", "Ủy ban nhân dân huyện Triệu Sơn"],
  ["a commune under the province", "Ủy ban nhân dân tỉnh Thanh Hóa", "Ủy ban nhân dân xã Triệu Sơn"],
])("header of %s", (_label, managing, issuing) => {
  const h = reportHeaderLayout(data(managing, issuing), place);

  test("every line fits its cell on one line after the padding, with 2 % to spare", () => {
    const tooWide: string[] = [];
    for (const [lines, width] of [[h.left, h.leftMm], [h.right, h.rightMm]] as const) {
      for (const l of lines) if (mmOf(l.text, l) * 1.02 > width - 2 * HEADER_PADDING_MM) tooWide.push(`${l.text}: ${mmOf(l.text, l).toFixed(1)} mm in ${width.toFixed(1)} mm`);
    }
    expect(tooWide).toEqual([]);
    expect(h.leftMm).toBeGreaterThanOrEqual(cellNeedMm(h.left));
    expect(h.rightMm).toBeGreaterThanOrEqual(cellNeedMm(h.right));
  });

  test("the table stays on the page: at most 15 mm into the left margin and 5 mm into the right", () => {
    expect(h.outLeftMm).toBeLessThanOrEqual(15);
    expect(h.leftMm + h.rightMm - h.outLeftMm).toBeLessThanOrEqual(TEXT_MM + 5);
  });

  test("the national title stays 13 pt bold, the motto 14 pt, the bodies 12–13 pt, upper case", () => {
    expect(h.right[0]).toMatchObject({ text: QUOC_HIEU, size: 13, bold: true });
    expect(h.right[1]).toMatchObject({ text: "Độc lập - Tự do - Hạnh phúc", size: 14, bold: true });
    for (const l of h.left.slice(0, -1)) expect([12, 13]).toContain(l.size);
    expect(h.left[h.left.length - 2]).toMatchObject({ text: issuing.toLocaleUpperCase("vi"), bold: true });
    expect(h.left[h.left.length - 1].text).toBe("Số: 15/BC-UBND");
  });
});
