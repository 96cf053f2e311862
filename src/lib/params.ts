import type { Request } from "express";
import { NotFound } from "./errors";

/** The numeric `:id` (or other) route parameter; anything else is a 404, never a 500. */
export function idParam(req: Request, name = "id"): number {
  const raw = req.params[name];
  const n = Number(raw);
  if (typeof raw !== "string" || !/^\d{1,9}$/.test(raw) || !Number.isSafeInteger(n)) throw new NotFound();
  return n;
}
