import { checkinKey } from "../../src/features/attendance/checkin.service";
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
