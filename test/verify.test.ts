/** Public verification: no login needed, unknown tokens are a plain 404, and the page is rate-limited per app. */
import request from "supertest";
import { VERIFY_LIMIT } from "../src/features/certificates/certificates.routes";
import { createTestApp, useTestApp } from "./helpers/app";

const { ctx } = useTestApp();

test("GET /verify/:token needs no login, says only 'not found' for unknown tokens, and is rate-limited", async () => {
  const anon = request(ctx.app);
  const first = await anon.get("/verify/AAAAAAAAAAAAAAAAAAAAAA");
  expect(first.status).toBe(404);
  expect(first.text).toContain("Không tìm thấy giấy chứng nhận.");
  expect(first.text).not.toContain("Đăng nhập để");
  expect(first.headers["cache-control"]).toBe("no-store");
  expect(first.headers["x-robots-tag"]).toBe("noindex");
  expect(first.headers["ratelimit-policy"]).toBeDefined();
  for (let i = 1; i < VERIFY_LIMIT.limit; i++) expect((await anon.get(`/verify/token${i}`)).status).toBe(404);
  const limited = await anon.get("/verify/AAAAAAAAAAAAAAAAAAAAAA");
  expect(limited.status).toBe(429);
  expect(limited.text).toContain("quá nhiều yêu cầu xác minh");
  // Only verification is limited: the login page still answers.
  expect((await anon.get("/login")).status).toBe(200);
  // A second app instance (another server) has its own counter.
  const other = await createTestApp();
  try {
    expect((await request(other.app).get("/verify/AAAAAAAAAAAAAAAAAAAAAA")).status).toBe(404);
  } finally {
    await other.close();
  }
});
