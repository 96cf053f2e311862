import {
  checkinCode,
  checkinOpen,
  checkinToken,
  sessionStartsAt,
  statusForCheckin,
  verifyCheckinCode,
  verifyCheckinToken,
  windowIndex,
} from "../../src/features/attendance/checkin-token";

const SECRET = "test-secret-for-checkin";
const W = 15_000; // one window in ms
// A moment well inside a window, so "+ n windows" never lands on a boundary by accident.
const t0 = 1_800_000_000_000 + 3_000;
const w0 = windowIndex(t0);

describe("windowIndex", () => {
  it("floors the time into 15-second windows by default", () => {
    expect(windowIndex(0)).toBe(0);
    expect(windowIndex(14_999)).toBe(0);
    expect(windowIndex(15_000)).toBe(1);
    expect(windowIndex(60_000, 30)).toBe(2);
  });

  it("rejects a non-positive window length", () => {
    expect(() => windowIndex(1, 0)).toThrow(RangeError);
    expect(() => windowIndex(NaN)).toThrow(RangeError);
  });
});

describe("checkinToken", () => {
  it("is deterministic, URL-safe and at least 128 bits", () => {
    const token = checkinToken(SECRET, 42, w0);
    expect(token).toBe(checkinToken(SECRET, "42", w0));
    expect(token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(token.length * 6).toBeGreaterThanOrEqual(128);
  });

  it("differs by session, window and secret", () => {
    const token = checkinToken(SECRET, 42, w0);
    expect(checkinToken(SECRET, 43, w0)).not.toBe(token);
    expect(checkinToken(SECRET, 42, w0 + 1)).not.toBe(token);
    expect(checkinToken("other-secret", 42, w0)).not.toBe(token);
  });

  it("refuses an empty secret", () => {
    expect(() => checkinToken("", 1, w0)).toThrow();
  });
});

describe("verifyCheckinToken", () => {
  const token = checkinToken(SECRET, 42, w0);

  it("accepts a token during its window and the next one", () => {
    expect(verifyCheckinToken(SECRET, 42, token, t0)).toBe(true);
    expect(verifyCheckinToken(SECRET, 42, token, w0 * W)).toBe(true); // first ms of w
    expect(verifyCheckinToken(SECRET, 42, token, t0 + W)).toBe(true); // w + 1
    expect(verifyCheckinToken(SECRET, 42, token, (w0 + 2) * W - 1)).toBe(true); // last ms of w + 1
  });

  it("refuses it two windows later and one window earlier", () => {
    expect(verifyCheckinToken(SECRET, 42, token, (w0 + 2) * W)).toBe(false);
    expect(verifyCheckinToken(SECRET, 42, token, t0 + 2 * W)).toBe(false);
    expect(verifyCheckinToken(SECRET, 42, token, t0 - W)).toBe(false);
  });

  it("refuses a token of another session", () => {
    expect(verifyCheckinToken(SECRET, 43, token, t0)).toBe(false);
    expect(verifyCheckinToken(SECRET, 42, checkinToken(SECRET, 43, w0), t0)).toBe(false);
  });

  it("refuses tampered, truncated, padded and non-string tokens", () => {
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(verifyCheckinToken(SECRET, 42, token.slice(0, -1) + last, t0)).toBe(false);
    expect(verifyCheckinToken(SECRET, 42, token.slice(0, -1), t0)).toBe(false);
    expect(verifyCheckinToken(SECRET, 42, token + "A", t0)).toBe(false);
    expect(verifyCheckinToken(SECRET, 42, "", t0)).toBe(false);
    expect(verifyCheckinToken(SECRET, 42, "é".repeat(22), t0)).toBe(false);
    expect(verifyCheckinToken(SECRET, 42, undefined as unknown as string, t0)).toBe(false);
  });

  it("refuses a token made with another secret", () => {
    expect(verifyCheckinToken(SECRET, 42, checkinToken("other", 42, w0), t0)).toBe(false);
  });

  it("follows a custom window length", () => {
    const w30 = windowIndex(t0, 30);
    const t30 = checkinToken(SECRET, 42, w30);
    expect(verifyCheckinToken(SECRET, 42, t30, (w30 + 1) * 30_000, 30)).toBe(true);
    expect(verifyCheckinToken(SECRET, 42, t30, (w30 + 2) * 30_000, 30)).toBe(false);
  });
});

describe("checkinCode", () => {
  it("is always six digits, zero-padded", () => {
    for (let w = 0; w < 2000; w++) expect(checkinCode(SECRET, 7, w)).toMatch(/^\d{6}$/);
  });

  it("is not derived from the token and varies by session and window", () => {
    const code = checkinCode(SECRET, 42, w0);
    expect(checkinToken(SECRET, 42, w0)).not.toContain(code);
    const codes = new Set(Array.from({ length: 50 }, (_, i) => checkinCode(SECRET, 42, w0 + i)));
    expect(codes.size).toBeGreaterThan(45);
  });

  it("verifies like the token: windows w and w + 1 of the same session only", () => {
    const code = checkinCode(SECRET, 42, w0);
    expect(verifyCheckinCode(SECRET, 42, code, t0)).toBe(true);
    expect(verifyCheckinCode(SECRET, 42, code, t0 + W)).toBe(true);
    expect(verifyCheckinCode(SECRET, 42, code, t0 + 2 * W)).toBe(false);
    expect(verifyCheckinCode(SECRET, 42, code, t0 - W)).toBe(false);
    expect(verifyCheckinCode(SECRET, 43, code, t0)).toBe(false);
  });

  it("tolerates spaces but refuses anything that is not six digits", () => {
    const code = checkinCode(SECRET, 42, w0);
    expect(verifyCheckinCode(SECRET, 42, `${code.slice(0, 3)} ${code.slice(3)}`, t0)).toBe(true);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expect(verifyCheckinCode(SECRET, 42, wrong, t0)).toBe(false);
    expect(verifyCheckinCode(SECRET, 42, code.slice(1), t0)).toBe(false);
    expect(verifyCheckinCode(SECRET, 42, `${code}0`, t0)).toBe(false);
    expect(verifyCheckinCode(SECRET, 42, "12345a", t0)).toBe(false);
  });
});

describe("checkinOpen", () => {
  const session = { date: "2026-03-05", startTime: "08:00", endTime: "11:30" };
  const rules = { opensMinutesBefore: 15, closesMinutesAfter: 30 };
  // 08:00 in Vietnam (UTC+7) is 01:00 UTC.
  const at = (iso: string) => new Date(iso);

  it("converts Vietnam local time to UTC explicitly", () => {
    const r = checkinOpen(session, rules, at("2026-03-05T01:00:00Z"));
    expect(r.opensAt.toISOString()).toBe("2026-03-05T00:45:00.000Z");
    expect(r.closesAt.toISOString()).toBe("2026-03-05T01:30:00.000Z");
    expect(sessionStartsAt(session).toISOString()).toBe("2026-03-05T01:00:00.000Z");
  });

  it("opens exactly at the opening minute and closes exactly at the closing minute", () => {
    expect(checkinOpen(session, rules, at("2026-03-05T00:44:59.999Z")).open).toBe(false);
    expect(checkinOpen(session, rules, at("2026-03-05T00:45:00.000Z")).open).toBe(true);
    expect(checkinOpen(session, rules, at("2026-03-05T01:29:59.999Z")).open).toBe(true);
    expect(checkinOpen(session, rules, at("2026-03-05T01:30:00.000Z")).open).toBe(false);
  });

  it("never stays open past the end of the session", () => {
    const r = checkinOpen(session, { opensMinutesBefore: 0, closesMinutesAfter: 600 }, at("2026-03-05T04:30:00Z"));
    expect(r.closesAt.toISOString()).toBe("2026-03-05T04:30:00.000Z");
    expect(r.open).toBe(false);
  });

  it("handles an early-morning session whose opening falls on the previous UTC day", () => {
    const r = checkinOpen({ date: "2026-01-01", startTime: "06:30", endTime: "08:00" }, rules, at("2025-12-31T23:20:00Z"));
    expect(r.opensAt.toISOString()).toBe("2025-12-31T23:15:00.000Z");
    expect(r.open).toBe(true);
  });

  it("accepts another offset", () => {
    expect(checkinOpen(session, rules, at("2026-03-05T08:00:00Z"), 0).open).toBe(true);
  });

  it("rejects malformed or impossible dates and times", () => {
    const now = at("2026-03-05T01:00:00Z");
    expect(() => checkinOpen({ ...session, date: "2026-02-30" }, rules, now)).toThrow(RangeError);
    expect(() => checkinOpen({ ...session, date: "05/03/2026" }, rules, now)).toThrow(RangeError);
    expect(() => checkinOpen({ ...session, startTime: "24:00" }, rules, now)).toThrow(RangeError);
    expect(() => checkinOpen({ ...session, startTime: "8:00" }, rules, now)).toThrow(RangeError);
    expect(() => checkinOpen({ ...session, endTime: "07:00" }, rules, now)).toThrow(RangeError);
  });
});

describe("statusForCheckin", () => {
  const start = new Date("2026-03-05T01:00:00Z");

  it("is P up to and including the late limit, L after it", () => {
    expect(statusForCheckin(start, new Date("2026-03-05T00:50:00Z"), 10)).toBe("P");
    expect(statusForCheckin(start, new Date("2026-03-05T01:10:00.000Z"), 10)).toBe("P");
    expect(statusForCheckin(start, new Date("2026-03-05T01:10:00.001Z"), 10)).toBe("L");
    expect(statusForCheckin(start, new Date("2026-03-05T01:00:01Z"), 0)).toBe("L");
  });
});
