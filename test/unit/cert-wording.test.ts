import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { snapshotPdf } from "../../src/features/certificates/issue.service";
import { buildSnapshot, toCertificateData, type CertificateSnapshot, type SnapshotInput } from "../../src/features/certificates/snapshot";
import { courseLabel, periodText } from "../../src/lib/pdf";
import { popplerTest } from "../helpers/pdf";

const withPoppler = popplerTest("cert-wording");

const input = (over: Partial<SnapshotInput> = {}): SnapshotInput => ({
  number: "001/GCN-UBND", year: 2026, series: "GCN", seq: 1, issueDate: "2026-12-03", verifyUrl: "https://taphuan.example.vn/verify/AbCdEfGhIjKlMnOpQrStUv",
  person: { fullName: "Nguyễn Thị Thu Hà", ho: "Nguyễn", tenDem: "Thị Thu", ten: "Hà", dateOfBirth: "1990-03-05", gender: "Nữ", ethnicity: "Kinh", unit: "Xã Triệu Sơn", position: null },
  course: { id: 7, title: "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", venue: "Hội trường UBND xã Triệu Sơn" },
  sessions: [{ date: "2026-12-03", venue: null }],
  result: "Đạt", completion: "",
  org: { managingBody: "Ủy ban nhân dân tỉnh Thanh Hóa", issuingBody: "Ủy ban nhân dân xã Triệu Sơn", placeName: "Triệu Sơn", signerPrefix: "KT. CHỦ TỊCH", signerTitle: "PHÓ CHỦ TỊCH", signerName: "Lê Quang Trung", validFrom: "2020-01-01" },
  print: { offsetXmm: 0, offsetYmm: 0, border: true, sealSha256: null },
  ...over,
});

/** The PDF's text on one line; the page also goes to os.tmpdir() as PNG for people to look at. */
function textOf(bytes: Uint8Array, name: string): string {
  const file = path.join(os.tmpdir(), `${name}.pdf`);
  fs.writeFileSync(file, bytes);
  execFileSync("pdftoppm", ["-r", "60", "-png", "-singlefile", file, file.replace(/\.pdf$/, "")]);
  return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
}

describe("certificate wording", () => {
  it("names the kind once: a title that already names it is not prefixed again", () => {
    expect(courseLabel("Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại")).toBe("Đã hoàn thành: ");
    expect(courseLabel("lớp tập huấn kỹ năng số")).toBe("Đã hoàn thành: ");
    expect(courseLabel("Hội nghị quán triệt Quyết định 1191")).toBe("Đã hoàn thành: ");
    expect(courseLabel("Khóa đào tạo phát ngôn")).toBe("Đã hoàn thành: ");
    expect(courseLabel("Bồi dưỡng kỹ năng phát ngôn")).toBe("Đã hoàn thành lớp: ");
    expect(courseLabel("Tập huấn ứng dụng công nghệ thông tin")).toBe("Đã hoàn thành lớp: ");
    expect(courseLabel("Nghiệp vụ thông tin đối ngoại")).toBe("Đã hoàn thành lớp bồi dưỡng: ");
    // A word that merely starts like a kind is not one.
    expect(courseLabel("Lớpx thử")).toBe("Đã hoàn thành lớp bồi dưỡng: ");
  });

  it("prints one date for a one-day course, the range otherwise", () => {
    expect(periodText("2026-12-03", "2026-12-03")).toBe("ngày 03/12/2026");
    expect(periodText("2026-12-01", "2026-12-03")).toBe("từ ngày 01/12/2026 đến ngày 03/12/2026");
  });

  withPoppler("a one-day course prints 'Thời gian: ngày 03/12/2026' and the kind once", async () => {
    const s = buildSnapshot(input());
    expect(s.schema).toBe(2);
    const text = textOf(await snapshotPdf(s), "taphuan-cert-wording-one-day");
    expect(text).toContain("Thời gian: ngày 03/12/2026");
    expect(text).not.toContain("từ ngày");
    expect(text).toContain("Đã hoàn thành: Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026");
    expect(text).not.toMatch(/lớp bồi dưỡng: Lớp/i);
  });

  withPoppler("a certificate issued before (snapshot schema 1) reprints with its first wording, byte for byte", async () => {
    const old: CertificateSnapshot = { ...buildSnapshot(input()), schema: 1 };
    const bytes = await snapshotPdf(old);
    const text = textOf(bytes, "taphuan-cert-wording-schema1");
    expect(text).toContain("Đã hoàn thành lớp bồi dưỡng: Lớp bồi dưỡng");
    expect(text).toContain("từ ngày 03/12/2026 đến ngày 03/12/2026");
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(await snapshotPdf(JSON.parse(JSON.stringify(old)))))).toBe(0);
  });
  withPoppler("a year-only birth prints 'Sinh năm 1978', never an invented 01/01", async () => {
    const s = buildSnapshot(input({ person: { ...input().person, dateOfBirth: null, birthYear: 1978 } }));
    expect(s.person).toMatchObject({ dateOfBirth: "", birthYear: 1978 });
    const text = textOf(await snapshotPdf(JSON.parse(JSON.stringify(s))), "taphuan-cert-wording-birth-year");
    expect(text).toContain("Sinh năm 1978");
    expect(text).not.toContain("Sinh ngày");
    expect(text).not.toContain("01/01/1978");
  });

  it("a full date wins over the year, and a full-date snapshot gains no field (older reprints stay byte for byte)", () => {
    const s = buildSnapshot(input({ person: { ...input().person, birthYear: 1990 } }));
    expect(s.person.dateOfBirth).toBe("1990-03-05");
    expect("birthYear" in s.person).toBe(false);
    expect("birthYear" in toCertificateData(s)).toBe(false);
    expect(() => buildSnapshot(input({ person: { ...input().person, dateOfBirth: null, birthYear: null } }))).toThrow(/birth/);
  });
});
