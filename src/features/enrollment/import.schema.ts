/** Forms of the roster import, and what the session keeps between the preview and the confirmation. */
import { z } from "zod";
import { FIELDS, type ColumnMap, type Field } from "./import.header";
import type { Resolution } from "./import.match";
import { importMessages as m } from "./import.messages";
import { RosterFileError } from "./import.read";
import type { ImportOptions, RosterKind } from "./import.service";

/** POST /courses/:id/import/confirm and /recheck: the stored upload the preview was made from (checked against the session). */
export const confirmForm = z.object({
  token: z.string().regex(/^[0-9a-f]{32}$/),
});

const text = (v: unknown) => (typeof v === "string" ? v.normalize("NFC").trim() : null);

/**
 * The preview's choices, from fields named col_<column>, unitName_<i> + unitCode_<i> and resolve_<line>.
 * Throws RosterFileError (422) on a malformed value; unit codes and conflict ids are checked by the service.
 */
export function parseImportOptions(body: Record<string, unknown>): ImportOptions {
  const columns: ColumnMap = {};
  const units: NonNullable<ImportOptions["units"]> = [];
  const resolutions = new Map<number, Resolution>();
  const bad = () => new RosterFileError(m.badOption);
  for (const [key, raw] of Object.entries(body ?? {})) {
    const match = /^(col|unitName|resolve)_(\d{1,6})$/.exec(key);
    if (!match) continue;
    const n = Number(match[2]);
    const v = text(raw);
    if (v === null) throw bad();
    if (match[1] === "col") {
      if (v && !(FIELDS as readonly string[]).includes(v)) throw bad();
      columns[n] = (v || null) as Field | null;
    } else if (match[1] === "unitName") {
      const code = text(body[`unitCode_${n}`]) ?? "";
      if (!v || v.length > 200 || code.length > 32) throw bad();
      units.push({ alias: v, unitCode: code || null });
    } else if (v === "new") resolutions.set(n, "new");
    else if (/^\d{1,9}$/.test(v)) resolutions.set(n, Number(v));
    else if (v !== "") throw bad();
  }
  return { columns, units, resolutions };
}

/** One pending import per course in the session; never a row list from the client. */
export interface PendingImport {
  stored: string;
  sha256: string;
  kind: RosterKind;
  fileName: string;
}

declare module "express-session" {
  interface SessionData {
    rosterImports?: Record<string, PendingImport>;
  }
}
