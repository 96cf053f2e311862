/** Vietnam has one time zone (UTC+7, no DST); "today" and session times are in it, whatever the server's TZ. */
export const VN_OFFSET_MINUTES = 7 * 60;

/** The calendar date in Vietnam, as yyyy-mm-dd. */
export function todayIso(now: Date = new Date()): string {
  return new Date(now.getTime() + VN_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}
