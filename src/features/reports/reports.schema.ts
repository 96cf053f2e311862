/** Forms and query strings of the reports feature (one zod schema each). */
import { z } from "zod";
import { optionalDate, optionalText } from "../../lib/forms";
import { DIMENSIONS } from "./report-types";
import { FIGURES } from "./report-figures";
import { reportsMessages as m } from "./reports.messages";
import { t } from "../../messages";

const str = z.preprocess((v) => (v == null ? "" : v), z.string());

/** Multi-line text: NFC, line ends unified, trailing spaces and blank runs trimmed, up to `max` characters. */
const longText = (max = 10_000) =>
  str
    .transform((s) => s.normalize("NFC").replace(/\r\n?/g, "\n").split("\n").map((l) => l.replace(/\s+$/u, "")).join("\n").replace(/\n{3,}/g, "\n\n").trim())
    .pipe(z.string().max(max, t.validation.tooLong));

/** The typed-in part of a report. */
export const narrativeSchema = z.object({
  documentNumber: optionalText(60).transform((v) => v ?? ""),
  reportDate: optionalDate.transform((v) => v ?? ""),
  radioProgrammes: str.transform((s, ctx) => {
    const v = s.trim();
    if (!v) return null;
    if (!/^\d{1,7}$/.test(v)) {
      ctx.addIssue({ code: "custom", message: m.badNumber });
      return z.NEVER;
    }
    return Number(v);
  }),
  radioNote: longText(),
  results: longText(),
  limitations: longText(),
  directions: longText(),
  recommendations: longText(),
});

/** ?f=figure&dim=…&key=… of a drill-down page; anything else is a 404. */
export const drillQuery = z.object({
  f: z.enum(FIGURES),
  dim: z.enum(DIMENSIONS).optional(),
  key: z.string().max(64).optional(),
});
