import { checkinKey, GRACE_MS, graceParam, verifyGrace } from "../../src/features/attendance/checkin.service";
import { checkinToken, verifyCheckinToken, windowIndex } from "../../src/features/attendance/checkin-token";

const SECRET = "a-server-secret-of-at-least-32-characters";
const now = new Date(Date.UTC(2026, 11, 7, 0, 30, 3));

describe("checkinKey", () => {
  it("is derived from the secret with a label: stable, different from the secret, different per secret", () => {
    const key = checkinKey(SECRET);
    expect(key).toBe(checkinKey(SECRET));
    expect(key).not.toContain(SECRET);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(checkinKey(SECRET + "x")).not.toBe(key);
  });

  it("tokens made with the raw secret do not verify against the derived key", () => {
    const w = windowIndex(now.getTime());
    expect(verifyCheckinToken(checkinKey(SECRET), 5, checkinToken(SECRET, 5, w), now.getTime())).toBe(false);
    expect(verifyCheckinToken(checkinKey(SECRET), 5, checkinToken(checkinKey(SECRET), 5, w), now.getTime())).toBe(true);
  });
});

describe("grace parameter of a scan made before logging in", () => {
  const key = checkinKey(SECRET);
  const token = checkinToken(key, 5, windowIndex(now.getTime()));
  const g = graceParam(key, 5, token, now);
  const later = (ms: number) => new Date(now.getTime() + ms);

  it("is valid for that session and token for 5 minutes", () => {
    expect(g).toMatch(/^\d{13}\.[A-Za-z0-9_-]{22}$/);
    expect(verifyGrace(key, 5, token, g, now)).toBe(true);
    expect(verifyGrace(key, 5, token, g, later(GRACE_MS - 1))).toBe(true);
    expect(verifyGrace(key, 5, token, g, later(GRACE_MS))).toBe(false);
  });

  it("is refused for another session, token or key, with a moved expiry, or malformed", () => {
    expect(verifyGrace(key, 6, token, g, now)).toBe(false);
    expect(verifyGrace(key, 5, checkinToken(key, 5, windowIndex(now.getTime()) + 1), g, now)).toBe(false);
    expect(verifyGrace(checkinKey("another-secret"), 5, token, g, now)).toBe(false);
    const [exp, sig] = g.split(".");
    expect(verifyGrace(key, 5, token, `${Number(exp) + 60_000}.${sig}`, now)).toBe(false);
    // A signed expiry further away than the grace period (made with a clock ahead) is refused too.
    expect(verifyGrace(key, 5, token, graceParam(key, 5, token, later(60_000)), now)).toBe(false);
    for (const bad of ["", "abc", `${exp}.`, `${exp}.${sig}x`, `${exp}`]) expect(verifyGrace(key, 5, token, bad, now)).toBe(false);
  });
});
