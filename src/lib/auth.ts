/** Who is logged in, and the redirect to the login page (rules that use it: lib/policy.ts). */
import type { Request, RequestHandler } from "express";
import type { Role } from "../db/schema";
import { Forbidden } from "./errors";

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
    // passport's req.user (an interface, to merge with passport's declaration)
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

/** Where an anonymous visitor wanted to go, kept in a short-lived cookie read by the login page. */
export const RETURN_COOKIE = "taphuan.next";

/**
 * Redirects anonymous visitors to the login page, remembering where they wanted to go in a cookie
 * rather than the session: a bot or a health check that asks for "/" must not create a session row.
 */
export const requireLogin: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (req.method === "GET") res.cookie(RETURN_COOKIE, req.originalUrl, { httpOnly: true, sameSite: "lax", path: "/login", maxAge: 30 * 60_000 });
  res.redirect("/login");
};

/** The logged-in user; only call behind a can(rule) guard (lib/policy.ts). */
export function currentUser(req: Request): SessionUser {
  if (!req.user) throw new Forbidden();
  return req.user;
}

/** Who does a change, as services and the audit log take it: the logged-in user's id and role, and the request's IP. */
export function actor(req: Request): { id: number; role: Role; ip: string | null } {
  const me = currentUser(req);
  return { id: me.id, role: me.role, ip: req.ip ?? null };
}

declare module "express-session" {
  interface SessionData {
    returnTo?: string;
  }
}
