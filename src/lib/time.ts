/**
 * Dates and times in Vietnam, whatever the server's TZ: the one place that turns an instant into
 * Vietnam's calendar day and clock (Intl with the "Asia/Ho_Chi_Minh" zone), back, and into the text
 * Vietnamese pages and documents print ("07/12/2026 08:00", "ngày 05 tháng 3 năm 2026").
 */

export const VN_TIME_ZONE = "Asia/Ho_Chi_Minh";

/** An instant as Vietnam's wall clock: calendar numbers and two-digit clock parts. */
export interface VnParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// One formatter, built once (constructing one costs far more than using it). h23: midnight is 00, never 24.
const PARTS = new Intl.DateTimeFormat("en-US", {
  timeZone: VN_TIME_ZONE, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23",
});

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Vietnam's calendar day and clock at an instant. */
export function vnParts(at: Date): VnParts {
  const p: Record<string, number> = {};
  for (const { type, value } of PARTS.formatToParts(at)) if (type !== "literal") p[type] = Number(value);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

/** The calendar date in Vietnam at an instant (today by default), as yyyy-mm-dd. */
export function todayIso(now: Date = new Date()): string {
  const p = vnParts(now);
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;
}

/** Vietnam's clock at an instant, "HH:MM" (or "HH:MM:SS" with `seconds`). */
export function vnClock(at: Date, seconds = false): string {
  const p = vnParts(at);
  return `${pad2(p.hour)}:${pad2(p.minute)}${seconds ? `:${pad2(p.second)}` : ""}`;
}

/**
 * The instant of a Vietnam wall-clock time (month 1-12; out-of-range fields roll over as in Date.UTC).
 * The zone's offset is read from Intl at that instant rather than written down here.
 */
export function vnInstant(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const p = vnParts(new Date(wall));
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - wall;
  return new Date(wall - offset);
}

/** The instant Vietnam's day "yyyy-mm-dd" begins (00:00 in Vietnam). */
export function vnDayStart(isoDate: string): Date {
  const [y, m, d] = isoDate.split("-").map(Number);
  return vnInstant(y, m, d);
}

/** A moment as Vietnam local time "dd/mm/yyyy HH:MM"; "" for null or an invalid date. */
export function formatDateTime(at: Date | string | null | undefined): string {
  if (at == null || at === "") return "";
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return "";
  const p = vnParts(d);
  return `${pad2(p.day)}/${pad2(p.month)}/${p.year} ${pad2(p.hour)}:${pad2(p.minute)}`;
}

/**
 * A calendar day in the prose of administrative documents: "ngày 05 tháng 3 năm 2026". NĐ 30/2020 pads
 * days below 10 and months 1–2 only.
 */
export function proseDate(year: number, month: number, day: number): string {
  return `ngày ${pad2(day)} tháng ${month <= 2 ? pad2(month) : month} năm ${year}`;
}

/** The prose date of "yyyy-mm-dd" (see {@link proseDate}). */
export function proseIsoDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return proseDate(y, m, d);
}
