/**
 * Authorization, one way: each feature's `<feature>.policy.ts` holds its rules (one line each), and every
 * route names its rule where it is declared, `router.get(path, can(rule), handler)`. Nothing else
 * decides who may reach a route: no path-prefix guards, no router relying on another mounted first.
 * `npm run routes` prints every route with its rule (scripts/routes.ts).
 */
import type { Request, RequestHandler } from "express";
import type { Db } from "../db/client";
import type { Role } from "../db/schema";
import { requireLogin, type SessionUser } from "./auth";
import { Forbidden } from "./errors";

/** What a rule may look at: the logged-in user and the request (its ids); `db` to load the object named by the URL. */
export interface RuleContext {
  db: Db;
  user: SessionUser;
  req: Request;
}

/** One access rule. Anonymous visitors are sent to log in before any rule but a public one is asked. */
export interface Rule {
  /** "courses.manage": feature and name, as the route table prints it. */
  readonly name: string;
  /** Who passes, in a few words (the route table's last column). */
  readonly who: string;
  /** No login needed (the login page, public verification, health checks). */
  readonly public?: boolean;
  /** true lets the request through; false answers 403 (with `message` if set). A rule that must not reveal
   *  that the thing exists throws NotFound instead. */
  readonly check: (ctx: RuleContext) => boolean | Promise<boolean>;
  readonly message?: string;
}

/** A rule: `rule("courses.manage", "admins, the course's trainers", ({ user, ... }) => …)`. */
export const rule = (name: string, who: string, check: Rule["check"], message?: string): Rule => ({ name, who, check, message });

/** A rule passed by users with one of `roles`. */
export const roleRule = (name: string, ...roles: Role[]): Rule => rule(name, roles.join(", "), ({ user }) => roles.includes(user.role));

/** Anyone, logged in or not. */
export const anyone: Rule = { name: "public", who: "anyone", public: true, check: () => true };

/** Any logged-in user. */
export const signedIn: Rule = rule("signed-in", "any logged-in user", () => true);

/** A guard as `can(rule)` returns it: the middleware, carrying its rule for the route table. */
export type Guard = RequestHandler & { rule: Rule };

/** `const can = authorize(db)` in a router, then `can(rule)` first on each route line. */
export function authorize(db: Db): (r: Rule) => Guard {
  return (r) => {
    const guard: RequestHandler = (req, res, next) => {
      if (r.public) return next();
      if (!req.user) return requireLogin(req, res, next);
      Promise.resolve()
        .then(() => r.check({ db, user: req.user!, req }))
        .then((ok) => (ok ? next() : next(new Forbidden(r.message))), next);
    };
    return Object.assign(guard, { rule: r });
  };
}

const loadedByRequest = new WeakMap<Request, Map<string, Promise<unknown>>>();

/**
 * The object a URL names, loaded once per request: the rule loads it to decide, the handler gets the
 * same one. A failed load (NotFound) is not kept.
 */
export function loadOnce<T>(req: Request, key: string, load: () => Promise<T>): Promise<T> {
  let loaded = loadedByRequest.get(req);
  if (!loaded) loadedByRequest.set(req, (loaded = new Map<string, Promise<unknown>>()));
  let value = loaded.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    loaded.set(key, value);
    value.catch(() => loaded.delete(key));
  }
  return value;
}
