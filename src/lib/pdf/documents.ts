/**
 * Class documents in the NĐ 30 layout, A4 landscape: the sign-in sheet (DANH SÁCH KÝ NHẬN) and the
 * participant roster (DANH SÁCH HỌC VIÊN). Plain data in, PDF bytes out; identical input gives
 * identical bytes.
 */
import { addPageNumbers, drawAdminHeader, drawSignatureBlock, flowTitle, measureSignatureBlock, type AdminHeader, type SignatureBlock } from "./admin-doc";
import { formatDm, formatDmy, formatPlaceDate } from "./dates";
import { embedTinos } from "./fonts";
import { A4_LANDSCAPE, leading, mm, PageFlow, textWidth } from "./layout";
import { createDocument, setReproducibleMetadata } from "./meta";
import { drawTable, type TableColumn } from "./table";
import { formatBirth } from "../vietnamese";

/** Header and dating fields shared by the class documents. */
export interface ClassDocumentBase {
  /** Cơ quan chủ quản (optional line above the issuing body). */
  managingBody?: string;
  /** Cơ quan ban hành. If omitted, no NĐ 30 header is drawn (bare annex). */
  issuingBody?: string;
  /** "Số: …" under the issuing body (optional). */
  numberLine?: string;
  /** Place for the place-date line, e.g. "Triệu Sơn" (optional). */
  place?: string;
  /** Date of the document, ISO; also used as the PDF's fixed creation date. */
  documentDate: string;
  /** Number pages from page 2 on (per sheet for split sign-in sheets), centred in the top margin (default true). */
  pageNumbers?: boolean;
}

/** One scheduled session (buổi) of a class. */
export interface SignInSession {
  /** ISO date; the column header shows "dd/mm". */
  date: string;
  /** Extra header text, e.g. "Sáng" / "Chiều" (optional). */
  label?: string;
}

/** Input of {@link renderSignInSheet}. Rows are printed in the order given (caller sorts). */
export interface SignInSheetData extends ClassDocumentBase {
  /** Default "DANH SÁCH KÝ NHẬN". */
  title?: string;
  /** Course title, printed bold under the title. */
  courseTitle: string;
  venue?: string;
  startDate: string;
  endDate?: string;
  sessions: SignInSession[];
  people: { fullName: string; unit?: string }[];
  /** Signature title at the foot (default "NGƯỜI QUẢN LÝ LỚP"). */
  managerTitle?: string;
  managerName?: string;
  /** Most session columns on one sheet (default: as many 25 mm signature cells as fit, 6 on A4 landscape). */
  maxSessionsPerSheet?: number;
}

/** One roster row. */
export interface RosterRow {
  fullName: string;
  /** ISO date of birth. */
  dateOfBirth?: string;
  /** The year of birth when only the year is known (printed "Sinh năm 1978"). */
  birthYear?: number;
  gender?: string;
  ethnicity?: string;
  position?: string;
  unit?: string;
  category?: string;
  note?: string;
}

/** Input of {@link renderRoster}. */
export interface RosterData extends ClassDocumentBase {
  /** Annex lines above the title, e.g. ["Phụ lục 01", "(Kèm theo Báo cáo số 05/BC-UBND)"] (optional). */
  annex?: string[];
  /** Default "DANH SÁCH HỌC VIÊN". */
  title?: string;
  /** Bold centred lines under the title, e.g. the course title. */
  subtitles?: string[];
  rows: RosterRow[];
  /** Optional signature block at the foot. */
  signer?: { prefix?: string; title: string; name: string };
}

/** Start a landscape document: fonts, flow, header. */
async function start(data: ClassDocumentBase, title: string) {
  const doc = await createDocument();
  setReproducibleMetadata(doc, title, data.documentDate, data);
  const fonts = await embedTinos(doc);
  const flow = new PageFlow(doc, fonts, { size: A4_LANDSCAPE });
  return { doc, fonts, flow };
}

/** Draw the NĐ 30 header at the top of the flow's current page (if an issuing body is given). */
function header(flow: PageFlow, data: ClassDocumentBase): void {
  if (!data.issuingBody) return;
  const h: AdminHeader = { managingBody: data.managingBody, issuingBody: data.issuingBody, numberLine: data.numberLine };
  flow.y = drawAdminHeader(flow.page, flow.fonts, h, { x: flow.left, top: flow.y, width: flow.width }) - mm(6);
}

/** Foot of a class document: lines, then an optional signature block on the right. */
export interface Foot {
  lines: string[];
  block?: SignatureBlock;
  width: number;
  height: number;
}

const SIG = { space: mm(25) };
const FOOT_LINE = 13;

/** Measure the foot (so the table keeps its last rows with it). */
export function planFoot(flow: PageFlow, data: ClassDocumentBase, lines: string[], signer?: { prefix?: string; title: string; name: string }): Foot {
  const width = Math.min(mm(110), flow.width / 2);
  const block = signer ? { ...signer, placeDate: data.place ? formatPlaceDate(data.place, data.documentDate) : undefined } : undefined;
  const sig = block ? mm(3) + measureSignatureBlock(flow.fonts, block, width, SIG) : 0;
  const height = mm(4) + lines.length * leading(FOOT_LINE) + sig;
  return { lines, block, width, height };
}

/** Draw the foot, all on one page. */
export function drawFoot(flow: PageFlow, foot: Foot): void {
  if (!flow.ensure(foot.height)) flow.space(mm(4));
  for (const l of foot.lines) flow.text(l, { font: flow.fonts.regular, size: FOOT_LINE });
  if (!foot.block) return;
  flow.space(mm(3));
  const box = { x: flow.left + flow.width - foot.width, top: flow.y, width: foot.width };
  flow.y = drawSignatureBlock(flow.page, flow.fonts, foot.block, box, SIG);
}

/** Split `n` items into the fewest even chunks of at most `max`. */
function chunks<T>(items: T[], max: number): T[][] {
  const count = Math.max(1, Math.ceil(items.length / max));
  const per = Math.ceil(items.length / count);
  const out: T[][] = [];
  for (let i = 0; i < count; i++) out.push(items.slice(i * per, (i + 1) * per));
  return out;
}

/** A signature cell: at least 25 mm wide (and 10 mm high, the row height), at most 35 mm wide. */
const SIGN_W = { min: 25, max: 35 };
/** Least widths (mm) of the fixed columns of a sign-in sheet: TT, name, unit. */
const SIGN_FIXED = { tt: 10, name: 45, unit: 25 };

/** Most session columns that fit a sheet `widthPt` wide with signature cells of at least 25 mm. */
export function sessionsPerSheet(widthPt: number, max = Infinity): number {
  const free = widthPt / mm(1) - SIGN_FIXED.tt - SIGN_FIXED.name - SIGN_FIXED.unit;
  return Math.max(1, Math.min(max, Math.floor(free / SIGN_W.min)));
}

/**
 * Sign-in sheet, A4 landscape: header, "DANH SÁCH KÝ NHẬN", course, venue and dates; columns
 * TT | Họ và tên | Đơn vị | one "Ký tên dd/mm" column per session; "Tổng số: N người" and the class
 * manager's signature, with the name printed under it, at the foot.
 *
 * Signature cells are at least 25 × 10 mm, so a sheet holds as many sessions as fit beside the fixed
 * columns (6 on A4 landscape; `maxSessionsPerSheet` may lower it). More sessions are split evenly
 * into several complete sheets (e.g. 8 → 4 + 4), each with header, a "Buổi a–b / n" line, the full
 * list of people and the foot, each starting on a new page. No page holds fewer than 3 people unless
 * the class is that small.
 */
export async function renderSignInSheet(data: SignInSheetData): Promise<Uint8Array> {
  const title = data.title ?? "DANH SÁCH KÝ NHẬN";
  const { doc, fonts, flow } = await start(data, title);
  const numbered = data.sessions.map((s, i) => ({ ...s, n: i + 1 }));
  const groups = chunks(numbered, sessionsPerSheet(flow.width, data.maxSessionsPerSheet));
  const dates = data.endDate && data.endDate !== data.startDate
    ? `từ ngày ${formatDmy(data.startDate)} đến ngày ${formatDmy(data.endDate)}`
    : `ngày ${formatDmy(data.startDate)}`;
  const where = [data.venue ? `Địa điểm: ${data.venue}` : "", `Thời gian: ${dates}`].filter(Boolean).join("; ");
  groups.forEach((group, gi) => {
    if (gi > 0) flow.newPage();
    const firstPage = flow.pages.length - 1;
    header(flow, data);
    flowTitle(flow, title, [data.courseTitle]);
    flow.text(where, { font: fonts.italic, size: 13 }, { align: "center", balanced: true });
    if (groups.length > 1) {
      const range = `Buổi ${group[0].n}–${group[group.length - 1].n} / ${data.sessions.length}`;
      flow.text(`(${range})`, { font: fonts.italic, size: 13 }, { align: "center" });
    }
    flow.space(mm(3));
    // Names (then units, up to 45 mm) on one line first; session columns share the rest within 25–35 mm.
    const body = { font: fonts.regular, size: 12 };
    const natural = (texts: string[], least: number, most: number) => Math.min(most, Math.max(least, ...texts.map((t) => textWidth(t, body) / mm(1) + 3.5)));
    const names = natural(data.people.map((p) => p.fullName), SIGN_FIXED.name, 90);
    const units = natural(data.people.map((p) => p.unit ?? ""), SIGN_FIXED.unit, 45);
    const free = flow.width / mm(1) - SIGN_FIXED.tt - names - units;
    const sessionW = Math.min(SIGN_W.max, Math.max(SIGN_W.min, free / group.length));
    const columns: TableColumn[] = [
      { header: "TT", width: SIGN_FIXED.tt, align: "center" },
      { header: "Họ và tên", keep: true, minWidth: names },
      { header: "Đơn vị", minWidth: SIGN_FIXED.unit }, // wraps first when signature cells need the room
      ...group.map((s) => ({ header: ["Ký tên", formatDm(s.date), s.label ?? ""].filter(Boolean).join("\n"), width: sessionW })),
    ];
    const rows = data.people.map((p, i) => [String(i + 1), p.fullName, p.unit ?? "", ...group.map(() => "")]);
    const signer = { title: data.managerTitle ?? "NGƯỜI QUẢN LÝ LỚP", name: data.managerName ?? "" };
    const foot = planFoot(flow, data, [`Tổng số: ${data.people.length} người`], signer);
    drawTable(flow, { columns, rows, fontSize: 12, minRowHeight: mm(10), keepWithNext: foot.height });
    drawFoot(flow, foot);
    // Each sheet is numbered on its own (first page unnumbered, NĐ 30).
    if (data.pageNumbers ?? true) addPageNumbers(flow.pages.slice(firstPage), fonts);
  });
  return doc.save();
}

/**
 * Participant roster in annex style, A4 landscape: optional header or annex lines, "DANH SÁCH HỌC
 * VIÊN", subtitles; columns TT | Họ và tên | Ngày sinh | Giới tính | Dân tộc | Chức vụ | Đơn vị | Đối
 * tượng | Ghi chú (widths from the content); the header row repeats on every page; "Tổng số: N người"
 * and an optional signature block at the foot.
 */
export async function renderRoster(data: RosterData): Promise<Uint8Array> {
  const title = data.title ?? "DANH SÁCH HỌC VIÊN";
  const { doc, fonts, flow } = await start(data, title);
  header(flow, data);
  for (const [i, line] of (data.annex ?? []).entries()) {
    flow.text(line, { font: i === 0 ? fonts.bold : fonts.italic, size: 13 }, { align: "center" });
  }
  flowTitle(flow, title, data.subtitles ?? []);
  flow.space(mm(3));
  // Widths from the content: a long name stays on one line, an empty notes column stays narrow.
  const columns: TableColumn[] = [
    { header: "TT", width: 10, align: "center" },
    { header: "Họ và tên", keep: true },
    { header: "Ngày sinh", align: "center", keep: true },
    { header: "Giới tính", align: "center" },
    { header: "Dân tộc", align: "center" },
    { header: "Chức vụ" },
    { header: "Đơn vị" },
    { header: "Đối tượng" },
    { header: "Ghi chú", minWidth: 18 },
  ];
  const rows = data.rows.map((r, i) => [
    String(i + 1),
    r.fullName,
    r.dateOfBirth ? formatDmy(r.dateOfBirth) : formatBirth(r),
    r.gender ?? "",
    r.ethnicity ?? "",
    r.position ?? "",
    r.unit ?? "",
    r.category ?? "",
    r.note ?? "",
  ]);
  const foot = planFoot(flow, data, [`Tổng số: ${data.rows.length} người`], data.signer);
  drawTable(flow, { columns, rows, fontSize: 12, keepWithNext: foot.height });
  drawFoot(flow, foot);
  if (data.pageNumbers ?? true) addPageNumbers(flow.pages, fonts);
  return doc.save();
}
