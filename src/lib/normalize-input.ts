import type { RequestHandler } from "express";

// Control characters other than tab and line ends, and U+FFFE/U+FFFF: nobody types them, PostgreSQL
// text cannot hold NUL (the insert fails), and XML 1.0 forbids all of them (ExcelJS and docx drop the
// controls but write U+FFFE/U+FFFF, which leaves the XLSX or DOCX invalid).
const UNTYPABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/**
 * The same name typed on different keyboards arrives as NFC or NFD; we store NFC only. Characters no
 * one types (see UNTYPABLE) are dropped, so nothing stored can break a query or a document.
 * Doing both here for every incoming string means no form can forget them.
 */
export function nfcDeep(value: unknown): unknown {
  if (typeof value === "string") return value.replace(UNTYPABLE, "").normalize("NFC");
  if (Array.isArray(value)) return value.map(nfcDeep);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = nfcDeep(v);
    return out;
  }
  return value;
}

/** Normalises the form body and the query string (search boxes, filters) of every request. */
export const normalizeInput: RequestHandler = (req, _res, next) => {
  if (req.body && typeof req.body === "object") req.body = nfcDeep(req.body);
  // Express 5 parses req.query from the URL at each read (a getter): the cleaned copy is pinned instead.
  Object.defineProperty(req, "query", { value: nfcDeep(req.query), writable: true, configurable: true, enumerable: true });
  next();
};
