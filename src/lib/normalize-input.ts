import type { RequestHandler } from "express";

/**
 * The same name typed on different keyboards arrives as NFC or NFD; we store NFC only.
 * Normalising every incoming string here means no form can forget it.
 */
export function nfcDeep(value: unknown): unknown {
  if (typeof value === "string") return value.normalize("NFC");
  if (Array.isArray(value)) return value.map(nfcDeep);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = nfcDeep(v);
    return out;
  }
  return value;
}

export const normalizeInput: RequestHandler = (req, _res, next) => {
  if (req.body && typeof req.body === "object") req.body = nfcDeep(req.body);
  next();
};
