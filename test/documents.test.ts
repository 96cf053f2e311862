/**
 * The printed documents of one office's year (seeds/documents-fixture.ts: long names, 32 trainees,
 * classes of 8 and 12 sessions, two courses in the register, a re-issue and a revocation), checked as
 * printed: register numbers whole on one line, no word broken anywhere, totals and closing lines,
 * no page with fewer than 3 rows, fonts embedded, 12 or more register entries per page.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { certificates, ethnicities, participantCategories, units } from "../src/db/schema";
import { buildDocumentsFixture, type DocumentsFixture } from "../seeds/documents-fixture";
import { createTestApp, loginAs, type TestContext } from "./helpers/app";
import { binary, popplerTest } from "./helpers/pdf";

jest.setTimeout(180000);
const withPoppler = popplerTest("documents tests");
const dir = path.resolve(".tmp/documents");
let ctx: TestContext;
let admin: Awaited<ReturnType<typeof loginAs>>;
let fx: DocumentsFixture;
let vocabulary: Set<string>;

/** Letter runs (words without punctuation or digits), NFC. */
const letterRuns = (text: string): string[] => text.normalize("NFC").match(/[\p{L}\p{M}]+/gu) ?? [];

/** Every string literal of the modules that print text: the fixed words a document may contain. */
function literalWords(files: string[]): string[] {
  return files.flatMap((f) => (fs.readFileSync(f, "utf8").match(/"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g) ?? []).flatMap(letterRuns));
}

beforeAll(async () => {
  ctx = await createTestApp();
  admin = await loginAs(ctx, "admin");
  fx = await buildDocumentsFixture(ctx.handle.db, admin.user.id);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const db = ctx.handle.db;
  const reference = [
    ...(await db.select({ n: units.name }).from(units)).map((r) => r.n),
    ...(await db.select({ n: ethnicities.name }).from(ethnicities)).map((r) => r.n),
    ...(await db.select({ n: participantCategories.name }).from(participantCategories)).map((r) => r.n),
  ];
  const sources = [
    ...fs.readdirSync("src/lib/pdf").map((f) => path.join("src/lib/pdf", f)),
    "src/features/certificates/certificates.messages.ts", "src/features/certificates/register.messages.ts", "src/features/certificates/snapshot.ts",
  ];
  const words = [...fx.words, ...reference].flatMap(letterRuns).concat(literalWords(sources));
  // Bodies and titles print upper case.
  vocabulary = new Set([...words, ...words.map((w) => w.toLocaleUpperCase("vi"))]);
});
afterAll(async () => ctx?.close());

/** GET a PDF as admin, keep it under .tmp/documents (pages rendered to PNG for a look), return its path. */
async function fetchPdf(url: string, name: string): Promise<string> {
  const res = await binary(admin.agent.get(url));
  expect(res.status).toBe(200);
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, res.body as Buffer);
  execFileSync("pdftoppm", ["-r", "50", "-png", file, path.join(dir, name)]);
  return file;
}
const text = (file: string, ...args: string[]): string => execFileSync("pdftotext", [...args, file, "-"], { encoding: "utf8" }).normalize("NFC");
const pageCount = (file: string): number => Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))![1]);
const pageText = (file: string, p: number): string => text(file, "-f", String(p), "-l", String(p)).replace(/\s+/g, " ");

/** Every word printed is a word of the input: a word broken inside ("Mườn" / "g") fails. */
function expectWholeWords(file: string): void {
  const strange = [...new Set(letterRuns(text(file)))].filter((w) => !vocabulary.has(w));
  expect(strange).toEqual([]);
}
/** Every font embedded (pdffonts "emb" column). */
function expectFontsEmbedded(file: string): void {
  const rows = execFileSync("pdffonts", [file], { encoding: "utf8" }).trim().split("\n").slice(2);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.split(/\s+/).slice(-5, -4)[0]).toBe("yes");
}
/** How many of the fixture's people are named on each page. */
function peoplePerPage(file: string, people: { fullName: string }[]): number[] {
  return Array.from({ length: pageCount(file) }, (_, i) => {
    const t = pageText(file, i + 1);
    return people.filter((p) => t.includes(p.fullName)).length;
  });
}

withPoppler("register book: numbers whole on one line, ≥ 12 entries a page, grouped by course, totals, closing line and signature", async () => {
  const file = await fetchPdf(`/certificates/register.pdf?year=${fx.year}`, "register");
  const layout = text(file, "-layout");
  expect(fx.numbers).toHaveLength(29);
  for (const n of fx.numbers) expect(layout).toMatch(new RegExp(`(^|\\s)${n.replace("/", "\\/")}(\\s|$)`, "m"));
  const pages = pageCount(file);
  // Entries a page: lines starting with a register number (a number quoted in a note does not count).
  const perPage = Array.from({ length: pages }, (_, i) => (text(file, "-layout", "-f", String(i + 1), "-l", String(i + 1)).match(/^\d{3}\/GCN-UBND /gm) ?? []).length);
  expect(perPage.reduce((a, b) => a + b, 0)).toBe(29);
  perPage.slice(0, -1).forEach((n) => expect(n).toBeGreaterThanOrEqual(12));
  expect(perPage[pages - 1]).toBeGreaterThanOrEqual(3);
  const all = text(file).replace(/\s+/g, " ");
  expect(all).toContain(`Khóa/lớp: ${fx.course8.title}`);
  expect(all).toContain(`Khóa/lớp: ${fx.course12.title}`);
  expect(all).toContain(`Tổng số: 29 giấy chứng nhận (từ số ${fx.numbers[0]} đến số ${fx.numbers[28]})`);
  expect(all).toContain("Trong đó: 27 giấy còn hiệu lực; 1 giấy đã thu hồi; 1 giấy cấp lại, thay 1 giấy đã được cấp lại.");
  expect(all).toContain(`Sổ này có ${pages} trang, 29 giấy chứng nhận.`);
  for (const s of ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Quang Trung", "Người nhận ký", "Đã thu hồi ngày"]) expect(all).toContain(s);
  expect(pageText(file, pages)).toContain("Lê Quang Trung");
  expectWholeWords(file);
  expectFontsEmbedded(file);
});

withPoppler("sign-in sheets of 8 and 12 sessions: ≥ 3 people a page, trainer named under the manager's title, title lines even", async () => {
  for (const [course, people, sessions] of [[fx.course8, fx.people, 8], [fx.course12, fx.people.slice(0, 14), 12]] as const) {
    const file = await fetchPdf(`/courses/${course.id}/attendance/sign-in.pdf`, `sign-in-${sessions}`);
    const perPage = peoplePerPage(file, people);
    for (const n of perPage) expect(n).toBeGreaterThanOrEqual(3);
    // Every person once per sheet; sheets of at most 6 sessions (25 mm signature cells).
    const sheets = Math.ceil(sessions / 6);
    expect(perPage.reduce((a, b) => a + b, 0)).toBe(people.length * sheets);
    const all = text(file).replace(/\s+/g, " ");
    expect(all.match(new RegExp(`NGƯỜI QUẢN LÝ LỚP ${fx.trainer.fullName}`, "g"))).toHaveLength(sheets);
    expect(all.match(new RegExp(`Tổng số: ${people.length} người`, "g"))).toHaveLength(sheets);
    const lastTitleWord = course.title.split(" ").pop()!;
    for (const line of text(file, "-layout").split("\n")) expect(line.trim()).not.toBe(lastTitleWord);
    expectWholeWords(file);
    expectFontsEmbedded(file);
  }
});

withPoppler("roster: total at the end, a seven-word name on one line, ≥ 3 rows a page", async () => {
  const file = await fetchPdf(`/courses/${fx.course8.id}/roster.pdf`, "roster");
  const perPage = peoplePerPage(file, fx.people);
  expect(perPage.reduce((a, b) => a + b, 0)).toBe(32);
  for (const n of perPage) expect(n).toBeGreaterThanOrEqual(3);
  expect(text(file, "-layout")).toMatch(/^.*Công Tằng Tôn Nữ Thị Bích Phượng.*$/m);
  expect(pageText(file, pageCount(file))).toContain("Tổng số: 32 người");
  expectWholeWords(file);
  expectFontsEmbedded(file);
});

withPoppler("certificate with a seven-word name: no word broken, fonts embedded", async () => {
  const [cert] = await ctx.handle.db.select().from(certificates).where(eq(certificates.userId, fx.people[0].id)).limit(1);
  const file = await fetchPdf(`/certificates/${cert.id}.pdf`, "certificate");
  expect(text(file).replace(/\s+/g, " ")).toContain("Công Tằng Tôn Nữ Thị Bích Phượng");
  expectWholeWords(file);
  expectFontsEmbedded(file);
});
