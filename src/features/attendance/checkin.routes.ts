/**
 * Trainee check-in: the URL in the QR code, the 6-digit code form, and the kiosk that shows them.
 *
 * GET /checkin/:sessionId/:token marks the trainee at once (no confirm page): at the door fifty people
 * scan within minutes, and one tap fewer matters. A GET that writes is acceptable here only because it
 * is idempotent (a repeat changes nothing), the token fits one session and lives 15–30 s, and it can
 * only ever mark the logged-in person themselves; a cross-site request would need a live token and
 * could only mark its own victim present.
 */
import { Router, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import type { Db } from "../../db/client";
import { currentUser } from "../../lib/auth";
import { flash } from "../../lib/flash";
import { formBody, parseForm } from "../../lib/forms";
import { joinUrl, type PublicAddress } from "../../lib/public-url";
import { DbRateLimitStore } from "../../lib/rate-limit-store";
import { t } from "../../messages";
import { idParam } from "../../lib/params";
import { anyone, authorize, signedIn } from "../../lib/policy";
import { formatDate, formatDateTime } from "../../lib/vietnamese";
import { courseOf, manageCourse } from "../courses";
import { attendanceMessages as m } from "./attendance.messages";
import { codeCheckinSchema } from "./attendance.schema";
import { openSessionsFor } from "./attendance.service";
import { checkinKey, checkIn, CheckinRefused, GRACE_MS, SessionRulesCache, type CheckinResult, type Credential } from "./checkin.service";
import { verifyCheckinToken } from "./checkin-token";
import { CheckinWriter } from "./checkin-writer";
import { kioskState, sessionOf } from "./kiosk.service";

const wantsJson = (req: Request) => req.accepts(["html", "json"]) === "json";

declare module "express-session" {
  interface SessionData {
    /** A valid QR scanned by this browser before logging in (kept through the login by auth.routes.ts). */
    checkinGrace?: { sessionId: number; token: string; until: number };
  }
}

/** The grace this browser's session holds for this scan, used once; undefined for anyone else. */
function takeGrace(req: Request, sessionId: number, token: string): number | undefined {
  const g = req.session.checkinGrace;
  if (!g || g.sessionId !== sessionId || g.token !== token) return undefined;
  delete req.session.checkinGrace;
  return g.until;
}

export function checkinRouter({ db, secret, site }: { db: Db; secret: string; site: PublicAddress }): Router {
  const router = Router();
  const can = authorize(db);
  const key = checkinKey(secret);
  const rules = new SessionRulesCache();
  const writer = new CheckinWriter(db);

  /** Runs a check-in and answers with the result page (or JSON), refusals included. */
  async function answer(req: Request, res: Response, sessionId: number, credential: Credential) {
    let result: CheckinResult;
    try {
      result = await checkIn(db, key, { sessionId, userId: currentUser(req).id, credential, now: new Date(), ip: req.ip ?? null }, { rules, writer });
    } catch (e) {
      if (!(e instanceof CheckinRefused)) throw e;
      if (wantsJson(req)) return res.status(e.status).json({ outcome: "refused", error: e.message });
      return res.status(e.status).render("attendance/checkin-result", { title: m.checkinTitle, ok: false, message: e.message, session: null, codeLink: true });
    }
    if (wantsJson(req)) return res.json({ outcome: result.outcome, status: result.status });
    const s = result.session;
    const message = result.outcome === "marked" ? m.checkedIn(m.statuses[result.status], formatDateTime(result.at).slice(11)) : m.alreadyMarked(m.statuses[result.status]);
    res.render("attendance/checkin-result", { title: m.checkinTitle, ok: true, message, session: { ...s, line: m.sessionLine(s.courseTitle, formatDate(s.date), `${s.startTime}–${s.endTime}`) }, codeLink: false });
  }

  // Guessing 6 digits is only hard if attempts are few: 10 failures per 10 minutes per person.
  // Keyed by user, not address: a whole class shares the venue's Wi-Fi address. Counted in the database,
  // so a guesser gains nothing from landing on another app process.
  const codeLimiter = rateLimit({
    store: new DbRateLimitStore(db, "checkin-code"),
    windowMs: 10 * 60 * 1000,
    limit: 10,
    skipSuccessfulRequests: true,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => `user:${req.user?.id ?? 0}`,
    handler: (req, res) => {
      if (wantsJson(req)) return void res.status(429).json({ outcome: "refused", error: m.tooManyAttempts });
      res.status(429).render("attendance/checkin-result", { title: m.checkinTitle, ok: false, message: m.tooManyAttempts, session: null, codeLink: false });
    },
  });

  // GET /checkin: the code form, listing the trainee's sessions open for check-in now.
  router.get("/checkin", can(signedIn), async (req, res) => {
    const sessions = await openSessionsFor(db, currentUser(req).id);
    res.render("attendance/checkin-code", { title: m.codeTitle, sessions, values: { sessionId: sessions.length === 1 ? String(sessions[0].id) : "" }, errors: {} });
  });

  // POST /checkin: checks in with a session and the 6-digit code (rate-limited per person).
  router.post("/checkin", can(signedIn), codeLimiter, async (req, res) => {
    const form = parseForm(codeCheckinSchema, formBody(req));
    if (!form.ok) {
      const sessions = await openSessionsFor(db, currentUser(req).id);
      return res.status(422).render("attendance/checkin-code", { title: m.codeTitle, sessions, values: formBody(req), errors: form.errors });
    }
    await answer(req, res, form.data.sessionId, { kind: "code", code: form.data.code });
  });

  // GET /checkin/:sid/:token: the URL in the QR code; marks the logged-in trainee (see the file comment).
  router.get("/checkin/:sid/:token", can(anyone), async (req, res) => {
    const sessionId = idParam(req, "sid");
    const token = String(req.params.token);
    if (req.user) return answer(req, res, sessionId, { kind: "qr", token, graceUntil: takeGrace(req, sessionId, token) });
    // Not logged in: logging in on a phone takes longer than a token lives, so the scan is remembered
    // for a few minutes in this browser's session (server-side): the address alone, forwarded to
    // someone else, proves nothing once the token has expired.
    const now = new Date();
    if (!verifyCheckinToken(key, sessionId, token, now.getTime())) {
      return res.status(400).render("attendance/checkin-result", { title: m.checkinTitle, ok: false, message: m.badToken, session: null, codeLink: true });
    }
    req.session.checkinGrace = { sessionId, token, until: now.getTime() + GRACE_MS };
    req.session.returnTo = `/checkin/${sessionId}/${encodeURIComponent(token)}`;
    flash(req, "info", t.auth.mustLogin);
    res.redirect("/login");
  });

  // GET /courses/:id/sessions/:sid/kiosk: full-screen QR page for the room (course trainers, admins).
  router.get("/courses/:id/sessions/:sid/kiosk", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    const sessionId = idParam(req, "sid");
    const session = sessionOf(course, sessionId);
    // Phones in the room scan this: the configured public address, never the request's Host.
    const base = await site.base();
    const state = await kioskState(db, key, course, sessionId, new Date(), base);
    res.render("attendance/kiosk", { title: m.kioskTitle, course, session, state, codeUrl: joinUrl(base, "/checkin") });
  });

  // GET /courses/:id/sessions/:sid/kiosk.json: what the kiosk polls (QR, code, count, latest names).
  router.get("/courses/:id/sessions/:sid/kiosk.json", can(manageCourse), async (req, res) => {
    const course = await courseOf(db, req);
    res.setHeader("Cache-Control", "no-store");
    res.json(await kioskState(db, key, course, idParam(req, "sid"), new Date(), await site.base()));
  });

  return router;
}
