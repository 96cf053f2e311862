/**
 * Cross-site request forgery through multipart bodies: a page on another site (or port) can post
 * multipart/form-data with the victim's cookie. Every POST route of the app, sent a multipart body without
 * a token by a logged-in admin, trainer and trainee, answers 403 and changes nothing in the database.
 */
import { sql } from "drizzle-orm";
import { createTestApp, loginAs, makeUser, type TestContext } from "./helpers/app";
import { buildFixture, urlFor } from "./helpers/route-fixture";
import { listRoutes } from "./helpers/routes";

jest.setTimeout(300000);
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx?.close());

/** Every table's row count and content digest, sessions aside (reading a page may refresh one). */
async function fingerprint(): Promise<Record<string, string>> {
  const db = ctx.handle.db;
  const tables = ((await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'session' order by 1`)) as { rows: { table_name: string }[] }).rows;
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const [row] = ((await db.execute(sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${table_name}" t`))) as { rows: { n: number; h: string }[] }).rows;
    out[table_name] = `${row.n}:${row.h}`;
  }
  return out;
}

test("every POST route refuses a multipart body without a CSRF token (403) and writes nothing", async () => {
  const admin = await makeUser(ctx, "admin");
  const trainer = await makeUser(ctx, "trainer");
  const trainee = await makeUser(ctx, "trainee");
  const f = await buildFixture(ctx, admin.id, trainer.id, trainee.id);
  const posts = listRoutes(ctx.app).filter((r) => r.startsWith("POST "));
  expect(posts.length).toBeGreaterThanOrEqual(60);
  const victims = [];
  for (const who of [admin, trainer, trainee]) victims.push({ who, agent: (await loginAs(ctx, who)).agent });
  const before = await fingerprint();
  const wrong: string[] = [];
  for (const { who, agent } of victims) {
    for (const route of posts) {
      const res = await agent.post(urlFor(route, f)).field("note", "forged").field("reason", "forged");
      if (res.status !== 403) wrong.push(`${who.role} ${route}: ${res.status}`);
    }
    // Not even logged out by the forged POST /logout.
    expect((await agent.get("/account/password")).status).toBe(200);
  }
  expect(wrong).toEqual([]);
  expect(await fingerprint()).toEqual(before);
});

test("a multipart body is refused on a route that takes no file, even with a valid token", async () => {
  const { agent, csrf } = await loginAs(ctx, "admin");
  const target = await makeUser(ctx, "trainee");
  const res = await agent.post(`/users/${target.id}/deactivate`).field("_csrf", csrf);
  expect(res.status).toBe(403);
  const form = await agent.post(`/users/${target.id}/deactivate`).type("form").send({ _csrf: csrf });
  expect(form.status).toBe(302);
});
