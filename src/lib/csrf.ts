/**
 * Synchroniser-token CSRF protection on every POST, whatever the body's content type. Tokens come from
 * the `_csrf` form field or the `x-csrf-token` header. A multipart body is accepted only on a route that
 * takes a file (registered by lib/upload.ts), which checks the token after multer has read the body into
 * memory, so a rejected request never leaves a file on disk; any other route refuses multipart outright
 * (its body would not even be parsed, so the token could not be read).
 */
import type { RequestHandler } from "express";
import { csrfSync } from "csrf-sync";

export const CSRF_ERROR_CODE = "EBADCSRFTOKEN";

const csrf = csrfSync({
  getTokenFromRequest: (req) => ((req.body as { _csrf?: string } | undefined)?._csrf) ?? (req.headers["x-csrf-token"] as string | undefined),
  errorConfig: { statusCode: 403, code: CSRF_ERROR_CODE },
});

export const { generateToken, invalidCsrfTokenError, isRequestValid } = csrf;

/** POST routes that take one uploaded file, as Express paths ("/courses/:id/materials") turned into patterns. */
const uploadRoutes: RegExp[] = [];

/** Called by lib/upload.ts for each upload route, so that route (and no other) may receive multipart. */
export function registerUploadRoute(route: string): void {
  const pattern = new RegExp(`^${route.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:\w+/g, "[^/]+")}/?$`);
  if (!uploadRoutes.some((r) => r.source === pattern.source)) uploadRoutes.push(pattern);
}

const takesUpload = (method: string, path: string): boolean => method === "POST" && uploadRoutes.some((r) => r.test(path));

/** Verifies the token on every state-changing request; multipart only where a file is expected (see above). */
export const csrfProtection: RequestHandler = (req, res, next) => {
  if (req.is("multipart/form-data")) return takesUpload(req.method, req.path) ? next() : next(invalidCsrfTokenError);
  return csrf.csrfSynchronisedProtection(req, res, next);
};

/**
 * Makes the token available to every view as `csrfToken`. The token is made when a page is rendered,
 * not for every request: storing it modifies the session, and a JSON answer or a redirect to an
 * anonymous client (health checks, bots) must not create a session row each time.
 */
export const csrfLocals: RequestHandler = (req, res, next) => {
  Object.defineProperty(res.locals, "csrfToken", { get: () => generateToken(req), enumerable: true, configurable: true });
  next();
};
