/**
 * No route is protected by mount order: each feature router is mounted ALONE (no router before it, no
 * CSRF, no session) and its routes must still send anonymous visitors to log in and refuse the wrong
 * roles, because each route line names its own rule (lib/policy.ts). Every route must name a rule, and
 * every rule is stated here once by who passes it (the access matrix states it route by route).
 */
import express, { type ErrorRequestHandler } from "express";
import request from "supertest";
import { featureRouters } from "../src/app";
import { createPassport } from "../src/features/auth/passport";
import type { SessionUser } from "../src/lib/auth";
import { PublicAddress } from "../src/lib/public-url";
import { routeTable } from "../src/lib/route-table";
import { createTestApp, makeUser, type TestContext } from "./helpers/app";
import { buildFixture, urlFor } from "./helpers/route-fixture";

jest.setTimeout(300000);
type Who = "anon" | "trainee" | "trainer" | "other" | "admin";
const WHO: Who[] = ["anon", "trainee", "trainer", "other", "admin"];
type Outcome = "allow" | "login" | "deny";
const rule = (anon: Outcome, trainee: Outcome, trainer: Outcome, other: Outcome, admin: Outcome): Record<Who, Outcome> => ({ anon, trainee, trainer, other, admin });
const ADMIN = rule("login", "deny", "deny", "deny", "allow");
const STAFF = rule("login", "deny", "allow", "allow", "allow");
const COURSE_STAFF = rule("login", "deny", "allow", "deny", "allow");
const COURSE_MEMBER = rule("login", "allow", "allow", "deny", "allow");
const TRAINEE_ONLY = rule("login", "allow", "deny", "deny", "deny");

/** Who passes each rule, for the fixture's course (taught by "trainer", with "trainee" enrolled). */
const RULES: Record<string, Record<Who, Outcome>> = {
  public: rule("allow", "allow", "allow", "allow", "allow"),
  "signed-in": rule("login", "allow", "allow", "allow", "allow"),
  "users.manage": ADMIN,
  "units.manage": ADMIN,
  "plans.manage": ADMIN,
  "settings.manage": ADMIN,
  "setup.run": ADMIN,
  "audit.read": ADMIN,
  "reports.read": ADMIN,
  "certificates.issue": ADMIN,
  "courses.create": STAFF,
  "enrollment.template": STAFF,
  "courses.view": rule("login", "allow", "allow", "allow", "allow"),
  "courses.manage": COURSE_STAFF,
  "courses.materials": COURSE_MEMBER,
  "enrollment.self": TRAINEE_ONLY,
  "quizzes.list": COURSE_MEMBER,
  "quizzes.view": COURSE_MEMBER,
  "quizzes.manage": COURSE_STAFF,
  "quizzes.take": TRAINEE_ONLY,
  "quizzes.attempt": TRAINEE_ONLY,
  "certificates.download": rule("login", "allow", "deny", "deny", "allow"),
  "certificates.completion": COURSE_MEMBER,
};

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx?.close());

function routers() {
  const db = ctx.handle.db;
  return featureRouters({
    db, dbKind: ctx.handle.kind, passport: createPassport(db), site: new PublicAddress(db), secret: "router-alone",
    loginIpLimit: 50, secureCookies: false,
  });
}

test("every route names its rule, and every rule is known here", () => {
  const rows = routeTable(routers());
  expect(rows.filter((r) => !r.rule).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  expect(rows.filter((r) => r.rule && !RULES[r.rule.name]).map((r) => `${r.method} ${r.path}: ${r.rule!.name}`)).toEqual([]);
});

/** One router alone: the user comes from a header (no session, no login route), errors answer their status. */
function aloneApp(router: express.Router, users: Map<string, SessionUser>) {
  const app = express();
  app.use(express.urlencoded({ extended: true }));
  app.use((req, _res, next) => {
    const who = req.get("x-who");
    if (who && users.has(who)) req.user = users.get(who);
    next();
  });
  app.use(router);
  app.use(((err, _req, res, _next) => void res.status((err as { status?: number }).status ?? 500).send("error")) as ErrorRequestHandler);
  return app;
}

function outcomeOf(res: request.Response): Outcome {
  if (res.status === 302 && res.headers.location === "/login") return "login";
  if (res.status === 401 || res.status === 403 || res.status === 404) return "deny";
  return "allow";
}

test("each feature router alone still refuses anonymous visitors and the wrong roles", async () => {
  const admin = await makeUser(ctx, "admin");
  const trainer = await makeUser(ctx, "trainer");
  const other = await makeUser(ctx, "trainer");
  const trainee = await makeUser(ctx, "trainee");
  const f = await buildFixture(ctx, admin.id, trainer.id, trainee.id);
  const asSession = (u: typeof admin): SessionUser => ({ id: u.id, fullName: u.fullName, role: u.role, login: u.login, sessionVersion: u.sessionVersion });
  const users = new Map<string, SessionUser>([["admin", asSession(admin)], ["trainer", asSession(trainer)], ["other", asSession(other)], ["trainee", asSession(trainee)]]);

  const mismatches: string[] = [];
  let checked = 0;
  for (const entry of routers()) {
    const app = aloneApp(entry.router, users);
    for (const row of routeTable([entry])) {
      const expected = RULES[row.rule?.name ?? ""];
      if (!expected) continue; // reported by the first test
      const route = `${row.method} ${row.path}`;
      const url = urlFor(route, f);
      for (const who of WHO) {
        if (expected[who] === "allow") continue; // only refusals are asserted here: the access matrix checks the rest
        const call = row.method === "GET" ? request(app).get(url) : request(app).post(url).type("form").send({});
        const res = await (who === "anon" ? call : call.set("x-who", who));
        checked += 1;
        const got = outcomeOf(res);
        if (got !== expected[who]) mismatches.push(`${entry.feature} alone: ${who} ${route} (${url}): expected ${expected[who]}, got ${res.status}${res.headers.location ? " → " + res.headers.location : ""}`);
      }
    }
  }
  expect(mismatches).toEqual([]);
  expect(checked).toBeGreaterThan(300);
});
