/**
 * Tiny date helpers for printed documents. Dates are ISO calendar dates ("2026-03-05"); a full ISO
 * timestamp is accepted and only its date part is used, so no time zone can shift the printed day.
 */
import { proseDate } from "../time";

/** Calendar parts of an ISO date. */
export interface DateParts {
  year: number;
  month: number;
  day: number;
}

/** Parse "YYYY-MM-DD" (or the date part of an ISO timestamp). Throws on anything else. */
export function parseIsoDate(iso: string): DateParts {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso.trim());
  if (!m) throw new Error(`Not an ISO date: "${iso}"`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) throw new Error(`Invalid date: "${iso}"`);
  return { year, month, day };
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Table style: "05/03/2026". */
export function formatDmy(iso: string): string {
  const { year, month, day } = parseIsoDate(iso);
  return `${pad2(day)}/${pad2(month)}/${year}`;
}

/** Short column-header style: "05/03". */
export function formatDm(iso: string): string {
  const { month, day } = parseIsoDate(iso);
  return `${pad2(day)}/${pad2(month)}`;
}

/**
 * Prose style used in administrative documents: "ngày 05 tháng 3 năm 2026".
 * The day is zero-padded below 10 and months 1–2 are written "01", "02" (NĐ 30/2020).
 */
export function formatProseDate(iso: string): string {
  const { year, month, day } = parseIsoDate(iso);
  return proseDate(year, month, day);
}

/** Place-date line: "Triệu Sơn, ngày 05 tháng 3 năm 2026". */
export function formatPlaceDate(place: string, iso: string): string {
  return `${place.trim()}, ${formatProseDate(iso)}`;
}

/** A fixed, reproducible Date (UTC midnight) for PDF metadata from an ISO date. */
export function isoToUtcDate(iso: string): Date {
  const { year, month, day } = parseIsoDate(iso);
  return new Date(Date.UTC(year, month - 1, day));
}
