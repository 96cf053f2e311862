/**
 * The report as an editable DOCX in the administrative layout (NĐ 30/2020/NĐ-CP, Phụ lục I): A4,
 * margins 20/20/30/15 mm, Times New Roman 14 pt; two-column header (managing and issuing body with the
 * number line | national title, motto, place-date); "BÁO CÁO" and its subject; sections I–IV with the
 * figures; "Nơi nhận:" and the signature block; the statistical tables as a landscape annex.
 * Everything printed comes from ReportDocumentData, so a frozen version prints only its snapshot, and
 * the file is made reproducible (fixed metadata dates and zip times from data.documentTime).
 */
import {
  AlignmentType, BorderStyle, Document, Footer, Header, Packer, PageNumber, PageOrientation, Paragraph, Table, TableBorders, TableCell, TableRow,
  TableLayoutType, TextRun, VerticalAlignTable, WidthType, convertMillimetersToTwip as mm,
} from "docx";
import { HEADER_PADDING_MM, headerLayout, type HeaderLayout, type HeaderLine } from "./docx-header";
import { todayIso } from "../../lib/time";
import { formatDateProse, formatDecimal, formatMoney, placeDateLine } from "../../lib/vietnamese";
import { reportsMessages as m } from "./reports.messages";
import { isMoney, reportTables, type Cell, type ReportTable } from "./figure-tables";
import type { ReportDocumentData } from "./report-types";
import { reproducibleOfficeFile } from "./zip-reproducible";

const FONT = "Times New Roman";
const PAGE = { width: mm(210), height: mm(297) };
const MARGIN = { top: mm(20), bottom: mm(20), left: mm(30), right: mm(15) };
const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const TEXT_WIDTH_MM = 210 - 30 - 15;
const LANDSCAPE_TEXT_WIDTH = PAGE.height - mm(20) - mm(20);
const pt = (size: number) => size * 2; // docx sizes are half-points

interface RunStyle {
  size?: number;
  bold?: boolean;
  italics?: boolean;
}

const run = (text: string, s: RunStyle = {}) => new TextRun({ text: text.normalize("NFC"), font: FONT, size: pt(s.size ?? 14), bold: s.bold, italics: s.italics });

function para(text: string, s: RunStyle & { align?: "center" | "left" | "justify" | "right"; indent?: boolean; after?: number; before?: number; line?: number } = {}): Paragraph {
  const alignment = { center: AlignmentType.CENTER, left: AlignmentType.LEFT, justify: AlignmentType.JUSTIFIED, right: AlignmentType.RIGHT }[s.align ?? "justify"];
  return new Paragraph({
    alignment,
    indent: s.indent ? { firstLine: mm(10) } : undefined,
    spacing: { before: s.before ?? 0, after: s.after ?? 0, line: s.line ?? 276 },
    children: [run(text, s)],
  });
}

/** A short horizontal rule under a centred line: an empty paragraph whose bottom border is `width` wide. */
function rule(cellWidth: number, width: number): Paragraph {
  const side = Math.max(0, Math.round((cellWidth - width) / 2));
  return new Paragraph({
    indent: { left: side, right: side },
    spacing: { before: 0, after: 0, line: 120, lineRule: "exact" },
    border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: "000000", space: 1 } },
    children: [run("", { size: 4 })],
  });
}

const noBorderCell = (children: Paragraph[], width: number) =>
  new TableCell({ children, width: { size: width, type: WidthType.DXA }, borders: TableBorders.NONE });

const QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
const TIEU_NGU = "Độc lập - Tự do - Hạnh phúc";

/** The header's lines and cell widths (sized from the measured text: see docx-header.ts). */
export function reportHeaderLayout(d: ReportDocumentData, placeDate: string): HeaderLayout {
  const left: HeaderLine[] = [
    ...(d.org.managingBody ? [{ text: d.org.managingBody.toLocaleUpperCase("vi"), size: 13 }] : []),
    { text: d.org.issuingBody.toLocaleUpperCase("vi"), size: 13, bold: true },
    { text: m.doc.numberLine(d.narrative.documentNumber), size: 13 },
  ];
  const right: HeaderLine[] = [
    { text: QUOC_HIEU, size: 13, bold: true },
    { text: TIEU_NGU, size: 14, bold: true },
    { text: placeDate, size: 14, italic: true },
  ];
  const bodies = new Set(left.slice(0, -1));
  return headerLayout(left, right, TEXT_WIDTH_MM, { bodies: (l) => bodies.has(l), title: (l) => l.text === QUOC_HIEU });
}

/**
 * The NĐ 30 header: a borderless two-row table. Row 1: the bodies and a short rule | the national title,
 * the motto and a rule; row 2: "Số: …" | the place and date, side by side on one line.
 */
function headerTable(d: ReportDocumentData, placeDate: string): Table {
  const h = reportHeaderLayout(d, placeDate);
  const [left, right] = [mm(h.leftMm), mm(h.rightMm)];
  const line = (l: HeaderLine, before = 0) => para(l.text, { size: l.size, bold: l.bold, italics: l.italic, align: "center", before });
  const cell = (children: Paragraph[], width: number) => new TableCell({
    children, width: { size: width, type: WidthType.DXA }, borders: TableBorders.NONE,
    margins: { left: mm(HEADER_PADDING_MM), right: mm(HEADER_PADDING_MM), top: 0, bottom: 0 },
  });
  const numberLine = h.left[h.left.length - 1];
  const placeLine = h.right[h.right.length - 1];
  return new Table({
    width: { size: left + right, type: WidthType.DXA },
    columnWidths: [left, right],
    layout: TableLayoutType.FIXED,
    indent: { size: -mm(h.outLeftMm), type: WidthType.DXA },
    borders: TableBorders.NONE,
    rows: [
      new TableRow({ children: [cell([...h.left.slice(0, -1).map((l) => line(l)), rule(left, mm(20))], left), cell([...h.right.slice(0, -1).map((l) => line(l)), rule(right, mm(60))], right)] }),
      new TableRow({ children: [cell([line(numberLine, 120)], left), cell([line(placeLine, 120)], right)] }),
    ],
  });
}

/** Typed text: one paragraph per non-empty line; a placeholder when empty. */
function typed(text: string): Paragraph[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return [para(m.doc.none, { italics: true, indent: true, after: 120 })];
  return lines.map((l) => para(l, { indent: true, after: 120 }));
}

const heading = (text: string) => para(text, { bold: true, indent: true, after: 120, before: 120 });

function body(d: ReportDocumentData): Paragraph[] {
  const f = d.figures;
  const taskTitle = (num: number) => d.plan.tasks.find((t) => t.number === num)?.title ?? m.taskHeading(num);
  const money = ["state", "business", "social", "other"]
    .filter((s) => (f.task4.bySource[s] ?? 0) > 0)
    .map((s) => `${m.fundingSources[s].toLocaleLowerCase("vi")} ${formatMoney(f.task4.bySource[s])}`);
  const task2 = [m.doc.task2(d.narrative.radioProgrammes), d.narrative.radioNote].filter(Boolean).join("\n");
  return [
    para(m.doc.intro(d.org.issuingBody, d.plan.title, d.period), { indent: true, after: 120 }),
    heading(m.doc.section(0, m.doc.sections[0])),
    ...(d.narrative.results.trim() ? typed(d.narrative.results) : []),
    heading(m.doc.task(1, taskTitle(1))),
    para(m.doc.task1(f.task1), { indent: true, after: 120 }),
    heading(m.doc.task(2, taskTitle(2))),
    ...typed(task2),
    heading(m.doc.task(3, taskTitle(3))),
    para(m.doc.task3(f.task3), { indent: true, after: 120 }),
    para(m.doc.overall(f.overall.participantTimes, f.overall.uniquePersons), { indent: true, after: 120 }),
    heading(m.doc.task(4, taskTitle(4))),
    para(m.doc.task4(formatMoney(f.task4.total), money), { indent: true, after: 120 }),
    para(`${m.doc.asOf(f.asOf)} ${m.doc.annexRef}`, { indent: true, italics: true, after: 120 }),
    heading(m.doc.section(1, m.doc.sections[1])),
    ...typed(d.narrative.limitations),
    heading(m.doc.section(2, m.doc.sections[2])),
    ...typed(d.narrative.directions),
    heading(m.doc.section(3, m.doc.sections[3])),
    ...typed(d.narrative.recommendations),
    para(m.doc.closing(d.plan.title, d.period, d.org.issuingBody), { indent: true, after: 240 }),
  ];
}

/** "- Sở …;" lines, the last ending with "."; defaults when the organisation lists none. */
export function recipientLines(text: string): string[] {
  const items = text.split(/\r?\n/).map((l) => l.trim().replace(/^[-–•]\s*/, "").replace(/[;.,]+$/, "").trim()).filter(Boolean);
  const list = items.length ? items : m.doc.defaultRecipients.map((r) => r.replace(/[;.]$/, ""));
  return list.map((r, i) => `- ${r}${i === list.length - 1 ? "." : ";"}`);
}

function signatureTable(d: ReportDocumentData): Table {
  const left = Math.round(TEXT_WIDTH * 0.45);
  const right = TEXT_WIDTH - left;
  const leftCell = [para(m.doc.recipients, { size: 12, bold: true, italics: true, align: "left" }), ...recipientLines(d.org.reportRecipients).map((l) => para(l, { size: 11, align: "left" }))];
  const rightCell = [
    ...(d.org.signerPrefix ? [para(d.org.signerPrefix.toLocaleUpperCase("vi"), { bold: true, align: "center" })] : []),
    para(d.org.signerTitle.toLocaleUpperCase("vi"), { bold: true, align: "center" }),
    ...[0, 1, 2, 3].map(() => para("", { align: "center" })),
    para(d.org.signerName, { bold: true, align: "center" }),
  ];
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [left, right],
    borders: TableBorders.NONE,
    rows: [new TableRow({ cantSplit: true, children: [noBorderCell(leftCell, left), noBorderCell(rightCell, right)] })],
  });
}

function cellText(t: ReportTable, row: number, col: number, v: Cell): string {
  if (v === null) return "";
  if (typeof v === "number") return isMoney(t, row, col) ? formatMoney(v) : formatDecimal(v, 0);
  return v;
}

function annexTable(t: ReportTable): Table {
  const n = t.header.length;
  const first = mm(12);
  const second = n > 3 ? mm(70) : mm(150);
  const rest = Math.floor((LANDSCAPE_TEXT_WIDTH - first - second) / Math.max(1, n - 2));
  const widths = [first, second, ...Array.from({ length: n - 2 }, () => rest)];
  const cell = (text: string, width: number, s: RunStyle & { align: "center" | "left" | "right" }) =>
    new TableCell({ width: { size: width, type: WidthType.DXA }, verticalAlign: VerticalAlignTable.CENTER, children: [para(text, { size: 12, ...s })] });
  const header = new TableRow({ tableHeader: true, cantSplit: true, children: t.header.map((h, i) => cell(h, widths[i], { bold: true, align: "center" })) });
  const rows = t.rows.map((r, ri) => new TableRow({
    cantSplit: true,
    children: r.map((v, ci) => cell(cellText(t, ri, ci, v), widths[ci], { bold: t.strongRows.includes(ri), align: ci === 1 ? "left" : typeof v === "number" ? "right" : "center" })),
  }));
  return new Table({ width: { size: LANDSCAPE_TEXT_WIDTH, type: WidthType.DXA }, columnWidths: widths, rows: [header, ...rows] });
}

function annex(d: ReportDocumentData, reportDateProse: string): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [
    para(m.doc.annex, { bold: true, align: "center" }),
    // Upper case with stacked marks ("SỐ LIỆU") reaches above the line: room before and a taller line.
    para(m.doc.annexTitle, { bold: true, align: "center", before: 120, line: 360 }),
    para(m.doc.annexOf(d.narrative.documentNumber, reportDateProse), { italics: true, align: "center", after: 240 }),
  ];
  reportTables(d).filter((t) => t.inDocx).forEach((t, i) => {
    out.push(para(m.doc.table(i + 1, t.title), { bold: true, align: "left", before: 240, after: 120 }), annexTable(t));
  });
  out.push(para(m.definitionsTitle, { bold: true, italics: true, align: "left", before: 240, size: 12 }));
  for (const line of m.definitions) out.push(para(`- ${line}`, { size: 12, italics: true }));
  return out;
}

const pageNumberHeader = () => new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: pt(13) })] })] });
const noteFooter = (text: string) => new Footer({ children: [para(text, { size: 8, italics: true, align: "left" })] });
const emptyFooter = () => new Footer({ children: [] });

/**
 * The report as DOCX bytes. Reproducible: the same data (including documentTime) gives the same bytes.
 * The signing date is the narrative's reportDate, else the freeze date; a draft without one prints
 * the blank "ngày … tháng … năm …" line.
 */
export async function buildReportDocx(d: ReportDocumentData): Promise<Buffer> {
  const signDate = d.narrative.reportDate || (d.frozen ? d.frozen.frozenAt : null);
  const placeDate = placeDateLine(d.org.placeName, signDate ? vnDate(signDate) : null);
  const reportDateProse = (signDate && formatDateProse(vnDate(signDate))) || "ngày … tháng … năm …";
  const note = d.frozen ? m.doc.frozenNote(d.frozen.version, d.frozen.sha256) : m.doc.draftNote;
  // The check code of a frozen version, small, at the foot of the first page only; a draft prints none.
  // Every footer is set: a section without one would inherit the previous section's.
  const firstFooter = d.frozen ? noteFooter(note) : emptyFooter();
  const doc = new Document({
    creator: d.org.issuingBody,
    lastModifiedBy: d.org.issuingBody,
    title: m.doc.docTitle(d.period),
    description: note,
    revision: d.frozen?.version ?? 1,
    styles: { default: { document: { run: { font: FONT, size: pt(14) } } } },
    sections: [
      {
        properties: { titlePage: true, page: { size: { width: PAGE.width, height: PAGE.height, orientation: PageOrientation.PORTRAIT }, margin: MARGIN } },
        headers: { default: pageNumberHeader(), first: new Header({ children: [] }) },
        footers: { default: emptyFooter(), first: firstFooter },
        children: [
          headerTable(d, placeDate),
          para(m.doc.title, { bold: true, align: "center", before: 360 }),
          para(m.doc.subject(d.plan.title, d.period), { bold: true, align: "center" }),
          rule(TEXT_WIDTH, mm(40)),
          para("", { after: 120 }),
          ...body(d),
          signatureTable(d),
        ],
      },
      {
        properties: {
          page: { size: { width: PAGE.width, height: PAGE.height, orientation: PageOrientation.LANDSCAPE }, margin: { top: mm(20), bottom: mm(20), left: mm(20), right: mm(20) } },
        },
        headers: { default: pageNumberHeader() },
        footers: { default: emptyFooter() },
        children: annex(d, reportDateProse),
      },
    ],
  });
  return reproducibleOfficeFile(await Packer.toBuffer(doc), new Date(d.documentTime));
}

/** A yyyy-mm-dd date or an ISO time as the calendar date in Vietnam. */
function vnDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return todayIso(new Date(value));
}
