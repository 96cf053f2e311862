/**
 * Password strength: at least 10 characters, and not guessable by zxcvbn (common passwords, keyboard
 * patterns, dates, the person's own login and name, and Vietnamese words people choose first).
 */
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import { stripDiacritics } from "./vietnamese";

export const MIN_PASSWORD_LENGTH = 10;

// Words an office's users pick first, without tone marks (as typed in a password).
const LOCAL_WORDS = [
  "matkhau", "taphuan", "boiduong", "trieuson", "thanhhoa", "vietnam", "hanoi", "ubnd", "vanhoa", "thongtin",
  "doingoai", "chungnhan", "giaychungnhan", "hocvien", "giangvien", "quantri", "admin", "nguyen",
];

let zxcvbn: ZxcvbnFactory | undefined;
const checker = () =>
  (zxcvbn ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, taphuan: LOCAL_WORDS }, graphs: common.adjacencyGraphs }));

export type PasswordProblem = "tooShort" | "weak";

/**
 * Why `password` is not acceptable for a person known by `personal` (login, email, name parts), or null.
 * zxcvbn's score 3 ("safely unguessable: moderate protection from offline attack") is required.
 */
export function passwordProblem(password: string, personal: Array<string | null | undefined> = []): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return "tooShort";
  const inputs = personal
    .filter((s): s is string => !!s)
    .map((s) => stripDiacritics(s).toLowerCase())
    .flatMap((s) => [s, s.replace(/[\s@._+-]+/g, ""), ...s.split(/[\s@._+-]+/)])
    .filter((s) => s.length >= 3);
  const folded = stripDiacritics(password).toLowerCase();
  const score = Math.min(checker().check(password, inputs).score, checker().check(folded, inputs).score);
  return score >= 3 ? null : "weak";
}
