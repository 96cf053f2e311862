/**
 * Shapes shared by the report maths, the SQL that gathers its rows, the exports and the frozen snapshots.
 * Figures and narratives are stored as JSON in frozen versions: change them only by adding optional fields.
 */

/** A reporting period: calendar dates, both ends included. */
export interface Period {
  from: string;
  to: string;
  kind: "year" | "half" | "quarter" | "range";
  /** year, half (1–2) or quarter (1–4) for the named kinds. */
  year?: number;
  part?: number;
}

/** One course of the plan with its session statistics (only non-cancelled sessions count). */
export interface CourseRow {
  id: number;
  kind: "training" | "conference";
  title: string;
  taskNumber: number | null;
  countExcused: boolean;
  minAttendanceRate: number;
  /** Pass mark of the required quiz; null when the course requires none. */
  quizPassMark: number | null;
  quizId: number | null;
  gradingMethod: string | null;
  approvalRequired: boolean;
  /** All non-cancelled sessions of the course, in or out of the period. */
  scheduled: number;
  sessionsInPeriod: number;
  /** Distinct dates of the non-cancelled sessions inside the period, sorted. */
  datesInPeriod: string[];
  firstDate: string;
  lastDate: string;
  /** False when a session (the last day's) has not started by the cut-off: the course has not ended yet. */
  lastHeld?: boolean;
}

/** One enrolled person in one course, with attended sessions (P, L, and E when the course counts it). */
export interface PairRow {
  courseId: number;
  userId: number;
  attendedInPeriod: number;
  attendedTotal: number;
  /** Date of the first attended session inside the period, or null. */
  firstAttended: string | null;
}

export interface PersonRow {
  id: number;
  fullName: string;
  ho: string;
  tenDem: string;
  ten: string;
  dateOfBirth: string | null;
  gender: string | null;
  ethnicityCode: string | null;
  unitCode: string | null;
  categoryId: number | null;
  position: string | null;
  cccd: string | null;
}

/** A person's certificates for one course, grouped: the first issue date and whether one is valid now. */
export interface CertificateRow {
  courseId: number;
  userId: number;
  /** Vietnamese calendar date of the first certificate issued for this course and person. */
  firstIssued: string;
  /** True when the latest certificate is valid (a re-issue supersedes; a revocation ends it). */
  current: boolean;
  number: string;
}

export interface FundingRow {
  id: number;
  courseId: number;
  source: string;
  amount: number;
  note: string | null;
}

export interface QuizRow {
  courseId: number;
  userId: number;
  /** Percents of finished attempts in attempt order. */
  percents: number[];
}

export interface ApprovalRow {
  courseId: number;
  userId: number;
  approved: boolean;
}

export interface UnitRow {
  code: string;
  name: string;
  mergedInto: string | null;
}

/** Everything the report maths needs, gathered by reports.gather.ts. */
export interface ReportInput {
  /** Period with `to` already capped at the as-of date (nothing after it is counted). */
  from: string;
  to: string;
  courses: CourseRow[];
  pairs: PairRow[];
  persons: PersonRow[];
  certificates: CertificateRow[];
  funding: FundingRow[];
  quiz: QuizRow[];
  approvals: ApprovalRow[];
  units: UnitRow[];
  /** Every category; inactive ones only show in breakdowns when someone has them. */
  categories: { id: number; name: string; sortOrder: number; active: boolean }[];
  ethnicities: { code: string; name: string }[];
}

/** Participant measures broken down by person attributes. */
export const MEASURES = ["t1Times", "t1Persons", "t3Times", "t3Persons", "completed", "certified"] as const;
export type Measure = (typeof MEASURES)[number];
export const DIMENSIONS = ["category", "unit", "unitRecorded", "gender", "ethnicity"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface BreakdownRow {
  /** Attribute value ("" = not recorded). */
  key: string;
  label: string;
  values: Record<Measure, number>;
}

export interface Breakdown {
  rows: BreakdownRow[];
  total: Record<Measure, number>;
}

/** The report's figures: what a frozen version stores and every export prints. */
export interface ReportFigures {
  from: string;
  to: string;
  /** Sessions after this date were not counted (the report date for live reports). */
  asOf: string;
  task1: { conferences: number; sessions: number; participantTimes: number; uniquePersons: number; personSessions: number };
  task3: {
    classes: number;
    sessions: number;
    trainingDays: number;
    calendarDays: number;
    participantTimes: number;
    uniquePersons: number;
    personSessions: number;
    classesEnded: number;
    enrolledInEnded: number;
    completed: number;
    certified: number;
  };
  overall: { participantTimes: number; uniquePersons: number };
  task4: { total: number; courses: number; bySource: Record<string, number> };
  breakdowns: Record<Dimension, Breakdown>;
  /** Participant-times (tasks 1 and 3) per month (yyyy-mm) of the first attended session; used by the dashboard. */
  months: { key: string; t1Times: number; t3Times: number }[];
  /** Plan title and tasks as printed (set on the report of a plan; kept in frozen versions). */
  plan?: PlanInfo;
}

/** What the administrator types: number line, task 2 figures and narrative sections. */
export interface ReportNarrative {
  documentNumber: string;
  /** Signing date (yyyy-mm-dd); empty = the freeze date, or a blank date line on drafts. */
  reportDate: string;
  radioProgrammes: number | null;
  radioNote: string;
  results: string;
  limitations: string;
  directions: string;
  recommendations: string;
}

export const EMPTY_NARRATIVE: ReportNarrative = {
  documentNumber: "", reportDate: "", radioProgrammes: null, radioNote: "", results: "", limitations: "", directions: "", recommendations: "",
};

/** Plan title and task titles as printed (kept in frozen figures so a renamed plan never changes them). */
export interface PlanInfo {
  id: number;
  title: string;
  number: string | null;
  tasks: { number: number; title: string }[];
}

/** Organisation snapshot printed on the report (see settings.service orgSettingsOn). */
export interface OrgInfo {
  managingBody: string;
  issuingBody: string;
  placeName: string;
  signerPrefix: string;
  signerTitle: string;
  signerName: string;
  reportRecipients: string;
}

/** Everything a DOCX or XLSX is generated from: live for drafts, the stored snapshot for frozen versions. */
export interface ReportDocumentData {
  plan: PlanInfo;
  period: Period;
  figures: ReportFigures;
  narrative: ReportNarrative;
  org: OrgInfo;
  /** Frozen versions: version number, time and hash; drafts: null. */
  frozen: { version: number; frozenAt: string; sha256: string } | null;
  /** Time written into the document's metadata and zip entries. */
  documentTime: string;
}
