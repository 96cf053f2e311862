/**
 * The first login with a one-time password (class accounts, an admin's reset) must set a new password:
 * until then every page redirects to /account/password. users.must_change_password is the truth; it is
 * read once per session (the first request after login, as the login regenerates the session) and kept
 * in the session, so other pages cost no query.
 */
import { eq } from "drizzle-orm";
import type { RequestHandler } from "express";
import type { Db } from "../db/client";
import { users } from "../db/schema";

declare module "express-session" {
  interface SessionData {
    /** "id:sessionVersion" of the user whose must_change_password was read into this session. */
    passwordCheckedFor?: string;
    mustChangePassword?: boolean;
  }
}

export const CHANGE_PASSWORD_PATH = "/account/password";
/** What a user who must change their password may still reach. */
const ALLOWED = new Set([CHANGE_PASSWORD_PATH, "/logout"]);

export function forcePasswordChange(db: Db): RequestHandler {
  return async (req, res, next) => {
    const user = req.user;
    if (!user) return next();
    const key = `${user.id}:${user.sessionVersion}`;
    if (req.session.passwordCheckedFor !== key) {
      const [row] = await db.select({ must: users.mustChangePassword }).from(users).where(eq(users.id, user.id));
      req.session.passwordCheckedFor = key;
      if (row?.must) req.session.mustChangePassword = true;
      else delete req.session.mustChangePassword;
    }
    if (!req.session.mustChangePassword || ALLOWED.has(req.path)) return next();
    // Back to the page they wanted afterwards (e.g. a check-in link scanned before logging in).
    if (req.method === "GET" && req.path !== "/") req.session.returnTo = req.originalUrl;
    res.redirect(303, CHANGE_PASSWORD_PATH);
  };
}

/** After the new password is saved: this session may go anywhere again. */
export function passwordChanged(session: { mustChangePassword?: boolean }): void {
  delete session.mustChangePassword;
}
