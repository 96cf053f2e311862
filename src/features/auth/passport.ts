import { Passport } from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import type { Db } from "../../db/client";
import { authenticate, loadSessionUser } from "./auth.service";

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
  passport.deserializeUser((key: string, done) => {
    const [id, version] = String(key).split(":").map(Number);
    // false (not an error) logs the session out: deactivated user or password reset by an admin.
    loadSessionUser(db, id, version)
      .then((u) => done(null, u ?? false))
      .catch(done);
  });
  return passport;
}
