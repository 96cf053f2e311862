/** Reading one cookie without a cookie-parsing middleware (only the login page and its limiter need them). */
import type { Request } from "express";

export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** A path on this site ("/courses/5"), never another site ("//evil", "/\\evil", "https://…"). */
export const isLocalPath = (p: unknown): p is string => typeof p === "string" && /^\/(?![/\\])/.test(p) && !/[\r\n]/.test(p);
