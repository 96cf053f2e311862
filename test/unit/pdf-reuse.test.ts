/**
 * Issuing renders one PDF per certificate and stores its SHA-256, and a reprint must give the same bytes.
 * The renderer shares work between documents of one process (parsed font tables, the decoded seal and its
 * deflated channels: src/lib/pdf/fonts.ts, certificate.ts): a PDF rendered after many others must be
 * byte for byte the one rendered first, in a fresh process (as an old certificate's hash was computed).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import QRCode from "qrcode";
import { renderCertificates, type CertificateData } from "../../src/lib/pdf";
import { checkEverySubset } from "../../src/lib/pdf/font-subsets";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

function cert(name: string, extra: Partial<CertificateData> = {}): CertificateData {
  return {
    managingBody: "UBND tỉnh Thanh Hóa", issuingBody: "Sở Văn hóa, Thể thao và Du lịch", fullName: name, dateOfBirth: "1985-03-05",
    unit: "UBND xã Triệu Sơn", courseTitle: "Bồi dưỡng nghiệp vụ công tác thông tin đối ngoại năm 2026", startDate: "2026-03-02", endDate: "2026-03-04",
    venue: "Hội trường UBND xã Triệu Sơn, tỉnh Thanh Hóa", result: "Hoàn thành tốt", place: "Thanh Hóa", issueDate: "2026-03-05",
    signerPrefix: "KT. GIÁM ĐỐC", signerTitle: "PHÓ GIÁM ĐỐC", signerName: "Lê Quang Trung", numberLine: "Số vào sổ: 015/2026",
    verifyUrl: "https://taphuan.example.vn/verify/k7x7Qp2Lm9Zt4Rw8", ...extra,
  };
}

/** SHA-256 of the PDF of `data` rendered alone in a fresh process (nothing shared yet). */
function coldSha(data: CertificateData): string {
  const json = JSON.stringify({ ...data, sealPng: data.sealPng && Buffer.from(data.sealPng).toString("base64") });
  const script = `const { renderCertificates } = require("./src/lib/pdf");
    const d = JSON.parse(process.argv[1]);
    if (d.sealPng) d.sealPng = Buffer.from(d.sealPng, "base64");
    renderCertificates([d]).then((b) => process.stdout.write(require("node:crypto").createHash("sha256").update(b).digest("hex")));`;
  return execFileSync(process.execPath, ["--import", "tsx", "-e", script, json], { cwd: path.join(__dirname, "../.."), encoding: "utf8" });
}

test("a one-certificate PDF rendered after many others is byte for byte the one a fresh process renders (fonts, seal)", async () => {
  const seal = await QRCode.toBuffer("Con dấu", { type: "png", width: 120, margin: 1 });
  const otherSeal = await QRCode.toBuffer("Chữ ký", { type: "png", width: 90, margin: 1 });
  // Composite glyphs first ("Ỳ" holds "Y", "ả" holds "a"), text that is shaped (combining marks), another seal, a merged batch.
  await renderCertificates([cert("Lý Thị Ỳ Ỷ Ỹ Ỵ Ý ả ạ ã", { signerName: "Ỷ Ả Ạ", sealPng: otherSeal })]);
  await renderCertificates([cert("Hoàng Đức Khải".normalize("NFD"), { sealPng: seal })]);
  await renderCertificates(["Đặng Văn Ưng", "Lê Thị Thuỷ", "Trần Quốc Việt"].map((n) => cert(n, { sealPng: seal })));
  for (const data of [cert("Nguyễn Thị Thu Hà", { sealPng: seal }), cert("Yên Ya Ý", { unit: "Ấp Ỵ", sealPng: otherSeal })]) {
    expect(sha(await renderCertificates([data]))).toBe(coldSha(data));
  }
});

test("the renderer writes the bytes it wrote before the subset writer read glyphs once per process (hashes from the code of 2026-12-03, composites included)", async () => {
  // Computed with fonts.ts before glyph records, metrics and synchronous subsets were shared (a66111e). They
  // also depend on pdf-lib, pako and Node's zlib (the QR): a change here means reprints of issued
  // certificates would no longer match their stored SHA-256.
  const seal = await QRCode.toBuffer("Con dấu", { type: "png", width: 120, margin: 1 });
  const composites = cert("Lý Thị Ỳ Ỷ Ỹ Ỵ Ý ả ạ ã Ữ Ự Ắ", { sealPng: seal });
  expect(sha(await renderCertificates([composites]))).toBe("a3100715ce1293af42c9da7aa3fe1a7c2d7512f5648b564a95c4fb629a02ce83");
  expect(sha(await renderCertificates([cert("Nguyễn Thị Thu Hà")]))).toBe("f77257801afe10bf8c34370a24bbde3af0726e240534417d3a730d3832594c6f");
});

test("every font subset the renderer writes itself is byte for byte fontkit's (composites, short and long names, all four faces)", async () => {
  checkEverySubset(true); // each subset is also written by fontkit and compared: a difference throws
  try {
    const marks = ["Ỳ Ỷ Ỹ Ỵ Ý", "ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ", "ế ề ể ễ ệ ố ồ ổ ỗ ộ", "ớ ờ ở ỡ ợ ứ ừ ử ữ ự", "Ắ Ằ Ẳ Ẵ Ặ Ấ Ầ Ẩ Ẫ Ậ", "Ố Ồ Ổ Ỗ Ộ Ớ Ờ Ở Ỡ Ợ ỉ ị ĩ"];
    for (let i = 0; i < 24; i++) {
      const name = `${["Nguyễn", "Trần", "Lê", "Đặng"][i % 4]} ${marks[i % marks.length].slice(0, 3 + i)} ${"QWXZJ".slice(0, i % 5)}`;
      await renderCertificates([cert(name, { unit: `Ấp ${marks[(i + 2) % marks.length]} ${i}`, signerName: i % 3 ? "Lê Quang Trung" : "Ỷ Ả Ạ Ữ" })]);
    }
  } finally {
    checkEverySubset(false);
  }
});
