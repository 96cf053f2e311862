/**
 * Reporting periods as URL slugs: "2025" (year), "2025-H1" (half-year), "2025-Q3" (quarter),
 * "2025-03-01_2025-05-31" (any date range, both ends included). Pure: no I/O.
 */
import { textOf } from "../../lib/forms";
import { todayIso, vnClock } from "../../lib/time";
import { parseViDate } from "../../lib/vietnamese";
import type { Period } from "./report-types";

const pad2 = (n: number) => String(n).padStart(2, "0");
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

/** The period of a whole year. */
export function yearPeriod(year: number): Period {
  return { from: `${year}-01-01`, to: `${year}-12-31`, kind: "year", year };
}

function monthsPeriod(kind: "half" | "quarter", year: number, part: number): Period {
  const months = kind === "half" ? 6 : 3;
  const first = (part - 1) * months + 1;
  const last = first + months - 1;
  return { from: `${year}-${pad2(first)}-01`, to: `${year}-${pad2(last)}-${pad2(lastDay(year, last))}`, kind, year, part };
}

/** Parses a slug; null when it is not a valid period (the route answers 404). */
export function parsePeriod(slug: string): Period | null {
  let m = /^(\d{4})$/.exec(slug);
  if (m) return validYear(+m[1]) ? yearPeriod(+m[1]) : null;
  m = /^(\d{4})-([HhQq])([1-4])$/.exec(slug);
  if (m) {
    const [year, half, part] = [+m[1], m[2].toUpperCase() === "H", +m[3]];
    if (!validYear(year) || (half && part > 2)) return null;
    return monthsPeriod(half ? "half" : "quarter", year, part);
  }
  m = /^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$/.exec(slug);
  if (m) return rangePeriod(m[1], m[2]);
  return null;
}

const validYear = (y: number) => Number.isInteger(y) && y >= MIN_YEAR && y <= MAX_YEAR;

/** A date range (ISO or dd/mm/yyyy); null when a date is invalid, the range is reversed or longer than 10 years. */
export function rangePeriod(fromText: string, toText: string): Period | null {
  const from = parseViDate(fromText);
  const to = parseViDate(toText);
  if (!from || !to || from > to) return null;
  if (!validYear(+from.slice(0, 4)) || !validYear(+to.slice(0, 4))) return null;
  if (+to.slice(0, 4) - +from.slice(0, 4) > 10) return null;
  return { from, to, kind: "range" };
}

/** The canonical slug of a period (inverse of parsePeriod). */
export function periodSlug(p: Period): string {
  if (p.kind === "year") return String(p.year);
  if (p.kind === "half") return `${p.year}-H${p.part}`;
  if (p.kind === "quarter") return `${p.year}-Q${p.part}`;
  return `${p.from}_${p.to}`;
}

/** The period chosen in the period form: year + part ("year", "h1", "h2", "q1"…"q4") or part "range" with from/to. */
export function periodFromForm(q: { year?: unknown; part?: unknown; from?: unknown; to?: unknown }): Period | null {
  const part = typeof q.part === "string" ? q.part.toLowerCase() : "year";
  if (part === "range") return rangePeriod(textOf(q.from), textOf(q.to));
  const year = Number(q.year);
  if (!validYear(year)) return null;
  if (part === "year") return yearPeriod(year);
  const m = /^([hq])([1-4])$/.exec(part);
  if (!m || (m[1] === "h" && +m[2] > 2)) return null;
  return monthsPeriod(m[1] === "h" ? "half" : "quarter", year, +m[2]);
}

/** Which form choice a period corresponds to ("year", "h1", "q3", "range"). */
export function periodPart(p: Period): string {
  if (p.kind === "year") return "year";
  if (p.kind === "half") return `h${p.part}`;
  if (p.kind === "quarter") return `q${p.part}`;
  return "range";
}

/**
 * The moment a report counts up to. A session is HELD once its start time has come (Vietnam time): a
 * session later today is not held yet. `time` is null for a whole day given as a date (an as-of date
 * in the past, a test), when every session of that day counts.
 */
export interface Cutoff {
  date: string;
  time: string | null;
}

/** The cut-off of an as-of moment (a Date: its Vietnam date and HH:MM) or of a whole as-of date ("yyyy-mm-dd"). */
export function cutoffOf(asOf: string | Date): Cutoff {
  if (typeof asOf === "string") return { date: asOf, time: null };
  return { date: todayIso(asOf), time: vnClock(asOf) };
}

/** Whether a session (date, "HH:MM" start) is held by the cut-off: its start time has come. */
export const sessionHeld = (date: string, startTime: string, cut: Cutoff): boolean =>
  date < cut.date || (date === cut.date && (cut.time === null || startTime <= cut.time));

/** The period's end capped at the as-of date: sessions after it have not been held yet. */
export function effectiveEnd(p: Period, asOf: string): string {
  return p.to < asOf ? p.to : asOf;
}

/** The period a stored (from, to) pair stands for: a named year, half or quarter when it is one, else a range. */
export function periodOf(from: string, to: string): Period {
  const year = Number(from.slice(0, 4));
  const candidates = [yearPeriod(year), monthsPeriod("half", year, 1), monthsPeriod("half", year, 2), ...[1, 2, 3, 4].map((q) => monthsPeriod("quarter", year, q))];
  return candidates.find((p) => p.from === from && p.to === to) ?? { from, to, kind: "range" };
}
