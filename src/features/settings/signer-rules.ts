/**
 * The signature block must match the issuing body (Nghị định 30/2020): a Phòng is signed by its
 * TRƯỞNG PHÒNG (or KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG), an Ủy ban nhân dân by its CHỦ TỊCH (KT. CHỦ
 * TỊCH / PHÓ CHỦ TỊCH, TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH). Other bodies (a Trung tâm, a Sở) are free, as
 * long as a "KT. X" prefix goes with a "PHÓ X" title. Pure.
 */
import { t } from "../../messages";

export type BodyKind = "phong" | "ubnd" | "other";

/** Upper case, one space, NFC, "Uỷ" spelt "Ủy", no full stop after KT/TM. */
function canon(s: string): string {
  return s.normalize("NFC").replace(/\s+/g, " ").trim().toLocaleUpperCase("vi").replace(/UỶ/g, "ỦY").replace(/^(KT|TM|TL|TUQ|Q)\s*\.?\s*/, "$1. ");
}

/** What kind of body an issuing body's name is. */
export function bodyKind(issuingBody: string): BodyKind {
  const name = canon(issuingBody);
  if (/^PHÒNG\b/.test(name)) return "phong";
  if (/^(ỦY BAN NHÂN DÂN|UBND)\b/.test(name)) return "ubnd";
  return "other";
}

/** The signer blocks that fit a Phòng and an Ủy ban nhân dân (prefix / title). */
export const SIGNER_CHOICES: Record<Exclude<BodyKind, "other">, { prefix: string; title: string }[]> = {
  phong: [
    { prefix: "", title: "TRƯỞNG PHÒNG" },
    { prefix: "KT. TRƯỞNG PHÒNG", title: "PHÓ TRƯỞNG PHÒNG" },
  ],
  ubnd: [
    { prefix: "KT. CHỦ TỊCH", title: "PHÓ CHỦ TỊCH" },
    { prefix: "TM. ỦY BAN NHÂN DÂN", title: "CHỦ TỊCH" },
    { prefix: "", title: "CHỦ TỊCH" },
  ],
};

const show = (prefix: string, title: string) => (prefix.trim() ? `${prefix.trim()} / ${title.trim()}` : title.trim());

/**
 * Checks the signer against the issuing body.
 * @returns null when they match, otherwise a Vietnamese message for the signer fields.
 */
export function signerProblem(o: { issuingBody: string; signerPrefix: string; signerTitle: string }): string | null {
  const kind = bodyKind(o.issuingBody);
  const prefix = canon(o.signerPrefix);
  const title = canon(o.signerTitle);
  if (kind !== "other") {
    if (SIGNER_CHOICES[kind].some((c) => c.prefix === prefix && c.title === title)) return null;
    const choices = SIGNER_CHOICES[kind].map((c) => show(c.prefix, c.title)).join("; ");
    return t.settings.signerMismatch(o.issuingBody.trim(), show(o.signerPrefix, o.signerTitle), choices);
  }
  const deputy = /^KT\. (.+)$/.exec(prefix);
  if (deputy && title !== `PHÓ ${deputy[1]}`) return t.settings.signerDeputy(show(o.signerPrefix, o.signerTitle), `PHÓ ${deputy[1]}`);
  return null;
}
