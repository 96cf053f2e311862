/**
 * Every route of the app × anonymous, a trainee of the course, the course's trainer, a trainer of another
 * course, an admin. Each role works on its own copy of the fixtures (its own course, people, files), so
 * one role's successful POST cannot change what the next role sees. Adding a route without adding it to
 * MATRIX fails the first test.
 */
import request from "supertest";
import { createTestApp, csrfFrom, loginAs, makeUser, type TestContext } from "./helpers/app";
import { buildFixture, urlFor } from "./helpers/route-fixture";
import { listRoutes } from "./helpers/routes";

jest.setTimeout(300000);
type Who = "anon" | "trainee" | "trainer" | "other" | "admin";
const WHO: Who[] = ["anon", "trainee", "other", "trainer", "admin"];
/** allow: passes the access check (any status but 401/403/404 and no redirect to /login); login: sent to log in; deny: 403 or 404. */
type Outcome = "allow" | "login" | "deny";
type Rule = Record<Who, Outcome>;
const rule = (anon: Outcome, trainee: Outcome, trainer: Outcome, other: Outcome, admin: Outcome): Rule => ({ anon, trainee, trainer, other, admin });

const PUBLIC = rule("allow", "allow", "allow", "allow", "allow");
const LOGGED_IN = rule("login", "allow", "allow", "allow", "allow");
const ADMIN = rule("login", "deny", "deny", "deny", "allow");
const STAFF = rule("login", "deny", "allow", "allow", "allow");
const COURSE_STAFF = rule("login", "deny", "allow", "deny", "allow");
const COURSE_MEMBER = rule("login", "allow", "allow", "deny", "allow");
const COURSE_VISIBLE = rule("login", "allow", "allow", "allow", "allow");
const TRAINEE_ONLY = rule("login", "allow", "deny", "deny", "deny");
/** Only the person whose attempt it is (the fixture's trainee); everyone else gets 404. */
const ATTEMPT_OWNER = rule("login", "allow", "deny", "deny", "deny");

const MATRIX: Record<string, Rule> = {
  "GET /healthz": PUBLIC,
  "GET /login": PUBLIC,
  "POST /login": PUBLIC,
  "POST /logout": rule("login", "login", "login", "login", "login"),
  "GET /account/password": LOGGED_IN,
  "POST /account/password": LOGGED_IN,
  "GET /": LOGGED_IN,
  "GET /users": ADMIN,
  "GET /users/new": ADMIN,
  "POST /users": ADMIN,
  "GET /users/:id/edit": ADMIN,
  "POST /users/:id": ADMIN,
  "POST /users/:id/deactivate": ADMIN,
  "POST /users/:id/activate": ADMIN,
  "POST /users/:id/reset-password": ADMIN,
  "GET /users/:id/merge": ADMIN,
  "POST /users/:id/merge": ADMIN,
  "GET /units": ADMIN,
  "GET /units/new": ADMIN,
  "POST /units": ADMIN,
  "GET /units/:code/edit": ADMIN,
  "POST /units/:code": ADMIN,
  "GET /categories": ADMIN,
  "POST /categories": ADMIN,
  "POST /categories/:id": ADMIN,
  "POST /categories/:id/toggle": ADMIN,
  "GET /settings": ADMIN,
  "POST /settings": ADMIN,
  "POST /settings/public-url": ADMIN,
  "GET /setup": ADMIN,
  "POST /setup": ADMIN,
  "GET /plans": ADMIN,
  "GET /plans/new": ADMIN,
  "POST /plans": ADMIN,
  "GET /plans/:id/edit": ADMIN,
  "POST /plans/:id": ADMIN,
  "GET /audit": ADMIN,
  "GET /courses": LOGGED_IN,
  "GET /courses/new": STAFF,
  "POST /courses": STAFF,
  "GET /courses/:id": COURSE_VISIBLE,
  "GET /courses/:id/edit": COURSE_STAFF,
  "POST /courses/:id": COURSE_STAFF,
  "POST /courses/:id/sessions": COURSE_STAFF,
  "GET /courses/:id/sessions/:sid/edit": COURSE_STAFF,
  "POST /courses/:id/sessions/:sid": COURSE_STAFF,
  "GET /courses/:id/sessions/:sid/cancel": COURSE_STAFF,
  "POST /courses/:id/sessions/:sid/cancel": COURSE_STAFF,
  "POST /courses/:id/enroll": TRAINEE_ONLY,
  "POST /courses/:id/unenroll": TRAINEE_ONLY,
  "GET /courses/:id/participants": COURSE_STAFF,
  "POST /courses/:id/accounts": COURSE_STAFF,
  "POST /courses/:id/enrollments/:eid/approve": COURSE_STAFF,
  "POST /courses/:id/enrollments/:eid/reject": COURSE_STAFF,
  "POST /courses/:id/enrollments/:eid/remove": COURSE_STAFF,
  "GET /my/courses": LOGGED_IN,
  "GET /courses/:id/walkin": COURSE_STAFF,
  "POST /courses/:id/walkin": COURSE_STAFF,
  "POST /courses/:id/materials": COURSE_STAFF,
  "GET /courses/:id/materials/:materialId": COURSE_MEMBER,
  "POST /courses/:id/materials/:materialId/delete": COURSE_STAFF,
  "GET /import/template.xlsx": STAFF,
  "GET /courses/:id/import": COURSE_STAFF,
  "POST /courses/:id/import": COURSE_STAFF,
  "POST /courses/:id/import/confirm": COURSE_STAFF,
  "POST /courses/:id/import/recheck": COURSE_STAFF,
  // quizzes: question bank, import, settings, attempts, results
  "GET /courses/:id/questions": COURSE_STAFF,
  "GET /courses/:id/questions/new": COURSE_STAFF,
  "POST /courses/:id/questions": COURSE_STAFF,
  "GET /courses/:id/questions/:qid/edit": COURSE_STAFF,
  "POST /courses/:id/questions/:qid": COURSE_STAFF,
  "POST /courses/:id/questions/:qid/archive": COURSE_STAFF,
  "POST /courses/:id/question-categories": COURSE_STAFF,
  "POST /courses/:id/question-categories/:catId": COURSE_STAFF,
  "GET /courses/:id/question-categories/:catId/export.gift": COURSE_STAFF,
  "GET /courses/:id/question-import": COURSE_STAFF,
  "POST /courses/:id/question-import": COURSE_STAFF,
  "POST /courses/:id/question-import/confirm": COURSE_STAFF,
  "GET /courses/:id/quizzes": COURSE_MEMBER,
  "GET /courses/:id/quizzes/new": COURSE_STAFF,
  "POST /courses/:id/quizzes": COURSE_STAFF,
  "GET /quizzes/:quizId": COURSE_MEMBER,
  "GET /quizzes/:quizId/edit": COURSE_STAFF,
  "POST /quizzes/:quizId": COURSE_STAFF,
  "GET /quizzes/:quizId/questions": COURSE_STAFF,
  "POST /quizzes/:quizId/questions": COURSE_STAFF,
  "GET /quizzes/:quizId/results": COURSE_STAFF,
  "GET /quizzes/:quizId/results.xlsx": COURSE_STAFF,
  "POST /quizzes/:quizId/attempts": TRAINEE_ONLY,
  "GET /attempts/:attemptId": ATTEMPT_OWNER,
  "POST /attempts/:attemptId/answers": ATTEMPT_OWNER,
  "POST /attempts/:attemptId/submit": ATTEMPT_OWNER,
  // completion, certificates, rosters, register, public verification
  "GET /courses/:id/completion": COURSE_MEMBER,
  "POST /courses/:id/completion": COURSE_STAFF,
  "POST /courses/:id/completion/:userId/approval": COURSE_STAFF,
  "GET /courses/:id/roster.pdf": COURSE_STAFF,
  "GET /courses/:id/roster.xlsx": COURSE_STAFF,
  "GET /courses/:id/certificates": ADMIN,
  "POST /courses/:id/certificates": ADMIN,
  "GET /courses/:id/certificates/job": ADMIN,
  "GET /courses/:id/certificates.pdf": ADMIN,
  "GET /certificates/register": ADMIN,
  "GET /certificates/register.pdf": ADMIN,
  "GET /certificates/register.xlsx": ADMIN,
  "GET /certificates/settings": ADMIN,
  "POST /certificates/settings": ADMIN,
  "POST /certificates/settings/seal": ADMIN,
  "POST /certificates/settings/seal/remove": ADMIN,
  "GET /certificates/settings/seal.png": ADMIN,
  "GET /certificates/settings/sample.pdf": ADMIN,
  "GET /verify/:token": PUBLIC,
  "GET /my/certificates": LOGGED_IN,
  "GET /certificates/:id.pdf": rule("login", "allow", "deny", "deny", "allow"),
  "GET /certificates/:id": ADMIN,
  "POST /certificates/:id/reissue": ADMIN,
  "POST /certificates/:id/revoke": ADMIN,
  "POST /courses/:id/certificates/issue-all": ADMIN,
  "POST /courses/:id/certificates/after-revocation": ADMIN,
  // attendance: roll-call, kiosk, check-in, sign-in sheet, exports
  "GET /courses/:id/attendance": COURSE_STAFF,
  "POST /courses/:id/attendance/settings": COURSE_STAFF,
  "GET /courses/:id/attendance/sign-in.pdf": COURSE_STAFF,
  "GET /courses/:id/attendance.xlsx": COURSE_STAFF,
  "GET /courses/:id/sessions/:sid/attendance": COURSE_STAFF,
  "POST /courses/:id/sessions/:sid/attendance": COURSE_STAFF,
  "GET /courses/:id/sessions/:sid/kiosk": COURSE_STAFF,
  "GET /courses/:id/sessions/:sid/kiosk.json": COURSE_STAFF,
  "GET /checkin": LOGGED_IN,
  "POST /checkin": LOGGED_IN,
  // A malformed token is refused (400) to anyone, without a detour to the login page.
  "GET /checkin/:sid/:token": PUBLIC,
  // reports and dashboard
  "GET /vendor/chart.umd.min.js": PUBLIC,
  "GET /dashboard": ADMIN,
  "GET /reports": ADMIN,
  "GET /reports/:planId": ADMIN,
  "GET /reports/:planId/:period": ADMIN,
  "POST /reports/:planId/:period/narrative": ADMIN,
  "GET /reports/:planId/:period/rows": ADMIN,
  "GET /reports/:planId/:period/quality": ADMIN,
  "GET /reports/:planId/:period/report.docx": ADMIN,
  "GET /reports/:planId/:period/report.xlsx": ADMIN,
  "GET /reports/:planId/:period/participants.csv": ADMIN,
  "GET /reports/:planId/:period/participants.xlsx": ADMIN,
  "GET /reports/:planId/:period/certificates.csv": ADMIN,
  "GET /reports/:planId/:period/certificates.xlsx": ADMIN,
  "POST /reports/:planId/:period/freeze": ADMIN,
  "GET /reports/versions/:id": ADMIN,
  "GET /reports/versions/:id/report.docx": ADMIN,
  "GET /reports/versions/:id/report.xlsx": ADMIN,
  "POST /reports/versions/:id/reopen": ADMIN,
};

/** Routes whose "allow" answer is a 404 for a reason other than access (e.g. nothing pending to approve). */
const ALLOWED_404 = new Set<string>([
  "POST /courses/:id/enrollments/:eid/reject",
  "GET /certificates/settings/seal.png",
  // No frozen report version exists in the fixtures: an admin gets 404, everyone else 403 first.
  "GET /reports/versions/:id",
  "GET /reports/versions/:id/report.docx",
  "GET /reports/versions/:id/report.xlsx",
  "POST /reports/versions/:id/reopen",
]);
/** Run last: they end the role's session or its membership of the course. */
const LAST = ["POST /courses/:id/unenroll", "POST /logout"];

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx?.close());

test("every registered route is in the access matrix (and nothing stale is)", () => {
  const routes = listRoutes(ctx.app);
  expect(routes.filter((r) => !MATRIX[r])).toEqual([]);
  expect(Object.keys(MATRIX).filter((r) => !routes.includes(r))).toEqual([]);
});

function outcomeOf(res: request.Response): Outcome {
  if (res.status === 302 && res.headers.location === "/login") return "login";
  if (res.status === 401 || res.status === 403 || res.status === 404) return "deny";
  return "allow";
}

test("each role gets exactly the access the matrix gives it", async () => {
  const admin = await makeUser(ctx, "admin");
  const mismatches: string[] = [];
  for (const who of WHO) {
    const trainer = await makeUser(ctx, "trainer");
    const trainee = await makeUser(ctx, "trainee");
    const f = await buildFixture(ctx, admin.id, trainer.id, trainee.id);
    const session = who === "anon" ? null
      : who === "admin" ? await loginAs(ctx, await makeUser(ctx, "admin"))
      : who === "trainer" ? await loginAs(ctx, trainer)
      : who === "other" ? await loginAs(ctx, await makeUser(ctx, "trainer"))
      : await loginAs(ctx, trainee);
    const agent = session?.agent ?? request.agent(ctx.app);
    const csrf = session?.csrf ?? csrfFrom((await agent.get("/login")).text);
    const routes = [...Object.keys(MATRIX).filter((r) => !LAST.includes(r)), ...LAST];
    for (const route of routes) {
      const [method] = route.split(" ");
      const url = urlFor(route, f);
      const res = method === "GET" ? await agent.get(url) : await agent.post(url).type("form").send({ _csrf: csrf });
      let got = outcomeOf(res);
      if (got === "deny" && res.status === 404 && ALLOWED_404.has(route) && MATRIX[route][who] === "allow") got = "allow";
      if (got !== MATRIX[route][who]) mismatches.push(`${who} ${route} (${url}): expected ${MATRIX[route][who]}, got ${res.status}${res.headers.location ? " → " + res.headers.location : ""}`);
    }
  }
  expect(mismatches).toEqual([]);
});
