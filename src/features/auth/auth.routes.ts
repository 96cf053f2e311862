import { Router } from "express";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { rateLimit } from "express-rate-limit";
import type { Db } from "../../db/client";
import { currentUser, RETURN_COOKIE } from "../../lib/auth";
import { generateToken } from "../../lib/csrf";
import { anyone, authorize, signedIn } from "../../lib/policy";
import { cookieValue, isLocalPath } from "../../lib/cookies";
import { flash } from "../../lib/flash";
import { formBody, parseForm, submitForm } from "../../lib/forms";
import { DbRateLimitStore } from "../../lib/rate-limit-store";
import { t } from "../../messages";
import { changeOwnPassword, normaliseLogin } from "./auth.service";
import { deviceKey, isTrustedDevice, trustDevice } from "./device-trust";
import { changePasswordSchema, loginSchema } from "./auth.schema";
import type { createPassport } from "./passport";

export function authRouter(deps: { db: Db; passport: ReturnType<typeof createPassport>; loginIpLimit: number; secret: string; secureCookies: boolean }): Router {
  const { db, passport } = deps;
  const router = Router();
  const can = authorize(db);
  const devices = deviceKey(deps.secret);

  // Stops one address from spraying guesses across many logins (per-login locking is in auth.service).
  // Only failed logins count: a class of 200 behind the venue's one address logs in freely. Browsers
  // that have logged in to the account they type before are never stopped (device-trust.ts).
  // Counted in the database, so the limit is the same whatever app process answers.
  const ipLimiter = rateLimit({
    store: new DbRateLimitStore(db, "login-ip"),
    windowMs: 15 * 60 * 1000,
    limit: deps.loginIpLimit,
    skipSuccessfulRequests: true,
    skip: (req) => {
      const login = formBody(req)?.login;
      return typeof login === "string" && isTrustedDevice(req, devices, normaliseLogin(login));
    },
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, res) => res.status(429).render("auth/login", { title: t.auth.loginTitle, values: {}, errors: {}, message: t.auth.ipLimited }),
  });

  // GET /login: the login form ("please log in" when a page sent the visitor here).
  router.get("/login", can(anyone), (req, res) => {
    if (req.user) return res.redirect("/");
    const notice = cookieValue(req, RETURN_COOKIE) ? t.auth.mustLogin : null;
    res.render("auth/login", { title: t.auth.loginTitle, values: {}, errors: {}, message: null, notice });
  });

  // POST /login: checks the password (with throttling) and starts a fresh session.
  router.post("/login", can(anyone), ipLimiter, (req, res, next) => {
    const form = parseForm(loginSchema, req.body);
    const values = { login: formBody(req)?.login ?? "" };
    if (!form.ok) return res.status(422).render("auth/login", { title: t.auth.loginTitle, values, errors: form.errors, message: null });
    const { checkinGrace } = req.session;
    const returnTo = req.session.returnTo ?? cookieValue(req, RETURN_COOKIE);
    const authenticate = passport.authenticate("local", (err: unknown, user: Express.User | false, info?: { message?: string }) => {
      if (err) return next(err);
      if (!user) {
        const message = info?.message === "locked" ? t.auth.locked : t.auth.invalid;
        return res.status(401).render("auth/login", { title: t.auth.loginTitle, values, errors: {}, message });
      }
      // passport 0.7 regenerates the session here, so a session id fixed before login is useless.
      req.login(user, (e) => {
        if (e) return next(e);
        // The new session gets its CSRF token now, in the login's own save: pages rendered at the same
        // moment afterwards (two tabs, a click racing the redirect) then all show that one token, instead
        // of each storing a token of its own and the last save winning.
        generateToken(req);
        // A QR scanned before logging in stays with this browser (checkin.routes.ts).
        if (checkinGrace) req.session.checkinGrace = checkinGrace;
        if (user.login) trustDevice(res, devices, user.login, deps.secureCookies);
        res.clearCookie(RETURN_COOKIE, { path: "/login" });
        flash(req, "success", `${t.auth.welcome}, ${user.fullName}!`);
        res.redirect(isLocalPath(returnTo) ? returnTo : "/");
      });
    }) as (req: Request, res: Response, next: NextFunction) => void;
    authenticate(req, res, next);
  });

  // POST /logout: ends the session completely.
  router.post("/logout", can(anyone), (req, res, next) => {
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy(() => {
        res.clearCookie("taphuan.sid");
        res.redirect("/login");
      });
    });
  });

  const renderPassword = (status: number, errors: Record<string, string>): RequestHandler => (_req, res) =>
    void res.status(status).render("auth/password", { title: t.auth.changePasswordTitle, errors });

  // GET /account/password: form to change one's own password.
  router.get("/account/password", can(signedIn), renderPassword(200, {}));

  // POST /account/password: changes one's own password.
  router.post("/account/password", can(signedIn), async (req, res, next) => {
    const fail = (errors: Record<string, string>) => renderPassword(422, errors)(req, res, next);
    const saved = await submitForm(changePasswordSchema, req.body, fail, (data) => changeOwnPassword(db, currentUser(req).id, data.currentPassword, data.newPassword, req.ip ?? null));
    if (!saved) return;
    const user = saved.value;
    // The change ended every session of this user (other devices, a stolen cookie); this one starts afresh.
    req.login(user, (e) => {
      if (e) return next(e);
      generateToken(req); // as at login
      flash(req, "success", t.auth.passwordChanged);
      res.redirect("/");
    });
  });

  return router;
}
