/** Who is logged in, and guards for routers. */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Role } from "../db/schema";
import { Forbidden } from "./errors";
import { flash } from "./flash";
import { t } from "./messages";

export interface SessionUser {
  id: number;
  fullName: string;
  role: Role;
  login: string | null;
  sessionVersion: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport's req.user
    interface User extends SessionUser {}
  }
}

/** Redirects anonymous visitors to the login page (remembering where they wanted to go). */
export const requireLogin: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (req.method === "GET" && req.session) req.session.returnTo = req.originalUrl;
  flash(req, "info", t.auth.mustLogin);
  res.redirect("/login");
};

/** Logged-in users with one of `roles`; others get 403 (anonymous ones are sent to log in). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return requireLogin(req, res, next);
    if (!roles.includes(req.user.role)) return next(new Forbidden());
    next();
  };
}

/** The logged-in user; only call behind requireLogin/requireRole. */
export function currentUser(req: Request): SessionUser {
  if (!req.user) throw new Forbidden();
  return req.user;
}

declare module "express-session" {
  interface SessionData {
    returnTo?: string;
  }
}
