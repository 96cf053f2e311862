/**
 * Certificate register numbers ("Số: 015/GCN-VHTT", "Số vào sổ: 015/2026") from an
 * administrator-editable pattern, and the public verification token, which is kept separate
 * from the human number because register numbers are sequential and therefore guessable.
 */
import { randomBytes } from "node:crypto";

/** Values substituted into a numbering pattern. */
export interface NumberParts {
  /** Position in the year's register, from 1. */
  seq: number;
  year: number;
  /** Series code such as "GCN-VHTT"; required only when the pattern uses {series}. */
  series?: string;
}

const DEFAULT_SEQ_WIDTH = 3;
const MAX_SEQ_WIDTH = 9;
const MAX_PATTERN_LENGTH = 100;
// Any {...} group; validated separately so an unknown name gets a precise message.
const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN = /^(?:seq(?::(\d+))?|year|series)$/;

/**
 * Checks an administrator's numbering pattern.
 * @returns null when usable, otherwise a Vietnamese message for the settings form.
 */
export function validatePattern(pattern: string): string | null {
  const p = pattern.normalize("NFC");
  if (p.trim() === "") return "Mẫu số hiệu không được để trống.";
  if (p.length > MAX_PATTERN_LENGTH) return `Mẫu số hiệu không được dài quá ${MAX_PATTERN_LENGTH} ký tự.`;
  // The number prints on one line of the certificate.
  if (/[\u0000-\u001f\u007f]/.test(p)) return "Mẫu số hiệu không được chứa ký tự xuống dòng hoặc ký tự điều khiển.";
  for (const [whole, inner] of p.matchAll(PLACEHOLDER)) {
    const m = KNOWN.exec(inner);
    if (!m) return `Mẫu số hiệu có chỗ điền không hợp lệ: ${whole}. Chỉ dùng {seq}, {seq:4}, {year}, {series}.`;
    const width = m[1] === undefined ? DEFAULT_SEQ_WIDTH : Number(m[1]);
    if (width < 1 || width > MAX_SEQ_WIDTH) return `Độ rộng của số thứ tự trong ${whole} phải từ 1 đến ${MAX_SEQ_WIDTH}.`;
  }
  if (/[{}]/.test(p.replace(PLACEHOLDER, ""))) return "Mẫu số hiệu có dấu ngoặc nhọn { } không khớp.";
  if (![...p.matchAll(PLACEHOLDER)].some(([, inner]) => inner.startsWith("seq"))) {
    return "Mẫu số hiệu phải có {seq} (số thứ tự trong sổ).";
  }
  return null;
}

/**
 * Formats a certificate number: {seq} zero-padded to 3 (or {seq:N} to N; longer numbers are
 * never cut), {year}, {series}. Example: ("{seq}/GCN-VHTT", { seq: 15, year: 2026 }) → "015/GCN-VHTT".
 * @throws Error with the validation message when the pattern is invalid, when seq is not a
 * positive integer or year not a 4-digit year, or when {series} is used without a series.
 */
export function formatCertificateNumber(pattern: string, parts: NumberParts): string {
  const problem = validatePattern(pattern);
  if (problem) throw new Error(problem);
  if (!Number.isSafeInteger(parts.seq) || parts.seq < 1) throw new RangeError("seq must be a positive integer");
  if (!Number.isInteger(parts.year) || parts.year < 1000 || parts.year > 9999) throw new RangeError("year must have 4 digits");
  return pattern.normalize("NFC").replace(PLACEHOLDER, (_whole, inner: string) => {
    if (inner === "year") return String(parts.year);
    if (inner === "series") {
      // An empty series would print a wrong number on a legal document: refuse instead.
      if (!parts.series?.trim()) throw new Error("Mẫu số hiệu dùng {series} nhưng chưa có ký hiệu sổ.");
      return parts.series.trim().normalize("NFC");
    }
    const width = Number(KNOWN.exec(inner)?.[1] ?? DEFAULT_SEQ_WIDTH);
    return String(parts.seq).padStart(width, "0");
  });
}

/**
 * Random token for the public verification URL: 128 bits from the CSPRNG, base64url (22 characters).
 * Open edX uses a uuid4 (122 bits); Moodle's customcert 10 characters (~60 bits).
 */
export function newVerificationToken(): string {
  return randomBytes(16).toString("base64url");
}
