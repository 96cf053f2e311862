/** Forms of the roster import, and what the session keeps between the preview and the confirmation. */
import { z } from "zod";
import type { RosterKind } from "./import.service";

/** POST /courses/:id/import/confirm: the stored upload the preview was made from (checked against the session). */
export const confirmForm = z.object({
  token: z.string().regex(/^[0-9a-f]{32}$/),
});

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
