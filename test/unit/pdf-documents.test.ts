import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import {
  renderCertificates,
  renderRoster,
  renderSignInSheet,
  type CertificateData,
  type RosterRow,
  type SignInSheetData,
} from "../../src/lib/pdf";
import { popplerTest } from "../helpers/pdf";

const withPoppler = popplerTest("pdf-documents tests");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pdf-docs-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let seq = 0;
function write(bytes: Uint8Array): string {
  const file = path.join(tmp, `doc-${++seq}.pdf`);
  fs.writeFileSync(file, bytes);
  return file;
}
/** Extracted text of a page range (all pages by default). */
function pdfText(bytes: Uint8Array, first?: number, last?: number): string {
  const args = [...(first ? ["-f", String(first)] : []), ...(last ? ["-l", String(last)] : []), write(bytes), "-"];
  return execFileSync("pdftotext", args, { encoding: "utf8" });
}
/** Grey pixels (PGM body) of one page at 40 dpi. */
function pixels(bytes: Uint8Array, page = 1): { w: number; h: number; data: Buffer } {
  const out = execFileSync("pdftoppm", ["-r", "40", "-gray", "-f", String(page), "-l", String(page), write(bytes)]);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(out.subarray(0, 40).toString("latin1"));
  if (!header) throw new Error("not a PGM");
  return { w: Number(header[1]), h: Number(header[2]), data: out.subarray(header[0].length) };
}
async function pages(bytes: Uint8Array) {
  return (await PDFDocument.load(bytes)).getPages().map((p) => p.getSize());
}
const isA4Landscape = (s: { width: number; height: number }): boolean => Math.abs(s.width - 841.89) < 1 && Math.abs(s.height - 595.28) < 1;

const NAMES = ["Nguyễn Thị Thu Hà", "Đặng Văn Ưng", "Lê Thị Thuỷ", "Hoàng Đức Khải", "Trần Quốc Việt", "Phạm Thị Ngọc Ánh"];
const UNITS = ["UBND xã Triệu Sơn", "Trung tâm Văn hóa - Thông tin - Thể thao", "Phòng Văn hóa và Thông tin"];
const HEADER = { managingBody: "UBND tỉnh Thanh Hóa", issuingBody: "Sở Văn hóa, Thể thao và Du lịch", place: "Thanh Hóa", documentDate: "2026-03-05" };

function signIn(sessions: number, people = NAMES.length): SignInSheetData {
  return {
    ...HEADER,
    courseTitle: "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026",
    venue: "Hội trường UBND xã Triệu Sơn",
    startDate: "2026-03-02",
    endDate: "2026-03-08",
    sessions: Array.from({ length: sessions }, (_, i) => ({ date: `2026-03-0${2 + Math.floor(i / 2)}`, label: i % 2 ? "Chiều" : "Sáng" })),
    // NFD input on purpose: the output must still be NFC.
    people: Array.from({ length: people }, (_, i) => ({ fullName: NAMES[i % NAMES.length].normalize("NFD"), unit: UNITS[i % UNITS.length] })),
    managerName: "Bùi Xuân Trường",
  };
}

function cert(i: number, extra: Partial<CertificateData> = {}): CertificateData {
  return {
    managingBody: "UBND tỉnh Thanh Hóa",
    issuingBody: "Sở Văn hóa, Thể thao và Du lịch",
    fullName: NAMES[i % NAMES.length],
    dateOfBirth: "1985-03-05",
    unit: UNITS[i % UNITS.length],
    courseTitle: "Bồi dưỡng nghiệp vụ công tác thông tin đối ngoại năm 2026",
    startDate: "2026-03-02",
    endDate: "2026-03-04",
    venue: "Hội trường UBND xã Triệu Sơn, tỉnh Thanh Hóa",
    result: "Hoàn thành tốt",
    place: "Thanh Hóa",
    issueDate: "2026-03-05",
    signerPrefix: "KT. GIÁM ĐỐC",
    signerTitle: "PHÓ GIÁM ĐỐC",
    signerName: "Lê Quang Trung",
    numberLine: `Số vào sổ: ${String(15 + i).padStart(3, "0")}/2026`,
    verifyUrl: `https://taphuan.example.vn/xac-minh/k${i}x7Qp2Lm9Zt4Rw8`,
    ...extra,
  };
}

describe("sign-in sheet", () => {
  withPoppler("prints title, course, NFC names, session dates and the foot", async () => {
    const bytes = await renderSignInSheet(signIn(6));
    const text = pdfText(bytes);
    expect(text).toBe(text.normalize("NFC"));
    for (const s of ["DANH SÁCH KÝ NHẬN", "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "02/03", "04/03", "Tổng số: 6 người", "NGƯỜI QUẢN LÝ LỚP",
      "Bùi Xuân Trường", "Thanh Hóa, ngày 05 tháng 3 năm 2026", ...NAMES]) {
      expect(text).toContain(s);
    }
    for (const size of await pages(bytes)) expect(isA4Landscape(size)).toBe(true);
  });

  withPoppler("splits many sessions into complete sheets of at most 6 signature cells (25 mm each)", async () => {
    const bytes = await renderSignInSheet(signIn(14, 3));
    const text = pdfText(bytes);
    expect(text).toContain("(Buổi 1–5 / 14)");
    expect(text).toContain("(Buổi 6–10 / 14)");
    expect(text).toContain("(Buổi 11–14 / 14)");
    expect(text.match(/DANH SÁCH KÝ NHẬN/g)).toHaveLength(3);
    expect(text.match(/Tổng số: 3 người/g)).toHaveLength(3);
    expect((await pages(bytes)).length).toBe(3);
  });
});

describe("roster", () => {
  const rows: RosterRow[] = Array.from({ length: 50 }, (_, i) => ({
    fullName: NAMES[i % NAMES.length],
    dateOfBirth: `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
    gender: i % 2 ? "Nam" : "Nữ",
    ethnicity: i % 5 ? "Kinh" : "Mường",
    position: "Công chức Văn hóa - Xã hội",
    unit: UNITS[i % UNITS.length],
    category: "Tuyên truyền viên, báo cáo viên",
    note: i === 49 ? "Hàng cuối" : "",
  }));

  withPoppler("50 rows span several landscape pages, header row on each", async () => {
    const bytes = await renderRoster({ ...HEADER, issuingBody: undefined, annex: ["Phụ lục 01", "(Kèm theo Báo cáo số 05/BC-SVHTTDL)"], subtitles: ["Lớp bồi dưỡng nghiệp vụ năm 2026"], rows, signer: { prefix: "KT. GIÁM ĐỐC", title: "PHÓ GIÁM ĐỐC", name: "Lê Quang Trung" } });
    const sizes = await pages(bytes);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    for (const size of sizes) expect(isA4Landscape(size)).toBe(true);
    const all = pdfText(bytes).replace(/\s+/g, " ");
    for (const s of ["Phụ lục 01", "DANH SÁCH HỌC VIÊN", "Mường", "Nữ", "10/01/1970", "Hàng cuối", "Tổng số: 50 người", "Lê Quang Trung", ...NAMES]) expect(all).toContain(s);
    for (let p = 1; p <= sizes.length; p++) {
      const text = pdfText(bytes, p, p).replace(/\s+/g, " ");
      for (const h of ["TT", "Họ và tên", "Ngày sinh", "Giới", "Dân tộc", "Chức vụ", "Đơn vị", "Đối tượng", "Ghi chú"]) expect(text).toContain(h);
    }
    // The signature block never stands alone: the last row is on its page.
    expect(pdfText(bytes, sizes.length, sizes.length).replace(/\s+/g, " ")).toContain("Hàng cuối");
  });
});

describe("certificates", () => {
  withPoppler("prints every field in NFC", async () => {
    const bytes = await renderCertificates([cert(0), cert(1, { fullName: "Hoàng Đức Khải".normalize("NFD"), result: undefined })]);
    const [one, two] = [pdfText(bytes, 1, 1), pdfText(bytes, 2, 2)];
    for (const s of ["GIẤY CHỨNG NHẬN", "Chứng nhận Ông/Bà: Nguyễn Thị Thu Hà", "Sinh ngày: 05/03/1985", "Đơn vị công tác: UBND xã Triệu Sơn",
      "Đã hoàn thành lớp bồi dưỡng:", "Thời gian: từ ngày 02/03/2026 đến ngày 04/03/2026", "Tại: Hội trường UBND xã Triệu Sơn",
      "Kết quả: Hoàn thành tốt", "Thanh Hóa, ngày 05 tháng 3 năm 2026", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Quang Trung",
      "Số vào sổ: 015/2026", "Quét mã để xác minh", "UBND TỈNH THANH HÓA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]) {
      expect(one).toContain(s);
    }
    expect(two).toContain("Hoàng Đức Khải");
    expect(two).not.toContain("Kết quả");
    expect(two).toBe(two.normalize("NFC"));
  });

  withPoppler("fields at the longest the forms accept keep the whole foot on the page (smaller body text, number line fitted)", async () => {
    const long = (words: string, n: number) => Array.from({ length: n }, () => words).join(" ").slice(0, n);
    const data = cert(0, {
      fullName: long("Nguyễn Thị Hoàng Thu Hà", 120),
      unit: long("Trung tâm Văn hóa - Thông tin - Thể thao và Truyền thông", 200),
      courseTitle: long("Bồi dưỡng nghiệp vụ công tác thông tin đối ngoại", 300),
      venue: long("Hội trường Ủy ban nhân dân xã Triệu Sơn", 300),
      result: "Hoàn thành xuất sắc",
      signerPrefix: "KT. GIÁM ĐỐC", signerTitle: long("PHÓ GIÁM ĐỐC SỞ", 100), signerName: "Lê Quang Trung",
      numberLine: "Số vào sổ: 0123/GCN-TTĐN-SVHTTDL-BDNV/2026-ĐỢT-II",
    });
    const bytes = await renderCertificates([data]);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
    const text = pdfText(bytes).replace(/\s+/g, " ");
    for (const s of ["Lê Quang Trung", "Quét mã để xác minh", "Số vào sổ: 0123/GCN-TTĐN-SVHTTDL-BDNV/2026-ĐỢT-II", "Kết quả: Hoàn thành xuất sắc", "Thanh Hóa, ngày 05 tháng 3 năm 2026"]) {
      expect(text).toContain(s);
    }
    fs.copyFileSync(write(bytes), path.join(os.tmpdir(), "certificate-longest.pdf"));
  });

  withPoppler("a glyph first met inside a composite in an earlier document keeps its text", async () => {
    // "Y" and "a" are components of "Ỳ", "ả"…: written by the first document's subsets.
    await renderCertificates([cert(0, { fullName: "Lý Thị Ỳ Ỷ Ỹ Ỵ Ý ả ạ ã", signerName: "Ỷ Ả Ạ" })]);
    const text = pdfText(await renderCertificates([cert(0)]));
    expect(text).toContain("GIẤY CHỨNG NHẬN");
    expect(text).toContain("Nguyễn Thị Thu Hà");
    expect(text).toContain("Lê Quang Trung");
  });

  it("identical input gives identical bytes; other input differs", async () => {
    const a = await renderCertificates([cert(0), cert(1)]);
    const b = await renderCertificates([cert(0), cert(1)]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const c = await renderCertificates([cert(0), cert(2)]);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    const doc = await PDFDocument.load(a);
    expect(doc.getCreationDate()?.toISOString()).toBe("2026-03-05T00:00:00.000Z");
  });

  it("one page per certificate, A4 landscape, each font face embedded once", async () => {
    const bytes = await renderCertificates(Array.from({ length: 12 }, (_, i) => cert(i)));
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(12);
    for (const p of doc.getPages()) expect(isA4Landscape(p.getSize())).toBe(true);
    const fonts = doc.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFRawStream === false && (o as { get?: (k: PDFName) => unknown }).get?.(PDFName.of("Subtype")) === PDFName.of("Type0"));
    expect(fonts).toHaveLength(4);
    expect(bytes.length).toBeLessThan(80_000);
  });

  it("QR image holds the qrcode matrix for the URL", async () => {
    const QRCode = (await import("qrcode")).default;
    const data = cert(3);
    const doc = await PDFDocument.load(await renderCertificates([data]));
    const images = doc.context.enumerateIndirectObjects().map(([, o]) => o).filter((o): o is PDFRawStream => o instanceof PDFRawStream && o.dict.get(PDFName.of("Subtype")) === PDFName.of("Image"));
    expect(images).toHaveLength(1);
    const raster = zlib.inflateSync(images[0].contents);
    const qr = QRCode.create([{ data: Buffer.from(data.verifyUrl), mode: "byte" }], { errorCorrectionLevel: "M" });
    const n = qr.modules.size;
    const w = n * 4;
    const rowBytes = Math.ceil(w / 8);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const x = c * 4 + 2;
        const bit = (raster[(r * 4 + 2) * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        expect(bit === 0).toBe(Boolean(qr.modules.get(r, c)));
      }
    }
  });

  it("embeds the same seal image once for the whole batch", async () => {
    const seal = tinyPng(40, 40);
    const doc = await PDFDocument.load(await renderCertificates([cert(0, { sealPng: seal }), cert(1, { sealPng: seal })]));
    const images = doc.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFRawStream && o.dict.get(PDFName.of("Subtype")) === PDFName.of("Image"));
    // 2 QR codes + 1 seal (+ its alpha mask).
    expect(images).toHaveLength(4);
  });

  withPoppler("subset fonts print exactly like full embedding (no blank glyphs)", async () => {
    const list = [cert(0), cert(1)];
    const subset = await renderCertificates(list);
    const full = await renderCertificates(list, { subsetFonts: false });
    expect(full.length - subset.length).toBeGreaterThan(800_000);
    for (const page of [1, 2]) {
      const a = pixels(subset, page);
      const b = pixels(full, page);
      const ink = a.data.filter((v) => v < 128).length;
      expect(ink).toBeGreaterThan(2000);
      expect(a.data.equals(b.data)).toBe(true);
    }
  });

  withPoppler("printer offsets move everything right and down", async () => {
    const box = (img: { w: number; h: number; data: Buffer }) => {
      let [x0, y0] = [img.w, img.h];
      for (let y = 0; y < img.h; y++) for (let x = 0; x < img.w; x++) if (img.data[y * img.w + x] < 128) [x0, y0] = [Math.min(x0, x), Math.min(y0, y)];
      return { x0, y0 };
    };
    const plain = box(pixels(await renderCertificates([cert(0)])));
    const moved = box(pixels(await renderCertificates([cert(0, { offsets: { xMm: 10, yMm: 5 } })])));
    const px = (mm: number) => (mm / 25.4) * 40;
    expect(Math.abs(moved.x0 - plain.x0 - px(10))).toBeLessThanOrEqual(1.5);
    expect(Math.abs(moved.y0 - plain.y0 - px(5))).toBeLessThanOrEqual(1.5);
  });
});

/** A minimal RGBA PNG (red ring, transparent elsewhere) built with zlib, for the seal test. */
function tinyPng(w: number, h: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x - w / 2, y - h / 2);
      const on = d < w / 2 - 1 && d > w / 2 - 5;
      raw.set([200, 20, 20, on ? 255 : 0], y * (w * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}
