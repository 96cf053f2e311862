/**
 * A session's CSRF token is made with the login: pages a browser loads at the same moment right after
 * logging in (two tabs, a click racing the redirect) show the same token, so no form of theirs is refused.
 */
import request from "supertest";
import { csrfFrom, makeUser, PASSWORD, useTestApp } from "./helpers/app";

const { ctx } = useTestApp();

test("pages rendered at once right after login all carry the token the session keeps; a form posted from either is accepted", async () => {
  const trainer = await makeUser(ctx, "trainer");
  const agent = request.agent(ctx.app);
  const form = await agent.get("/login");
  const login = await agent.post("/login").type("form").send({ _csrf: csrfFrom(form.text), login: trainer.login, password: PASSWORD });
  expect(login.status).toBe(302);
  const pages = await Promise.all(["/", "/courses", "/account/password", "/my/courses"].map((p) => agent.get(p)));
  const tokens = new Set(pages.map((p) => csrfFrom(p.text)));
  expect(tokens.size).toBe(1);
  // Logging out with the token of any of those pages works.
  const out = await agent.post("/logout").type("form").send({ _csrf: [...tokens][0] });
  expect(out.status).toBe(302);
  expect(out.headers.location).toBe("/login");
});
