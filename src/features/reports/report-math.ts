/**
 * The report maths, part 1: pure functions from gathered rows (reports.gather.ts) to the report's facts
 * (who attended what, completed, certified; funding; person attributes). report-figures.ts counts them
 * into figures and lists the rows behind each figure (drill-down).
 *
 * Definitions (also printed in the report's annex, see reports.messages.ts `definitions`):
 * - Only non-cancelled sessions count, and only up to the as-of date (`input.to` is already capped).
 * - A course is HELD in the period when at least one of its sessions falls in it. Conferences
 *   (kind "conference") report under task 1, training classes (kind "training") under task 3.
 * - A person ATTENDS a session when marked P (có mặt) or L (đi muộn), or E (vắng có phép) when the
 *   course counts excused absence as present (its countExcused setting, as in the attendance rate).
 *   Only enrolled participants (enrollment status "enrolled") count.
 * - PARTICIPANT-TIMES (lượt người): pairs (course, person) where the person attended at least one
 *   session of the course in the period: a person counts once per course, however many sessions.
 * - UNIQUE PERSONS (số người): distinct persons among those pairs: a person counts once in the period
 *   however many courses they attended.
 * - PERSON-SESSIONS (lượt buổi): attended sessions in the period, summed over people.
 * - TRAINING DAYS: per class, the distinct dates of its sessions in the period, summed over classes;
 *   CALENDAR DAYS: distinct dates on which any class met.
 * - COMPLETED: pairs in training classes whose last session falls in the period and whose completion
 *   rule (evaluateCompletion: attendance over all scheduled sessions, required quiz, trainer approval) is met.
 * - CERTIFIED: pairs (training class, person) whose first certificate was issued in the period and whose
 *   latest certificate is valid now (a re-issue supersedes the old one and counts once; revoked ones
 *   do not count).
 * - FUNDING (task 4): funding lines of the courses whose first session falls in the period.
 * - Breakdowns use the person's current record; units are rolled up into today's units by following
 *   units.merged_into (and also shown as recorded).
 */
import { evaluateCompletion, type CompletionResult } from "../certificates/eligibility";
import { finalGrade, type GradingMethod } from "../quizzes/grading";
import { compareVi } from "../../lib/vietnamese";
import { reportsMessages as m } from "./reports.messages";
import { DIMENSIONS, type CourseRow, type Dimension, type FundingRow, type PersonRow, type ReportInput } from "./report-types";

export type Section = 1 | 3;

export interface PersonFact extends PersonRow {
  /** Attribute keys per dimension ("" = not recorded). */
  dims: Record<Dimension, string>;
  /** Their printable labels. */
  dimLabels: Record<Dimension, string>;
  /** The keys again, in DIMENSIONS order (the breakdown loop indexes them). */
  dimKeys: string[];
}

export interface CourseFact extends CourseRow {
  section: Section;
  held: boolean;
  ended: boolean;
}

export interface PairFact {
  course: CourseFact;
  person: PersonFact;
  attendedInPeriod: number;
  attendedTotal: number;
  firstAttended: string | null;
  /** Completion of a class that ended in the period (null otherwise). */
  completion: CompletionResult | null;
}

export interface CertFact {
  course: CourseFact;
  person: PersonFact;
  number: string;
  firstIssued: string;
  /** Whether the completion rule is met now (for the data-quality check). */
  completion: CompletionResult;
}

/** Facts derived once from the input; figures and drill-downs are both read from them. */
export interface Facts {
  from: string;
  to: string;
  courses: CourseFact[];
  pairs: PairFact[];
  certified: CertFact[];
  funding: (FundingRow & { course: CourseFact })[];
  persons: Map<number, PersonFact>;
  labels: Record<Dimension, Map<string, string>>;
  dimensionOrder: Record<Dimension, string[]>;
}

/** Follows merged_into to the unit in force today (cycles stop where they loop). */
export function rollUpUnits(units: { code: string; mergedInto: string | null }[]): Map<string, string> {
  const next = new Map(units.map((u) => [u.code, u.mergedInto]));
  const out = new Map<string, string>();
  for (const u of units) {
    let code = u.code;
    const seen = new Set([code]);
    for (let n = next.get(code); n && next.has(n) && !seen.has(n); n = next.get(code)) {
      code = n;
      seen.add(n);
    }
    out.set(u.code, code);
  }
  return out;
}

const inRange = (d: string | null, from: string, to: string) => d !== null && d >= from && d <= to;

function completionOf(course: CourseRow, attended: number, quiz: number[] | undefined, approved: boolean | undefined): CompletionResult {
  const quizRequired = course.quizId !== null;
  return evaluateCompletion({
    rule: {
      minAttendanceRate: course.minAttendanceRate,
      countExcused: course.countExcused,
      quizRequired,
      quizPassMark: course.quizPassMark ?? undefined,
      approvalRequired: course.approvalRequired,
    },
    attendance: { attended: Math.min(attended, course.scheduled), scheduled: course.scheduled },
    quizPercent: quizRequired ? finalGrade(quiz ?? [], (course.gradingMethod ?? "highest") as GradingMethod) : null,
    approved: approved ?? null,
  });
}

/** Derives the facts (sections, attendance, completion, certificates, dimensions) from gathered rows. */
export function buildFacts(input: ReportInput): Facts {
  const { from, to } = input;
  const roll = rollUpUnits(input.units);
  const unitName = new Map(input.units.map((u) => [u.code, u.name]));
  const catName = new Map(input.categories.map((c) => [String(c.id), c.name]));
  const ethName = new Map(input.ethnicities.map((e) => [e.code, e.name]));

  const labels: Record<Dimension, Map<string, string>> = {
    category: catName,
    unit: unitName,
    unitRecorded: unitName,
    gender: new Map(Object.entries(m.genders)),
    ethnicity: ethName,
  };
  const labelOf = (dim: Dimension, key: string) => (key === "" ? m.unknown : labels[dim].get(key) ?? key);
  const fact = (p: PersonRow): PersonFact => {
    const unitCode = p.unitCode ?? "";
    const dims: Record<Dimension, string> = {
      category: p.categoryId == null ? "" : String(p.categoryId),
      unit: unitCode ? roll.get(unitCode) ?? unitCode : "",
      unitRecorded: unitCode,
      gender: p.gender ?? "",
      ethnicity: p.ethnicityCode ?? "",
    };
    const dimLabels: Record<Dimension, string> = {
      category: labelOf("category", dims.category), unit: labelOf("unit", dims.unit), unitRecorded: labelOf("unitRecorded", dims.unitRecorded),
      gender: labelOf("gender", dims.gender), ethnicity: labelOf("ethnicity", dims.ethnicity),
    };
    return { ...p, dims, dimLabels, dimKeys: DIMENSIONS.map((d) => dims[d]) };
  };
  const persons = new Map(input.persons.map((p) => [p.id, fact(p)]));
  const personOf = (id: number): PersonFact =>
    persons.get(id) ?? fact({ id, fullName: `#${id}`, ho: "", tenDem: "", ten: `#${id}`, dateOfBirth: null, gender: null, ethnicityCode: null, unitCode: null, categoryId: null, position: null, cccd: null });

  const courses = input.courses.map<CourseFact>((c) => ({
    ...c,
    section: c.kind === "conference" ? 1 : 3,
    held: c.sessionsInPeriod > 0,
    ended: c.kind === "training" && c.sessionsInPeriod > 0 && inRange(c.lastDate, from, to),
  }));
  const courseById = new Map(courses.map((c) => [c.id, c]));
  const quiz = new Map(input.quiz.map((q) => [`${q.courseId}:${q.userId}`, q.percents]));
  const approvals = new Map(input.approvals.map((a) => [`${a.courseId}:${a.userId}`, a.approved]));
  const attendedTotal = new Map(input.pairs.map((p) => [`${p.courseId}:${p.userId}`, p.attendedTotal]));

  // Pairs of one course mostly share their inputs (attended k of n sessions): evaluate each case once.
  const cache = new Map<string, CompletionResult>();
  const completion = (course: CourseRow, attended: number, key: string) => {
    const q = quiz.get(key);
    const a = approvals.get(key);
    const cacheKey = `${course.id}|${attended}|${q?.join(",") ?? ""}|${a ?? ""}`;
    let result = cache.get(cacheKey);
    if (!result) cache.set(cacheKey, (result = completionOf(course, attended, q, a)));
    return result;
  };
  const pairs: PairFact[] = [];
  for (const p of input.pairs) {
    const course = courseById.get(p.courseId);
    if (!course || !course.held) continue;
    pairs.push({
      course, person: personOf(p.userId), attendedInPeriod: p.attendedInPeriod, attendedTotal: p.attendedTotal, firstAttended: p.firstAttended,
      completion: course.ended ? completion(course, p.attendedTotal, `${p.courseId}:${p.userId}`) : null,
    });
  }

  const certified: CertFact[] = [];
  for (const c of input.certificates) {
    const course = courseById.get(c.courseId);
    if (!course || course.kind !== "training" || !c.current || !inRange(c.firstIssued, from, to)) continue;
    const key = `${c.courseId}:${c.userId}`;
    certified.push({ course, person: personOf(c.userId), number: c.number, firstIssued: c.firstIssued, completion: completion(course, attendedTotal.get(key) ?? 0, key) });
  }

  const funding = input.funding.flatMap((f) => {
    const course = courseById.get(f.courseId);
    return course && course.held && inRange(course.firstDate, from, to) ? [{ ...f, course }] : [];
  });

  const dimensionOrder: Record<Dimension, string[]> = {
    category: input.categories.filter((c) => c.active).sort((a, b) => a.sortOrder - b.sortOrder || compareVi(a.name, b.name)).map((c) => String(c.id)),
    unit: [],
    unitRecorded: [],
    gender: Object.keys(m.genders),
    ethnicity: [],
  };
  return { from, to, courses, pairs, certified, funding, persons, labels, dimensionOrder };
}
