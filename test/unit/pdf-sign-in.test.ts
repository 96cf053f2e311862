/**
 * Sign-in sheet pagination: no page with fewer than 3 people (an 8-person class used to print one
 * name on each second page), the class manager's name printed, the table moved to the next page
 * rather than leave a row or two under a long title.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { renderSignInSheet, type SignInSheetData } from "../../src/lib/pdf";
import { popplerTest } from "../helpers/pdf";

const withPoppler = popplerTest("pdf-sign-in tests");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pdf-sign-in-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let seq = 0;
function write(bytes: Uint8Array): string {
  const file = path.join(tmp, `doc-${++seq}.pdf`);
  fs.writeFileSync(file, bytes);
  return file;
}
const pdfText = (bytes: Uint8Array): string => execFileSync("pdftotext", [write(bytes), "-"], { encoding: "utf8" });
async function pages(bytes: Uint8Array) {
  return (await PDFDocument.load(bytes)).getPages();
}

const NAMES = ["Nguyễn Thị Thu Hà", "Đặng Văn Ưng", "Lê Thị Thuỷ", "Hoàng Đức Khải", "Trần Quốc Việt", "Phạm Thị Ngọc Ánh", "Công Tằng Tôn Nữ Thị Bích Phượng", "Lò Văn Chiến"];
function signIn(sessions: number, people: number): SignInSheetData {
  return {
    managingBody: "Ủy ban nhân dân tỉnh Thanh Hóa", issuingBody: "Ủy ban nhân dân xã Triệu Sơn", place: "Triệu Sơn", documentDate: "2026-03-05",
    courseTitle: "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại năm 2026", venue: "Hội trường Ủy ban nhân dân xã Triệu Sơn", startDate: "2026-03-02", endDate: "2026-03-08",
    sessions: Array.from({ length: sessions }, (_, i) => ({ date: `2026-03-0${2 + Math.floor(i / 2)}`, label: i % 2 ? "Chiều" : "Sáng" })),
    people: Array.from({ length: people }, (_, i) => ({ fullName: NAMES[i % NAMES.length], unit: "Xã Triệu Sơn" })),
    managerName: "Bùi Xuân Trường",
  };
}

describe("sign-in sheet pages", () => {
  withPoppler("an 8-person class: no page with fewer than 3 people, the manager's name under the title", async () => {
    const bytes = await renderSignInSheet(signIn(12, 8));
    const count = (await pages(bytes)).length;
    expect(count).toBeLessThanOrEqual(4);
    let total = 0;
    for (let p = 1; p <= count; p++) {
      const rows = execFileSync("pdftotext", ["-layout", "-f", String(p), "-l", String(p), write(bytes), "-"], { encoding: "utf8" }).match(/^[ ]*\d+[ ]{2,}\S/gm) ?? [];
      expect(rows.length).toBeGreaterThanOrEqual(3);
      total += rows.length;
    }
    expect(total).toBe(16); // 8 people on each of 2 sheets
    expect(pdfText(bytes).replace(/\s+/g, " ")).toContain("NGƯỜI QUẢN LÝ LỚP Bùi Xuân Trường");
  });

  withPoppler("a title that fills most of the first page: the table starts on the next page rather than leave 1 row behind", async () => {
    const data = signIn(4, 8);
    data.courseTitle = Array.from({ length: 40 }, () => "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại").join(" ");
    const bytes = await renderSignInSheet(data);
    const count = (await pages(bytes)).length;
    const perPage: number[] = [];
    for (let p = 1; p <= count; p++) {
      perPage.push((execFileSync("pdftotext", ["-layout", "-f", String(p), "-l", String(p), write(bytes), "-"], { encoding: "utf8" }).match(/^[ ]*\d+[ ]{2,}\S/gm) ?? []).length);
    }
    // Page 1 has room for one row only under the title: the table starts on page 2, whole, with its foot.
    expect(perPage).toEqual([0, 8]);
  });
});
