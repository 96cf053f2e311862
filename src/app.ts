/**
 * createApp builds the Express application around an open database. It never listens: server.ts does,
 * and tests drive it with supertest.
 */
import express, { type Router } from "express";
import session from "express-session";
import helmet from "helmet";
import pino, { type Logger } from "pino";
import type { Db, DbHandle, DbKind } from "./db/client";
import { PUBLIC_DIR, VIEWS_DIR } from "./paths";
import { csrfLocals, csrfProtection } from "./lib/csrf";
import { errorHandler, notFoundHandler } from "./lib/error-handler";
import { flashLocals } from "./lib/flash";
import { t } from "./messages";
import { normalizeInput } from "./lib/normalize-input";
import { PublicAddress } from "./lib/public-url";
import * as vi from "./lib/vietnamese";
import { createPassport, restoreSessionUser } from "./features/auth/passport";
import { createSessionStore } from "./features/auth/session-store";
import { authRouter } from "./features/auth/auth.routes";
import { firstPasswordRouter } from "./features/auth/first-password.routes";
import { forcePasswordChange } from "./lib/password-change";
import { healthRouter } from "./features/health/health.routes";
import { homeRouter } from "./features/home/home.routes";
import { usersRouter } from "./features/users/users.routes";
import { accountsRouter } from "./features/users/accounts.routes";
import { unitsRouter } from "./features/units/units.routes";
import { categoriesRouter } from "./features/units/categories.routes";
import { settingsRouter } from "./features/settings/settings.routes";
import { setupRouter } from "./features/setup/setup.routes";
import { coursesRouter } from "./features/courses/courses.routes";
import { materialsRouter } from "./features/courses/materials.routes";
import { enrollmentRouter } from "./features/enrollment/enrollment.routes";
import { importRouter } from "./features/enrollment/import.routes";
import { walkinRouter } from "./features/enrollment/walkin.routes";
import { attendanceRouter } from "./features/attendance/attendance.routes";
import { quizzesRouter } from "./features/quizzes/quizzes.routes";
import { certificatesRouter } from "./features/certificates/certificates.routes";
import { reportsRouter } from "./features/reports/reports.routes";
import { auditRouter } from "./features/audit/audit.routes";
import { ReadCache } from "./lib/read-cache";
import { plansRouter } from "./features/plans/plans.routes";

export interface AppOptions {
  handle: DbHandle;
  sessionSecret: string;
  trustProxy?: boolean;
  loginIpLimit?: number;
  logger?: Logger;
  /** PUBLIC_URL: the default public address of absolute links (QR codes) until an administrator saves one. */
  publicUrl?: string;
  /** The session store prunes expired rows on a timer; tests turn it off so Jest can exit. */
  pruneSessions?: boolean;
}

export const SESSION_COOKIE = "taphuan.sid";

export function createApp(opts: AppOptions): express.Express {
  const { handle } = opts;
  const db = handle.db;
  const logger = opts.logger ?? pino({ level: "silent" });
  // Absolute links (QR codes) come from this one configured address, never from the request's Host.
  const site = new PublicAddress(db, opts.publicUrl);
  const app = express();

  app.set("views", VIEWS_DIR);
  app.set("view engine", "ejs");
  app.disable("x-powered-by");
  // Never show stack traces to users, whatever NODE_ENV says.
  app.set("env", "production");
  // Compile each template once (Express only does so by itself when NODE_ENV=production); `npm run dev`
  // sets NODE_ENV=development so edited templates show at once.
  app.set("view cache", process.env.NODE_ENV !== "development");
  if (opts.trustProxy) app.set("trust proxy", 1);
  // Messages and formatters, the same for every page (and for fragments rendered without a request).
  app.locals.t = t;
  app.locals.vi = vi;
  // Page data shared by requests while the database is unchanged (lib/read-cache.ts). Entries are a few
  // kB to ~100 kB (a trainee's schedule); 1,000 of them bound the memory.
  app.locals.readCache = new ReadCache({ maxEntries: 1000, maxAgeMs: 60_000, freeze: process.env.NODE_ENV === "test" });

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          "script-src": ["'self'"],
          "style-src": ["'self'"],
          "img-src": ["'self'", "data:"],
          // Offices often run taphuan over plain HTTP on an intranet: forcing HTTPS sub-requests would break it.
          "upgrade-insecure-requests": opts.trustProxy ? [] : null,
        },
      },
      strictTransportSecurity: opts.trustProxy ? undefined : false,
    }),
  );
  // Files of public/ (css, img, js); other paths skip the file-system lookup.
  const publicFiles = express.static(PUBLIC_DIR, { maxAge: "1h", index: false });
  app.use((req, res, next) => (/^\/(css|img|js)\//.test(req.path) ? publicFiles(req, res, next) : next()));
  app.use(express.urlencoded({ extended: true, limit: "200kb", parameterLimit: 2000 }));
  app.use(express.json({ limit: "200kb" }));
  app.use(normalizeInput);

  app.use(
    session({
      name: SESSION_COOKIE,
      secret: opts.sessionSecret,
      store: createSessionStore(session, handle.client, { prune: opts.pruneSessions !== false }),
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, sameSite: "lax", secure: !!opts.trustProxy, maxAge: 8 * 60 * 60 * 1000 },
    }),
  );
  // express-session sends a redirect's headers before its store has saved the session, so a browser
  // following at once could arrive before the flash message (or a pending import) is stored: save first.
  app.use((req, res, next) => {
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      const hasData = req.session && Object.keys(req.session).some((k) => k !== "cookie");
      if (!hasData) return redirect(...args);
      req.session.save(() => redirect(...args));
    });
    next();
  });
  const passport = createPassport(db);
  app.use(restoreSessionUser(passport));
  // Locals first, so even a page for a rejected CSRF token can render the layout.
  app.use((req, res, next) => {
    res.locals.user = req.user ?? null;
    res.locals.path = req.path;
    res.locals.flash = [];
    res.locals.csrfToken = "";
    next();
  });
  app.use(csrfProtection);
  app.use(csrfLocals);
  // Before flashLocals: a redirect to the password form keeps the pending messages for the form.
  app.use(forcePasswordChange(db));
  app.use(flashLocals);

  const routers = featureRouters({
    db, dbKind: handle.kind, passport, site, secret: opts.sessionSecret,
    loginIpLimit: opts.loginIpLimit ?? 50, secureCookies: !!opts.trustProxy,
  });
  for (const { router } of routers) app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

/** What the feature routers are built from. */
export interface RouterDeps {
  db: Db;
  dbKind: DbKind;
  passport: ReturnType<typeof createPassport>;
  site: PublicAddress;
  secret: string;
  loginIpLimit: number;
  secureCookies: boolean;
}

/**
 * Every feature router with its feature's name, in mount order. Each route carries its own rule
 * (lib/policy.ts), so the order decides no access: test/router-alone.test.ts mounts each router alone,
 * and `npm run routes` prints the table of routes and rules from this list.
 */
export function featureRouters(d: RouterDeps): { feature: string; router: Router }[] {
  const { db, site, secret } = d;
  return [
    { feature: "health", router: healthRouter({ db, dbKind: d.dbKind }) },
    { feature: "auth", router: firstPasswordRouter({ db }) },
    { feature: "auth", router: authRouter({ db, passport: d.passport, loginIpLimit: d.loginIpLimit, secret, secureCookies: d.secureCookies }) },
    { feature: "home", router: homeRouter({ db }) },
    { feature: "users", router: usersRouter({ db }) },
    { feature: "users", router: accountsRouter({ db, site }) },
    { feature: "units", router: unitsRouter({ db }) },
    { feature: "units", router: categoriesRouter({ db }) },
    { feature: "setup", router: setupRouter({ db, site }) },
    { feature: "settings", router: settingsRouter({ db, site }) },
    { feature: "courses", router: coursesRouter({ db }) },
    { feature: "enrollment", router: enrollmentRouter({ db }) },
    { feature: "enrollment", router: walkinRouter({ db }) },
    { feature: "courses", router: materialsRouter({ db }) },
    { feature: "enrollment", router: importRouter({ db }) },
    { feature: "attendance", router: attendanceRouter({ db, secret, site }) },
    { feature: "quizzes", router: quizzesRouter({ db }) },
    { feature: "certificates", router: certificatesRouter({ db, site }) },
    { feature: "reports", router: reportsRouter({ db }) },
    { feature: "audit", router: auditRouter({ db }) },
    { feature: "plans", router: plansRouter({ db }) },
  ];
}
