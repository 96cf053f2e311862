/** The error page names what went wrong: a malformed request is not "not found". */
import request from "supertest";
import { useTestApp } from "./helpers/app";

const { ctx, admin } = useTestApp({ as: ["admin"] });

test("a malformed address answers 400 'Yêu cầu không hợp lệ', an unknown one 404 'Không tìm thấy'", async () => {
  const bad = await admin.agent.get("/courses/%E0%A4%A");
  expect(bad.status).toBe(400);
  expect(bad.text).toContain("Yêu cầu không hợp lệ");
  expect(bad.text).not.toContain("Không tìm thấy");
  const missing = await request(ctx.app).get("/khong-co-trang-nay");
  expect(missing.status).toBe(404);
  expect(missing.text).toContain("Không tìm thấy");
});
