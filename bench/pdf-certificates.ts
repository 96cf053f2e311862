/**
 * Benchmark: 500 certificates (distinct names and QR codes) merged by renderCertificates, plus one bare
 * pdf-lib page with the same fonts in the same run. Run: npx tsx bench/pdf-certificates.ts [outfile]
 * Prints one JSON line at the end: {"certificates":500,"seconds":…,"bytes":…,"barePageSeconds":…}
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { PDFDocument } from "pdf-lib";
import { embedTinos, renderCertificates, type CertificateData } from "../src/lib/pdf";

const HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
const DEM = ["Thị", "Văn", "Đức", "Thị Thu", "Quốc", "Ngọc", "Xuân", "Hữu", "Thị Hồng", "Minh"];
const TEN = ["Hà", "Ưng", "Thuỷ", "Khải", "Việt", "Ánh", "Trường", "Giang", "Dũng", "Hằng", "Phượng", "Tuấn", "Nguyệt", "Lộc", "Yến", "Quyết", "Hoà", "Sơn", "Thắm", "Đạt", "Ngữ"];
const UNITS = ["UBND xã Triệu Sơn", "UBND xã Thọ Bình", "UBND xã Hợp Tiến", "Trung tâm Văn hóa - Thông tin - Thể thao", "Đài truyền thanh xã An Nông", "Phòng Văn hóa và Thông tin"];

/** 500 distinct certificates. */
export function sampleCertificates(n: number): CertificateData[] {
  return Array.from({ length: n }, (_, i) => ({
    managingBody: "UBND tỉnh Thanh Hóa",
    issuingBody: "Sở Văn hóa, Thể thao và Du lịch",
    fullName: `${HO[i % HO.length]} ${DEM[Math.floor(i / HO.length) % DEM.length]} ${TEN[i % TEN.length]}`,
    dateOfBirth: `19${60 + (i % 40)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    unit: UNITS[i % UNITS.length],
    courseTitle: "Bồi dưỡng nghiệp vụ công tác thông tin đối ngoại năm 2026",
    startDate: "2026-03-02",
    endDate: "2026-03-04",
    venue: "Hội trường UBND xã Triệu Sơn, tỉnh Thanh Hóa",
    result: i % 3 === 0 ? "Hoàn thành tốt" : undefined,
    place: "Thanh Hóa",
    issueDate: "2026-03-05",
    signerPrefix: "KT. GIÁM ĐỐC",
    signerTitle: "PHÓ GIÁM ĐỐC",
    signerName: "Lê Quang Trung",
    numberLine: `Số vào sổ: ${String(i + 1).padStart(3, "0")}/2026`,
    verifyUrl: `https://taphuan.example.vn/xac-minh/${(0x9e3779b1 * (i + 1)).toString(36).padStart(10, "0")}${i}`,
  }));
}

async function barePage(): Promise<number> {
  const t = performance.now();
  const doc = await PDFDocument.create();
  const fonts = await embedTinos(doc);
  doc.addPage().drawText("Nguyễn Thị Thu Hà", { x: 50, y: 700, size: 14, font: fonts.regular });
  await doc.save();
  return (performance.now() - t) / 1000;
}

async function main(): Promise<void> {
  const list = sampleCertificates(500);
  const t0 = performance.now();
  const bytes = await renderCertificates(list);
  const seconds = (performance.now() - t0) / 1000;
  const barePageSeconds = await barePage();
  if (process.argv[2]) fs.writeFileSync(process.argv[2], bytes);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  console.log(JSON.stringify({ certificates: list.length, seconds: round(seconds), bytes: bytes.length, barePageSeconds: round(barePageSeconds) }));
}

if (require.main === module) void main();
