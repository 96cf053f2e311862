/**
 * `npm run samples [-- OUT_DIR]`: one fixture office (seeds/documents-fixture.ts) on a fresh embedded
 * database, and every document the app produces, fetched through the app's own routes as an admin:
 * certificate, class print, register PDF + XLSX, roster PDF + XLSX, sign-in sheets (8 and 12
 * sessions), attendance XLSX, the frozen year report DOCX + XLSX, and the exports by CCCD.
 * Written to docs/samples/ (or OUT_DIR) with a grey PNG of every PDF page at 100 dpi (poppler); DOCX and
 * XLSX pages are rendered through `soffice --headless --convert-to pdf` when LibreOffice is installed,
 * else their PNGs are skipped with a note. Dates printed "today" are the day the script runs.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { createApp } from "../src/app";
import { openScratchDb } from "./scratch-db";
import { certificates } from "../src/db/schema";
import { createUser } from "../src/features/users/users.service";
import { savePublicUrl } from "../src/lib/public-url";
import { markSetupDone } from "../src/lib/setup-state";
import { buildDocumentsFixture } from "../seeds/documents-fixture";

const has = (tool: string, args = ["-v"]): boolean => {
  try {
    execFileSync(tool, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** The CSRF token of a rendered page. */
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? "docs/samples");
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-samples-"));
  const handle = await openScratchDb();
  try {
    const password = "mat-khau-mau-tai-lieu-2026";
    const admin = await createUser(handle.db, {
      ho: "Nguyễn", tenDem: "Văn", ten: "Quản", login: "admin.mau", email: null, phone: null, role: "admin", dateOfBirth: null, gender: null,
      ethnicityCode: null, position: null, unitCode: null, categoryId: null, cccd: null, password,
    }, null);
    // The first-run setup, done: the fixture's organisation stands, QR codes carry a public address.
    await savePublicUrl(handle.db, "https://taphuan.xatrieuson.thanhhoa.gov.vn", { id: admin.id });
    await markSetupDone(handle.db, admin.id);
    const fx = await buildDocumentsFixture(handle.db, admin.id);
    const app = createApp({ handle, sessionSecret: "samples-secret-samples-secret-samples!", pruneSessions: false, loginIpLimit: 1000 });
    const agent = request.agent(app);
    // The agent attaches its cookies when a request is created: fetch the login page first.
    const loginPage = await agent.get("/login");
    const login = await agent.post("/login").type("form").send({ _csrf: csrfOf(loginPage.text), login: "admin.mau", password });
    if (login.status !== 302 || login.headers.location === "/login") throw new Error(`login failed: HTTP ${login.status} → ${login.headers.location}`);
    const csrf = csrfOf((await agent.get("/account/password")).text);

    const files: string[] = [];
    const save = async (url: string, name: string): Promise<void> => {
      const res = await agent.get(url).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      });
      if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} → ${res.headers.location ?? ""}`);
      fs.writeFileSync(path.join(out, name), res.body as Buffer);
      files.push(name);
    };

    const [cert] = await handle.db.select({ id: certificates.id }).from(certificates).orderBy(certificates.id).limit(1);
    await save(`/certificates/${cert.id}.pdf`, "giay-chung-nhan.pdf");
    await save(`/courses/${fx.course12.id}/certificates.pdf`, "giay-chung-nhan-ca-lop.pdf");
    await save(`/certificates/register.pdf?year=${fx.year}`, "so-cap-giay-chung-nhan.pdf");
    await save(`/certificates/register.xlsx?year=${fx.year}`, "so-cap-giay-chung-nhan.xlsx");
    await save(`/courses/${fx.course8.id}/roster.pdf`, "danh-sach-hoc-vien.pdf");
    await save(`/courses/${fx.course8.id}/roster.xlsx`, "danh-sach-hoc-vien.xlsx");
    await save(`/courses/${fx.course8.id}/attendance/sign-in.pdf`, "danh-sach-ky-nhan-8-buoi.pdf");
    await save(`/courses/${fx.course12.id}/attendance/sign-in.pdf`, "danh-sach-ky-nhan-12-buoi.pdf");
    await save(`/courses/${fx.course8.id}/attendance.xlsx`, "diem-danh.xlsx");
    if (fx.planId) {
      const base = `/reports/${fx.planId}/${fx.year}`;
      await agent.post(`${base}/narrative`).type("form").send({
        _csrf: csrf, documentNumber: "15/BC-UBND", reportDate: "", radioProgrammes: "24", radioNote: "Phát sóng 24 chương trình trên Đài truyền thanh xã.",
        results: "Tổ chức 02 lớp bồi dưỡng cho cán bộ, công chức cấp xã và người hoạt động không chuyên trách ở thôn.",
        limitations: "Một số thôn chưa bố trí được người tham gia đủ các buổi học.", directions: "Tiếp tục bồi dưỡng cán bộ cơ sở.", recommendations: "Đề nghị bổ sung kinh phí.",
      });
      const frozen = await agent.post(`${base}/freeze`).type("form").send({ _csrf: csrf });
      const version = frozen.headers.location ?? "";
      if (!/^\/reports\/versions\/\d+$/.test(version)) throw new Error(`freeze failed: HTTP ${frozen.status}`);
      await save(`${version}/report.docx`, "bao-cao.docx");
      await save(`${version}/report.xlsx`, "bao-cao.xlsx");
      await save(`${base}/participants.xlsx`, "nguoi-tham-gia-theo-cccd.xlsx");
      await save(`${base}/certificates.xlsx`, "giay-chung-nhan-theo-cccd.xlsx");
    }

    // Page images.
    const notes: string[] = [];
    const soffice = has("soffice", ["--version"]);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-samples-pdf-"));
    for (const name of files) {
      const stem = name.replace(/\.[^.]+$/, "");
      let pdf = path.join(out, name);
      if (!name.endsWith(".pdf")) {
        if (!soffice) {
          notes.push(`${name}: no PNG (LibreOffice not installed)`);
          continue;
        }
        execFileSync("soffice", ["--headless", "--convert-to", "pdf", "--outdir", tmp, pdf], { stdio: "ignore", env: { ...process.env, HOME: tmp } });
        pdf = path.join(tmp, `${stem}.pdf`);
      }
      // pdftocairo (poppler, like pdftoppm) writes true greyscale PNGs: a third of pdftoppm's RGB ones.
      execFileSync("pdftocairo", ["-r", "100", "-gray", "-png", pdf, path.join(out, `${stem}${name.endsWith(".pdf") ? "" : "." + name.split(".").pop()}`)]);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    const total = fs.readdirSync(out).reduce((s, f) => s + fs.statSync(path.join(out, f)).size, 0);
    for (const n of notes) console.log(n);
    console.log(JSON.stringify({ dir: out, files: files.length, pngs: fs.readdirSync(out).filter((f) => f.endsWith(".png")).length, bytes: total }));
  } finally {
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
