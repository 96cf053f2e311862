/** Pure date maths for session series. Dates are calendar dates (yyyy-mm-dd), no time zones involved. */

const DAY_MS = 86_400_000;
export const MAX_SERIES = 200;

/** 0 = Sunday … 6 = Saturday, for a yyyy-mm-dd date. */
export function weekday(iso: string): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

/**
 * Dates from `start` to `until` (inclusive) falling on `weekdays`. Without `until`, just `start`.
 * Throws RangeError past MAX_SERIES dates, so a typo in the year cannot create thousands of sessions.
 */
export function seriesDates(start: string, weekdays: number[], until: string | null): string[] {
  if (!until) return [start];
  const out: string[] = [];
  const end = Date.parse(`${until}T00:00:00Z`);
  for (let d = Date.parse(`${start}T00:00:00Z`); d <= end; d += DAY_MS) {
    const iso = new Date(d).toISOString().slice(0, 10);
    if (weekdays.includes(weekday(iso))) out.push(iso);
    if (out.length > MAX_SERIES) throw new RangeError("too many sessions");
  }
  return out;
}
