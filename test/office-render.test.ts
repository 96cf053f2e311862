/**
 * The report DOCX and every XLSX, converted to PDF by LibreOffice (`soffice --headless --convert-to pdf`)
 * as an office would print them: the national title and the issuing body each on one line, "Số:" on the
 * line of the place and date, and the page counts the layout intends (one page per short table; the
 * report tables once ran to 24–32 pages because a subtitle cell ran four pages wide).
 * Without soffice the test says why and skips, unless REQUIRE_LIBREOFFICE=1 (CI).
 * OFFICE_RENDER_DIR=/some/dir keeps the files, PDFs and 70 dpi PNGs there for a look.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { orgSettingsOn } from "../src/features/settings/settings.service";
import { todayIso } from "../src/lib/time";
import { createTestApp, type TestContext } from "./helpers/app";
import { officeFiles } from "./helpers/office-files";

jest.setTimeout(600000);
const Y = 2025;

function has(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const missing = ["soffice", "pdftotext", "pdfinfo"].filter((c) => !has(c));
if (missing.length && process.env.REQUIRE_LIBREOFFICE !== "1") {
  console.log(`office-render: skipped, ${missing.join(", ")} not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils)`);
}
const maybe = missing.length && process.env.REQUIRE_LIBREOFFICE !== "1" ? describe.skip : describe;

maybe("LibreOffice prints the DOCX and XLSX files as laid out", () => {
  let ctx: TestContext;
  let dir: string;
  const pdfs = new Map<string, { pages: number; text: string; layout: string }>();

  beforeAll(async () => {
    if (missing.length) throw new Error(`REQUIRE_LIBREOFFICE=1 but ${missing.join(", ")} missing`);
    ctx = await createTestApp();
    const files = await officeFiles(ctx, Y);
    dir = process.env.OFFICE_RENDER_DIR || fs.mkdtempSync(path.join(os.tmpdir(), "office-render-"));
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.bytes);
    // A profile of its own: a second soffice sharing the default profile waits for the first.
    const profile = `file://${path.join(dir, "lo-profile")}`;
    execFileSync("soffice", [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", "pdf", "--outdir", dir, ...files.map((f) => path.join(dir, f.name))], { stdio: "ignore", timeout: 540000 });
    for (const f of files) {
      const pdf = path.join(dir, f.name.replace(/\.\w+$/, ".pdf"));
      const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [pdf]).toString())![1]);
      const text = execFileSync("pdftotext", [pdf, "-"]).toString();
      const layout = execFileSync("pdftotext", ["-layout", "-l", "1", pdf, "-"]).toString();
      pdfs.set(f.name, { pages, text, layout });
      if (process.env.OFFICE_RENDER_DIR && has("pdftoppm")) execFileSync("pdftoppm", ["-r", "70", "-png", pdf, pdf.replace(/\.pdf$/, "")]);
    }
  });
  afterAll(async () => {
    await ctx?.close();
    if (dir && !process.env.OFFICE_RENDER_DIR) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the report DOCX: national title and issuing body each on one line, Số: beside the place and date", async () => {
    const org = await orgSettingsOn(ctx.handle.db, todayIso());
    const { layout, pages } = pdfs.get("bao-cao.docx")!;
    // Page 1 as laid out: a line broken in its cell would leave "NAM" (or the place) on the next line.
    const lines = layout.split("\n");
    for (const whole of ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", org.issuingBody.toLocaleUpperCase("vi"), org.managingBody.toLocaleUpperCase("vi")].filter(Boolean)) {
      expect([whole, lines.some((l) => l.includes(whole))]).toEqual([whole, true]);
    }
    expect(layout).toMatch(/Số: [^\n]*\S\s{2,}\S[^\n]*ngày/);
    // Two or three portrait pages of text, the annex tables on a few landscape pages.
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(8);
  });

  test("the frozen DOCX prints its SHA-256 once, on the first page; the draft prints none", () => {
    const frozen = pdfs.get("bao-cao-v1.docx")!;
    expect(frozen.text.match(/SHA-256: [0-9a-f]{64}/g)).toHaveLength(1);
    expect(frozen.layout).toMatch(/SHA-256: [0-9a-f]{64}/);
    expect(pdfs.get("bao-cao.docx")!.text).not.toMatch(/SHA-256|Bản nháp/);
  });

  test("each XLSX prints on the pages its tables need: one per short table, nothing runs pages wide", () => {
    // The report tables: one sheet each (8 with the months), one page each.
    expect(pdfs.get("so-lieu.xlsx")!.pages).toBe(8);
    for (const name of ["nguoi-tham-gia.xlsx", "giay-chung-nhan.xlsx", "danh-sach-hoc-vien.xlsx", "diem-danh.xlsx", "so-cap-gcn.xlsx"]) {
      expect([name, pdfs.get(name)!.pages]).toEqual([name, 1]);
    }
    expect(pdfs.get("ket-qua-kiem-tra.xlsx")!.pages).toBe(2);
    // The quiz's method and pass mark print whole, not over each other.
    expect(pdfs.get("ket-qua-kiem-tra.xlsx")!.text).toContain("Cách tính điểm: Lần cao nhất; Điểm đạt: 50%");
  });
});
