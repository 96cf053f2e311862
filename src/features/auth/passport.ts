import { Passport } from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { Db } from "../../db/client";
import type { Request, RequestHandler } from "express";
import { authenticate, checkSessionUser, loadSessionUser } from "./auth.service";
import { takePreloadedUser } from "./session-store";

/** One Passport instance per app (tests build many apps): local login, session holds "id:version". */
export function createPassport(db: Db): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: "login", passwordField: "password", passReqToCallback: true }, (req, login, password, done) => {
      authenticate(db, login, password, req.ip ?? null)
        .then((r) => (r.ok ? done(null, r.user) : done(null, false, { message: r.reason })))
        .catch(done);
    }),
  );
  passport.serializeUser((user, done) => done(null, `${user.id}:${user.sessionVersion}`));
  passport.deserializeUser((req: Request, key: string, done: (err: unknown, user?: Express.User | false) => void) => {
    const [id, version] = String(key).split(":").map(Number);
    // false (not an error) logs the session out: deactivated user or password reset by an admin.
    // Usually the session store has read the user with the session (session-store.ts).
    const preloaded = takePreloadedUser(req, String(key));
    if (preloaded !== undefined) return done(null, checkSessionUser(preloaded, id, version) ?? false);
    loadSessionUser(db, id, version)
      .then((u) => done(null, u ?? false))
      .catch(done);
  });
  return passport;
}

/**
 * What passport.session() does, without passport's per-request strategy machinery (a measurable share of
 * a page's cost): the session's passport key is turned into req.user by the deserializer above; a key
 * it rejects (user deactivated, password reset) is removed, which logs the session out.
 */
export function restoreSessionUser(passport: InstanceType<typeof Passport>): RequestHandler {
  const init = passport.initialize(); // req.login, req.logout, req.isAuthenticated
  return (req, res, next) =>
    init(req, res, () => {
      const stored = (req.session as { passport?: { user?: string } } | undefined)?.passport;
      if (!stored?.user) return next();
      passport.deserializeUser(stored.user, req, (err: unknown, user?: Express.User | false) => {
        if (err) return next(err);
        if (user) req.user = user;
        else delete stored.user;
        next();
      });
    });
}
