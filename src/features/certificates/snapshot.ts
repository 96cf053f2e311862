/**
 * The certificate snapshot: everything a certificate prints, frozen on the issue date, and the one
 * mapping from a snapshot to the PDF renderer's input. Reprints, bulk prints and the register read
 * only snapshots, so later edits (a renamed unit, a new signer, new printer offsets) never change an
 * issued certificate. Pure: no I/O.
 */
import { courseLabel, periodText, type CertificateData } from "../../lib/pdf";
import { todayIso } from "../../lib/time";
import { birthKnown, formatDate, formatPercent, nfc } from "../../lib/vietnamese";
import { certificatesMessages as m } from "./certificates.messages";

/**
 * Snapshot layout version, stored so a later layout can still read old rows. 2 (12/2026): the course
 * line names the kind once and a one-day course prints one date; schema 1 rows keep the first wording,
 * so their reprints still match the SHA-256 stored at issue.
 */
export const SNAPSHOT_SCHEMA = 2;

/** What is stored in certificates.snapshot. */
export interface CertificateSnapshot {
  schema: 1 | typeof SNAPSHOT_SCHEMA;
  /** Register number as printed ("015/GCN-VHTT") and the number line ("Số: 015/GCN-VHTT"). */
  number: string;
  numberLine: string;
  year: number;
  series: string;
  seq: number;
  /** ISO issue date (Vietnam calendar day). */
  issueDate: string;
  /** Absolute public verification URL encoded in the QR code. */
  verifyUrl: string;
  person: {
    fullName: string;
    ho: string;
    tenDem: string;
    ten: string;
    /** "Ông", "Bà" or "Ông/Bà" (gender unknown). */
    honorific: string;
    /** ISO date of birth; "" when only the year is known (then `birthYear` is set). */
    dateOfBirth: string;
    /** Set only when the full date is unknown: printed "Sinh năm 1978" (absent in older snapshots). */
    birthYear?: number;
    gender: string | null;
    ethnicity: string | null;
    unit: string;
    position: string | null;
  };
  course: { id: number; title: string; startDate: string; endDate: string; venue: string };
  /** Printed result, e.g. "Đạt" or "Đạt (bài kiểm tra 85%)". */
  result: string;
  /** The completion explanation at issue time ("Dự 12/12 buổi (100% ≥ 80%) → đạt"). */
  completion: string;
  org: {
    managingBody: string;
    issuingBody: string;
    place: string;
    signerPrefix: string;
    signerTitle: string;
    signerName: string;
    /** valid_from of the org_settings version used. */
    validFrom: string;
  };
  print: { offsetXmm: number; offsetYmm: number; border: boolean; sealSha256: string | null };
  /** Set on a re-issue: the certificate it replaces and why. */
  replaces?: { number: string; reason: string };
}

/** Inputs of {@link buildSnapshot}: rows as loaded by the issuing service. */
export interface SnapshotInput {
  number: string;
  year: number;
  series: string;
  seq: number;
  issueDate: string;
  verifyUrl: string;
  person: {
    fullName: string;
    ho: string;
    tenDem: string | null;
    ten: string;
    dateOfBirth: string | null;
    birthYear?: number | null;
    gender: string | null;
    ethnicity: string | null;
    unit: string | null;
    position: string | null;
  };
  course: { id: number; title: string; venue: string | null };
  /** Non-cancelled sessions (dates and venues). */
  sessions: { date: string; venue: string | null }[];
  result: string;
  completion: string;
  org: { managingBody: string; issuingBody: string; placeName: string; signerPrefix: string; signerTitle: string; signerName: string; validFrom: string };
  print: { offsetXmm: number; offsetYmm: number; border: boolean; sealSha256: string | null };
  replaces?: { number: string; reason: string };
}

/** Roster order (DOMAIN.md), shared by every list of people: see lib/roster-order.ts. */
export { rosterOrder, type RosterKey } from "../../lib/roster-order";

/** dd/mm/yyyy of a moment as a calendar day in Vietnam (revocation, re-issue), whatever the server's time zone. */
export const vnDay = (d: Date | null | undefined): string => (d ? formatDate(todayIso(d)) : "");

/** "Số: 015/GCN-VHTT", unless the pattern already prints its own label ("Số vào sổ: 015/2026"). */
export function numberLine(number: string): string {
  return /^số[\s:]/iu.test(nfc(number).trim()) ? nfc(number) : `${m.numberPrefix}${nfc(number)}`;
}

/** "Ông" for Nam, "Bà" for Nữ, "Ông/Bà" when unknown. */
export function honorificFor(gender: string | null | undefined): string {
  return (gender && m.honorific[gender]) || "Ông/Bà";
}

/** Printed result: "Đạt", with the quiz percent when a quiz was required. */
export function resultText(quizPercent: number | null): string {
  return quizPercent === null ? m.resultPassed : m.resultWithQuiz(formatPercent(quizPercent / 100));
}

/**
 * Builds the snapshot. Course dates are the first and last non-cancelled session; the venue is the
 * course's, else the first session's. Text is NFC.
 * @throws Error when there is no session (no dates to print) or neither a date nor a year of birth.
 */
export function buildSnapshot(input: SnapshotInput): CertificateSnapshot {
  const sessions = [...input.sessions].sort((a, b) => a.date.localeCompare(b.date));
  if (!sessions.length) throw new Error("a certificate needs at least one scheduled session");
  if (!birthKnown(input.person)) throw new Error("a certificate needs a date or year of birth");
  const dates = sessions.map((s) => s.date);
  const venue = input.course.venue || sessions.find((s) => s.venue)?.venue || "";
  const p = input.person;
  return {
    schema: SNAPSHOT_SCHEMA,
    number: nfc(input.number),
    numberLine: numberLine(input.number),
    year: input.year,
    series: input.series,
    seq: input.seq,
    issueDate: input.issueDate,
    verifyUrl: input.verifyUrl,
    person: {
      fullName: nfc(p.fullName),
      ho: nfc(p.ho),
      tenDem: nfc(p.tenDem ?? ""),
      ten: nfc(p.ten),
      honorific: honorificFor(p.gender),
      dateOfBirth: p.dateOfBirth ?? "",
      // Only a year-only birth adds the field, so a full-date snapshot is as before.
      ...(!p.dateOfBirth && p.birthYear ? { birthYear: p.birthYear } : {}),
      gender: p.gender,
      ethnicity: p.ethnicity,
      unit: nfc(p.unit ?? ""),
      position: p.position,
    },
    course: { id: input.course.id, title: nfc(input.course.title), startDate: dates[0], endDate: dates[dates.length - 1], venue: nfc(venue) },
    result: input.result,
    completion: input.completion,
    org: {
      managingBody: input.org.managingBody,
      issuingBody: input.org.issuingBody,
      place: input.org.placeName,
      signerPrefix: input.org.signerPrefix,
      signerTitle: input.org.signerTitle,
      signerName: input.org.signerName,
      validFrom: input.org.validFrom,
    },
    print: { ...input.print },
    ...(input.replaces ? { replaces: input.replaces } : {}),
  };
}

/**
 * The renderer's input from a snapshot and the seal image it names. Nothing else goes in, so the same
 * snapshot always renders the same bytes. `offsets` overrides the snapshot's printer offsets (printing
 * already issued certificates on a re-adjusted printer); the stored hash is of the as-issued PDF.
 */
export function toCertificateData(s: CertificateSnapshot, sealPng?: Uint8Array, offsets?: { xMm: number; yMm: number }): CertificateData {
  return {
    managingBody: s.org.managingBody || undefined,
    issuingBody: s.org.issuingBody,
    honorific: s.person.honorific,
    fullName: s.person.fullName,
    dateOfBirth: s.person.dateOfBirth,
    ...(!s.person.dateOfBirth && s.person.birthYear ? { birthYear: s.person.birthYear } : {}),
    unit: s.person.unit,
    courseTitle: s.course.title,
    ...(s.schema >= 2 ? { courseLabel: courseLabel(s.course.title), period: periodText(s.course.startDate, s.course.endDate) } : {}),
    startDate: s.course.startDate,
    endDate: s.course.endDate,
    venue: s.course.venue,
    result: s.result || undefined,
    place: s.org.place,
    issueDate: s.issueDate,
    signerPrefix: s.org.signerPrefix || undefined,
    signerTitle: s.org.signerTitle,
    signerName: s.org.signerName,
    numberLine: s.numberLine,
    verifyUrl: s.verifyUrl,
    sealPng,
    offsets: offsets ?? { xMm: s.print.offsetXmm, yMm: s.print.offsetYmm },
    withBorder: s.print.border,
  };
}
