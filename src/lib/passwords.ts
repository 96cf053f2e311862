import crypto from "node:crypto";
import { hash, verify, Algorithm } from "@node-rs/argon2";

/**
 * The cost of a new hash: @node-rs/argon2's defaults (argon2id, 19 MiB, 2 passes: OWASP's recommendation).
 * Inside Jest (its workers, and the servers they start, have JEST_WORKER_ID) a cheap one: hashing was a
 * large share of many tests' time and what they test is not the cost. No production process has that
 * variable; test/unit/passwords.test.ts checks that a process without it hashes with the defaults.
 * Verifying reads the cost from the hash itself, so hashes of either kind verify anywhere.
 */
export const HASH_COST = process.env.JEST_WORKER_ID ? { memoryCost: 256, timeCost: 1 } : {};

/** argon2id hash of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize("NFC"), { algorithm: Algorithm.Argon2id, ...HASH_COST });
}

// A hash of a random password, made once: what an account without a password is checked against.
let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches `hashed`; false (never throws) for a malformed hash. Without a hash (no
 * such account, or no password) the password is still verified, against a dummy hash, so the answer takes
 * as long either way and its timing does not tell which accounts exist.
 */
export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) {
    await verify(await (dummyHash ??= hashPassword(randomPassword(24))), password.normalize("NFC")).catch(() => false);
    return false;
  }
  try {
    return await verify(hashed, password.normalize("NFC"));
  } catch {
    return false;
  }
}

/** A random password people can type: 14 characters without look-alikes (0/O, 1/l/I). */
export function randomPassword(length = 14): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** Letters and digits nobody misreads on paper: no 0/o/O, 1/l/I/i, and lower case only. */
const READABLE = "abcdefghjkmnpqrstuvwxyz23456789";

/**
 * A one-time password for an account slip: 10 characters of {@link READABLE} (~49 bits), easy to read
 * and type on a phone. It only has to survive until the first login, which forces a new password, and
 * guessing is throttled per login (auth.service).
 */
export function oneTimePassword(length = 10): string {
  return Array.from({ length }, () => READABLE[crypto.randomInt(READABLE.length)]).join("");
}
