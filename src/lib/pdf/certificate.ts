/**
 * Certificate (giấy chứng nhận) renderer: A4 landscape, NĐ 30 header, QR to the public verification
 * page, optional signature/seal image, printer offsets for pre-printed blanks. Deterministic output.
 *
 * Why laid out by hand on pdf-lib (which only draws): the certificate is a fixed form, every line at a set
 * place on the page so that it prints onto pre-printed blanks with the printer's offsets, and Decree 30's
 * header and signature block follow their own rules; a flowing layout library (pdfmake, a browser's
 * print) places text where its flow puts it and cannot promise either.
 */
import { LRUCache } from "lru-cache";
import { PDFImage, PngEmbedder, type PDFDocument, type PDFPage } from "pdf-lib";
import { sha256Base64, sha256Hex } from "../hash";
import { drawAdminHeader, drawSignatureBlock, measureSignatureBlock } from "./admin-doc";
import { formatDmy, formatPlaceDate } from "./dates";
import { embedTinos, type TinosFonts } from "./fonts";
import { A4_LANDSCAPE, ascent, BLACK, drawLine, finishPage, leading, mm, nfc, textWidth, wrapText, type TextStyle } from "./layout";
import { createDocument, setReproducibleMetadata } from "./meta";
import { drawQr, embedQr } from "./qr";

/** Everything printed on one certificate (a snapshot: names as in force on the issue date). */
export interface CertificateData {
  managingBody?: string;
  issuingBody: string;
  /** "Ông" / "Bà"; default prints "Ông/Bà". */
  honorific?: string;
  fullName: string;
  /** ISO date of birth ("" when only the year is known). */
  dateOfBirth: string;
  /** The year of birth when the date is unknown: printed "Sinh năm 1978" (never an invented 01/01). */
  birthYear?: number;
  unit: string;
  courseTitle: string;
  /** ISO dates of the course. */
  startDate: string;
  endDate: string;
  venue: string;
  /**
   * Label of the course line ("Đã hoàn thành lớp bồi dưỡng: ") and the period ("ngày 03/12/2026"), from
   * {@link courseLabel} and {@link periodText}. Absent (certificates issued before 12/2026, whose stored
   * hash must still match a reprint), the first wording is printed.
   */
  courseLabel?: string;
  period?: string;
  /** Optional result line, e.g. "Hoàn thành tốt". */
  result?: string;
  /** Place of the place-date line, e.g. "Triệu Sơn". */
  place: string;
  /** ISO issue date; also the PDF's fixed creation date. */
  issueDate: string;
  /** Authority prefix, e.g. "KT. CHỦ TỊCH" (may be empty). */
  signerPrefix?: string;
  signerTitle: string;
  signerName: string;
  /** Pre-formatted number line, e.g. "Số vào sổ: 015/2026" or "Số: 015/GCN-UBND". */
  numberLine: string;
  /** Public verification URL encoded in the QR code. */
  verifyUrl: string;
  /** Signature and/or seal PNG placed in the signature space (same bytes are embedded once). */
  sealPng?: Uint8Array;
  /** Printer offsets for pre-printed blanks: +x moves right, +y moves down (mm). */
  offsets?: { xMm: number; yMm: number };
  /** Draw a double border (off for pre-printed blanks). */
  withBorder?: boolean;
}

// A title that already names its kind ("Lớp bồi dưỡng …", "Hội nghị …") is not prefixed with a kind again;
// one that starts with the activity ("Bồi dưỡng kỹ năng …", "Tập huấn …") only gets "lớp".
const NAMES_KIND = /^(lớp|khóa|khoá|hội nghị|hội thảo|chương trình|đợt)(?=[\s,:.–-]|$)/u;
const NAMES_ACTIVITY = /^(bồi dưỡng|tập huấn|đào tạo)(?=[\s,:.–-]|$)/u;

/** The label before the course title, saying the kind once: "Đã hoàn thành lớp bồi dưỡng: ", "Đã hoàn thành: ". */
export function courseLabel(title: string): string {
  const t = nfc(title).trim().toLocaleLowerCase("vi");
  if (NAMES_KIND.test(t)) return "Đã hoàn thành: ";
  if (NAMES_ACTIVITY.test(t)) return "Đã hoàn thành lớp: ";
  return "Đã hoàn thành lớp bồi dưỡng: ";
}

/** "ngày 03/12/2026" for a one-day course, else "từ ngày 01/12/2026 đến ngày 03/12/2026". */
export function periodText(startDate: string, endDate: string): string {
  return startDate === endDate ? `ngày ${formatDmy(startDate)}` : `từ ngày ${formatDmy(startDate)} đến ngày ${formatDmy(endDate)}`;
}

/** Per-document state: fonts embedded once, images de-duplicated by content. */
interface CertContext {
  fonts: TinosFonts;
  images: Map<string, PDFImage>;
}

const contexts = new WeakMap<PDFDocument, Promise<CertContext>>();

function contextFor(doc: PDFDocument, subset = true): Promise<CertContext> {
  let ctx = contexts.get(doc);
  if (!ctx) {
    reuseDeflated(doc);
    ctx = embedTinos(doc, { subset }).then((fonts) => ({ fonts, images: new Map() }));
    contexts.set(doc, ctx);
  }
  return ctx;
}

/**
 * Issuing writes one PDF per certificate, so what a merged PDF does once (decode the seal PNG, deflate
 * its colour and alpha channels: ~15 ms for a 300×300 seal; deflate the font subsets that are the same
 * on every certificate, such as the italic caption's) would be done for every certificate. The decoded
 * seal is kept per process by content hash, and deflated streams by identity (the seal's channels are the
 * same arrays each time) or by content: the bytes written are exactly those pdf-lib would write.
 */
const decodedSeals = new LRUCache<string, PngEmbedder>({ max: 4 });
const deflatedArrays = new WeakMap<Uint8Array, Uint8Array>();
const deflatedContents = new LRUCache<string, Uint8Array>({ maxSize: 4 * 1024 * 1024, sizeCalculation: (b) => b.length + 64 });

function reuseDeflated(doc: PDFDocument): void {
  const context = doc.context;
  const flate = context.flateStream.bind(context);
  context.flateStream = (contents, dict = {}) => {
    const array = typeof contents === "string" ? undefined : contents;
    let done = array && deflatedArrays.get(array);
    // A string is deflated as its char codes, not as UTF-8: its key is kept apart from byte arrays'.
    const key = done ? "" : `${array ? "b" : "s"}:${sha256Base64(contents)}`;
    done ??= deflatedContents.get(key);
    if (!done) {
      const stream = flate(contents, dict);
      done = stream.getContents();
      deflatedContents.set(key, done);
    }
    if (array) deflatedArrays.set(array, done);
    return context.stream(done, { ...dict, Filter: "FlateDecode" });
  };
}

async function sealImage(doc: PDFDocument, ctx: CertContext, png: Uint8Array): Promise<PDFImage> {
  const key = sha256Hex(png);
  let img = ctx.images.get(key);
  if (!img) {
    let embedder = decodedSeals.get(key);
    if (!embedder) {
      embedder = await PngEmbedder.for(png);
      decodedSeals.set(key, embedder);
    }
    // What doc.embedPng does, with the decoded image reused (the list of images is private in pdf-lib's types).
    img = PDFImage.of(doc.context.nextRef(), doc, embedder);
    (doc as unknown as { images: PDFImage[] }).images.push(img);
    ctx.images.set(key, img);
  }
  return img;
}

/**
 * "label value" on one baseline; the value wraps under the label's start. Returns the next baseline.
 * With `page` null nothing is drawn: the call only measures.
 */
function labelled(page: PDFPage | null, label: string, value: string, l: TextStyle, v: TextStyle, x: number, y: number, width: number, lh: number): number {
  const lw = textWidth(label, l);
  const first = wrapText(value, v, width - lw)[0] ?? "";
  if (page) drawLine(page, label, l, { x, y });
  if (page) drawLine(page, first, v, { x: x + lw, y });
  const rest = nfc(value).split(/\s+/).filter(Boolean).join(" ").slice(first.length).trim();
  y -= lh;
  if (rest) {
    for (const line of wrapText(rest, v, width)) {
      if (page) drawLine(page, line, v, { x, y });
      y -= lh;
    }
  }
  return y;
}

/** The largest size ≤ `size` (not below `min`) at which `text` fits `width`. */
function fitSize(text: string, font: TextStyle["font"], size: number, width: number, min: number): number {
  const w = textWidth(text, { font, size });
  return w <= width ? size : Math.max(min, Math.floor((size * width) / w * 10) / 10);
}

/**
 * Add one certificate page to `doc`. Fonts are embedded on the first call for a document and reused,
 * so a merged PDF carries each face once. The page comes back finished (content compressed): draw
 * nothing more on it. Metadata is the caller's business (see {@link renderCertificates}).
 */
export async function renderCertificate(doc: PDFDocument, data: CertificateData): Promise<PDFPage> {
  const ctx = await contextFor(doc);
  const { fonts } = ctx;
  const page = doc.addPage(A4_LANDSCAPE);
  const [W, H] = A4_LANDSCAPE;

  if (data.withBorder) {
    page.drawRectangle({ x: mm(8), y: mm(8), width: W - mm(16), height: H - mm(16), borderWidth: 2.2, borderColor: BLACK });
    page.drawRectangle({ x: mm(10), y: mm(10), width: W - mm(20), height: H - mm(20), borderWidth: 0.7, borderColor: BLACK });
  }

  const side = mm(22);
  const header = { managingBody: data.managingBody, issuingBody: data.issuingBody };
  let y = drawAdminHeader(page, fonts, header, { x: side, top: H - mm(18), width: W - 2 * side }, { body: 13, nation: 13, motto: 14, number: 13 });

  y -= mm(11);
  const titleStyle = { font: fonts.bold, size: 30 };
  drawLine(page, "GIẤY CHỨNG NHẬN", titleStyle, { x: 0, y: y - ascent(30), width: W, align: "center" });
  y -= 30 * 1.2 + mm(5);

  // Body: left-aligned block in the middle of the page.
  const bx = mm(62);
  const bw = W - 2 * bx;
  const lines: [string, string][] = [
    data.dateOfBirth || !data.birthYear ? ["Sinh ngày: ", formatDmy(data.dateOfBirth)] : ["Sinh năm ", String(data.birthYear)],
    ["Đơn vị công tác: ", data.unit],
    [data.courseLabel ?? "Đã hoàn thành lớp bồi dưỡng: ", data.courseTitle],
    ["Thời gian: ", data.period ?? `từ ngày ${formatDmy(data.startDate)} đến ngày ${formatDmy(data.endDate)}`],
    ["Tại: ", data.venue],
  ];
  if (data.result) lines.push(["Kết quả: ", data.result]);
  /** Draws (or with page null, measures) the body at a text size; returns the baseline after it. */
  const drawBody = (target: PDFPage | null, size: number): number => {
    const body = { font: fonts.regular, size };
    const lh = size * 1.55;
    let base = y - ascent(size + 5);
    base = labelled(target, `Chứng nhận ${data.honorific ?? "Ông/Bà"}: `, data.fullName, body, { font: fonts.bold, size: size + 5 }, bx, base, bw, lh + 3);
    for (const [label, value] of lines) base = labelled(target, label, value, body, body, bx, base, bw, lh);
    return base + lh - ascent(size) - mm(5); // the top of the foot
  };

  // Foot: number, QR and caption on the left; place-date and signature block on the right. Long body
  // text eats into the signature space (26 mm, never below 16 mm), then the body's text gets smaller
  // (15 pt down to 10 pt) rather than the foot running off the page.
  const sigW = mm(115);
  const image = data.sealPng ? await sealImage(doc, ctx, data.sealPng) : undefined;
  const block = { placeDate: formatPlaceDate(data.place, data.issueDate), prefix: data.signerPrefix, title: data.signerTitle, name: data.signerName, image };
  const fixed = measureSignatureBlock(fonts, block, sigW, { size: 14, space: 0 });
  const qrSize = mm(24);
  const qrFoot = leading(13) + mm(3.5) + qrSize + mm(3.5) + leading(10);
  const bottom = mm(14);
  const footNeeds = Math.max(fixed + mm(16), qrFoot) + bottom;
  let bodySize = 15;
  while (bodySize > 10 && drawBody(null, bodySize) < footNeeds) bodySize -= 0.5;
  const footTop = drawBody(page, bodySize);
  const space = Math.max(mm(16), Math.min(mm(26), footTop - fixed - bottom - mm(2)));
  drawSignatureBlock(page, fonts, block, { x: W - side - sigW, top: footTop, width: sigW }, { size: 14, space });
  const qrBox = { x: mm(40), width: mm(60) };
  // A long number line (pattern and series) gets smaller rather than running off the left edge.
  const numberSize = fitSize(data.numberLine, fonts.regular, 13, mm(80), 8);
  drawLine(page, data.numberLine, { font: fonts.regular, size: numberSize }, { x: qrBox.x - mm(10), y: footTop - ascent(13), width: qrBox.width + mm(20), align: "center" });
  // QR with a clear zone of ≥ 4 modules (≈ 3.5 mm) on every side.
  const qrTop = footTop - leading(13) - mm(3.5);
  drawQr(page, embedQr(doc, data.verifyUrl), qrBox.x + (qrBox.width - qrSize) / 2, qrTop - qrSize, qrSize);
  const caption = { font: fonts.italic, size: 10 };
  drawLine(page, "Quét mã để xác minh", caption, { x: qrBox.x, y: qrTop - qrSize - mm(3.5) - ascent(10), width: qrBox.width, align: "center" });

  const dx = data.offsets?.xMm ?? 0;
  const dy = data.offsets?.yMm ?? 0;
  if (dx || dy) page.translateContent(mm(dx), -mm(dy));
  finishPage(page);
  return page;
}

/** Options for {@link renderCertificates}. */
export interface CertificatesOptions {
  /** PDF title (default "Giấy chứng nhận"). */
  title?: string;
  /** Subset the fonts (default true). `false` embeds the four whole faces (~1.2 MB more). */
  subsetFonts?: boolean;
}

/**
 * Render certificates into ONE merged PDF, one page each, fonts embedded once (subset to the glyphs
 * used). Metadata (dates = latest issue date, /ID = hash of the input) makes the bytes reproducible.
 */
export async function renderCertificates(list: CertificateData[], options: CertificatesOptions = {}): Promise<Uint8Array> {
  if (list.length === 0) throw new Error("renderCertificates: empty list");
  const doc = await createDocument();
  const latest = list.map((c) => c.issueDate.slice(0, 10)).sort().at(-1) as string;
  setReproducibleMetadata(doc, options.title ?? "Giấy chứng nhận", latest, list);
  await contextFor(doc, options.subsetFonts ?? true);
  for (const data of list) await renderCertificate(doc, data);
  return doc.save();
}
