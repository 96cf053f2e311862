/**
 * Uploads built to exhaust memory: a roster XLSX that inflates to 90 MB (tiny on disk) and a seal PNG of
 * 6000×6000 pixels. Both are refused with a message before anything big is built. The limit on parses
 * running at once is in unit/concurrency.test.ts; the memory figures in BENCHMARKS.md (bench:hostile-uploads).
 */
import { count } from "drizzle-orm";
import { appSettings, enrollments, users } from "../src/db/schema";
import { useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { storedNames } from "./helpers/files";
import { transparentPng } from "./helpers/png";
import { hostileXlsx } from "./helpers/zip-bomb";

jest.setTimeout(60000);
const { ctx, admin } = useTestApp({ as: ["admin"] });

const countOf = async (table: typeof users | typeof enrollments) => (await ctx.handle.db.select({ n: count() }).from(table))[0].n;

test("a roster XLSX of 143 kB that inflates to 90 MB is refused with a Vietnamese message; nothing is written", async () => {
  const bomb = hostileXlsx(90 * 1024 * 1024);
  expect(bomb.length).toBeLessThan(200 * 1024);
  const course = await makeCourse(ctx, admin.user.id, { title: "Lớp bồi dưỡng tệp độc hại" });
  const [people, places] = [await countOf(users), await countOf(enrollments)];
  const res = await admin.agent.post(`/courses/${course.id}/import`).field("_csrf", admin.csrf).attach("file", bomb, "danh-sach.xlsx");
  expect(res.status).toBe(413);
  expect(res.text).toContain("Tệp Excel này khi giải nén quá lớn");
  expect([await countOf(users), await countOf(enrollments)]).toEqual([people, places]);
  expect(await storedNames(ctx.handle.db, "roster-import")).toEqual([]);
});

test("a seal PNG larger than 2000×2000 pixels is refused from its header, naming the maximum; a 2000×2000 one is accepted", async () => {
  const sealRow = async () => (await ctx.handle.db.select().from(appSettings)).filter((r) => r.key === "certificate.seal");
  const wide = await admin.agent.post("/certificates/settings/seal").field("_csrf", admin.csrf).attach("seal", transparentPng(2001, 10), "dau.png");
  expect(wide.status).toBe(422);
  expect(wide.text).toContain("2001 × 10 điểm ảnh, chỉ nhận ảnh tối đa 2000 × 2000 điểm ảnh");
  const huge = await admin.agent.post("/certificates/settings/seal").field("_csrf", admin.csrf).attach("seal", transparentPng(6000, 6000), "dau.png");
  expect(huge.status).toBe(422);
  expect(huge.text).toContain("6000 × 6000 điểm ảnh");
  expect(await sealRow()).toEqual([]);
  expect(await storedNames(ctx.handle.db, "seal")).toEqual([]);

  const ok = await admin.agent.post("/certificates/settings/seal").field("_csrf", admin.csrf).attach("seal", transparentPng(2000, 2000), "dau.png");
  expect(ok.status).toBe(302);
  expect(await sealRow()).toHaveLength(1);
  expect(await storedNames(ctx.handle.db, "seal")).toHaveLength(1);
});
