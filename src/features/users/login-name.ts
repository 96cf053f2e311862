/**
 * Logins for accounts the office creates (class accounts, a reset of someone without a login): short,
 * unaccented, easy to remember and to read off a slip. The rule is the one Vietnamese offices use for
 * mailboxes: the given name followed by the initials of the family and middle names, lower case, without
 * diacritics: "Nguyễn Thị Thu Hà" → "hantt". A taken login gets the smallest free number: "hantt2".
 * Not the CCCD (personal data, shown to admins only) nor the phone (often missing or shared).
 */
import { stripDiacritics } from "../../lib/vietnamese";

const ascii = (s: string | null | undefined): string[] =>
  stripDiacritics(s ?? "").toLowerCase().replace(/[^a-z0-9 ]/g, " ").split(/\s+/).filter(Boolean);

/** The login a person would get if nobody had it yet: at least 3 characters, [a-z0-9] only. */
export function loginBase(p: { ho: string; tenDem?: string | null; ten: string }): string {
  const given = ascii(p.ten).join("");
  const initials = [...ascii(p.ho), ...ascii(p.tenDem)].map((w) => w[0]).join("");
  const base = (given + initials).slice(0, 24);
  return base.length >= 3 ? base : `hv${base}`.padEnd(3, "x");
}

/** The first of base, base2, base3… that is not in `taken`; adds it to `taken`. */
export function pickLogin(base: string, taken: Set<string>): string {
  let login = base;
  for (let n = 2; taken.has(login); n++) login = `${base}${n}`;
  taken.add(login);
  return login;
}

/** A regular expression matching every login {@link pickLogin} could give for these bases. */
export function loginPattern(bases: string[]): string {
  return `^(${[...new Set(bases)].join("|")})[0-9]*$`;
}
