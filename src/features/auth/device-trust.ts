/**
 * Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a browser that has
 * logged in to an account gets a signed cookie naming that login. When an address has made too many
 * failed logins (a guesser in the room, behind the venue's one public address), browsers holding the
 * cookie for the login they type still get through: one guesser cannot lock a class out of its accounts.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import { cookieValue } from "../../lib/cookies";

export const DEVICE_COOKIE = "taphuan.device";
const MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;

const sign = (key: string, login: string) => createHmac("sha256", key).update(`device:v1:${login}`).digest("base64url");

/** The HMAC key for device cookies, derived from the server secret with its own label. */
export const deviceKey = (secret: string): string => createHmac("sha256", secret).update("taphuan-device-key").digest("base64url");

/** Gives this browser a device cookie for `login` (called after a successful login). */
export function trustDevice(res: Response, key: string, login: string, secure: boolean): void {
  const value = `${Buffer.from(login).toString("base64url")}.${sign(key, login)}`;
  res.cookie(DEVICE_COOKIE, value, { httpOnly: true, sameSite: "lax", secure, maxAge: MAX_AGE_MS, path: "/login" });
}

/** True when this browser holds a valid device cookie for `login` (already normalised). */
export function isTrustedDevice(req: Request, key: string, login: string): boolean {
  const [name, sig] = (cookieValue(req, DEVICE_COOKIE) ?? "").split(".");
  if (!name || !sig || Buffer.from(name, "base64url").toString() !== login) return false;
  const want = Buffer.from(sign(key, login));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}
