/**
 * Synchroniser-token CSRF protection on every POST. Tokens come from the `_csrf` form field or the
 * `x-csrf-token` header. Multipart forms are checked by lib/upload.ts after multer has parsed them
 * into memory, so a rejected request never leaves a file on disk.
 */
import type { RequestHandler } from "express";
import { csrfSync } from "csrf-sync";

export const CSRF_ERROR_CODE = "EBADCSRFTOKEN";

const csrf = csrfSync({
  getTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? (req.headers["x-csrf-token"] as string | undefined),
  errorConfig: { statusCode: 403, code: CSRF_ERROR_CODE },
});

export const { generateToken, invalidCsrfTokenError, isRequestValid } = csrf;

/** Verifies the token on POST/PUT/PATCH/DELETE, except multipart bodies (checked by lib/upload.ts). */
export const csrfProtection: RequestHandler = (req, res, next) => {
  if (req.is("multipart/form-data")) return next();
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
