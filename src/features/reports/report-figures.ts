/**
 * Figures and drill-downs from the report's facts (report-facts.ts). Every figure equals the size (or
 * sum) of its drill-down list — the unit tests check each one — so a figure and the rows behind it never
 * disagree. Pure.
 */
import { compareVi, viCollator } from "../../lib/vietnamese";
import { reportsMessages as m } from "./reports.messages";
import type { CourseFact, Facts, PairFact, PersonFact, Section, CertFact } from "./report-facts";
import { DIMENSIONS, MEASURES, type Breakdown, type BreakdownRow, type Dimension, type FundingRow, type Measure, type ReportFigures } from "./report-types";

/** The sets behind figures; `people` figures take person filters (dimension = key). */
export const FIGURES = [
  "t1.conferences", "t1.sessions", "t1.participantTimes", "t1.uniquePersons", "t1.personSessions",
  "t3.classes", "t3.sessions", "t3.trainingDays", "t3.calendarDays", "t3.participantTimes", "t3.uniquePersons", "t3.personSessions",
  "t3.classesEnded", "t3.enrolledInEnded", "t3.completed", "t3.certified",
  "overall.participantTimes", "overall.uniquePersons",
  "t4.total", "t4.state", "t4.business", "t4.social", "t4.other",
] as const;
export type Figure = (typeof FIGURES)[number];

/** Which figure each breakdown measure drills into. */
export const MEASURE_FIGURE: Record<Measure, Figure> = {
  t1Times: "t1.participantTimes", t1Persons: "t1.uniquePersons", t3Times: "t3.participantTimes", t3Persons: "t3.uniquePersons",
  completed: "t3.completed", certified: "t3.certified",
};

export interface PersonFilter {
  dim: Dimension;
  key: string;
}

export type DrillResult =
  | { kind: "courses"; measure: "courses" | "sessions" | "days"; rows: CourseFact[] }
  | { kind: "pairs"; measure: "times" | "sessions"; rows: PairFact[] }
  | { kind: "persons"; rows: { person: PersonFact; courses: CourseFact[] }[] }
  | { kind: "certificates"; rows: CertFact[] }
  | { kind: "calendar"; rows: { date: string; courses: CourseFact[] }[] }
  | { kind: "funding"; rows: (FundingRow & { course: CourseFact })[] };

const attendedPairs = (f: Facts, section: Section | null, filter?: PersonFilter) =>
  f.pairs.filter((p) => p.attendedInPeriod > 0 && (section === null || p.course.section === section) && (!filter || p.person.dims[filter.dim] === filter.key));

function distinctPersons(pairs: PairFact[]): { person: PersonFact; courses: CourseFact[] }[] {
  const byPerson = new Map<number, { person: PersonFact; courses: CourseFact[] }>();
  for (const p of pairs) {
    const entry = byPerson.get(p.person.id) ?? { person: p.person, courses: [] };
    entry.courses.push(p.course);
    byPerson.set(p.person.id, entry);
  }
  return [...byPerson.values()];
}

/** Roster order (tên, tên đệm, họ) with one precomputed key per person: lists can have 10,000 rows. */
function byName<T extends { person: PersonFact; course?: CourseFact }>(rows: T[]): T[] {
  const keys = new Map<number, string>();
  const key = (p: PersonFact) => keys.get(p.id) ?? keys.set(p.id, `${p.ten} ${p.tenDem} ${p.ho}`.normalize("NFC")).get(p.id)!;
  return [...rows].sort((a, b) => viCollator.compare(key(a.person), key(b.person)) || a.person.id - b.person.id || (a.course?.id ?? 0) - (b.course?.id ?? 0));
}

const byDate = (rows: CourseFact[]) => [...rows].sort((a, b) => (a.firstDate < b.firstDate ? -1 : a.firstDate > b.firstDate ? 1 : a.id - b.id));

/** The rows behind one figure (optionally restricted to people with one attribute value), people in roster order, courses by date. */
export function drill(f: Facts, figure: Figure, filter?: PersonFilter): DrillResult {
  const r = drillUnsorted(f, figure, filter);
  switch (r.kind) {
    case "courses": return { ...r, rows: byDate(r.rows) };
    case "pairs": return { ...r, rows: byName(r.rows) };
    case "persons": return { ...r, rows: byName(r.rows) };
    case "certificates": return { ...r, rows: byName(r.rows) };
    default: return r;
  }
}

function drillUnsorted(f: Facts, figure: Figure, filter?: PersonFilter): DrillResult {
  const held = (s: Section) => f.courses.filter((c) => c.held && c.section === s);
  const byFilter = <T extends { person: PersonFact }>(rows: T[]) => (filter ? rows.filter((r) => r.person.dims[filter.dim] === filter.key) : rows);
  switch (figure) {
    case "t1.conferences": return { kind: "courses", measure: "courses", rows: held(1) };
    case "t1.sessions": return { kind: "courses", measure: "sessions", rows: held(1) };
    case "t3.classes": return { kind: "courses", measure: "courses", rows: held(3) };
    case "t3.sessions": return { kind: "courses", measure: "sessions", rows: held(3) };
    case "t3.trainingDays": return { kind: "courses", measure: "days", rows: held(3) };
    case "t3.classesEnded": return { kind: "courses", measure: "courses", rows: f.courses.filter((c) => c.ended) };
    case "t3.calendarDays": {
      const byDate = new Map<string, CourseFact[]>();
      for (const c of held(3)) for (const d of c.datesInPeriod) byDate.set(d, [...(byDate.get(d) ?? []), c]);
      return { kind: "calendar", rows: [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, courses]) => ({ date, courses })) };
    }
    case "t1.participantTimes": return { kind: "pairs", measure: "times", rows: attendedPairs(f, 1, filter) };
    case "t1.personSessions": return { kind: "pairs", measure: "sessions", rows: attendedPairs(f, 1, filter) };
    case "t3.participantTimes": return { kind: "pairs", measure: "times", rows: attendedPairs(f, 3, filter) };
    case "t3.personSessions": return { kind: "pairs", measure: "sessions", rows: attendedPairs(f, 3, filter) };
    case "overall.participantTimes": return { kind: "pairs", measure: "times", rows: attendedPairs(f, null, filter) };
    case "t1.uniquePersons": return { kind: "persons", rows: distinctPersons(attendedPairs(f, 1, filter)) };
    case "t3.uniquePersons": return { kind: "persons", rows: distinctPersons(attendedPairs(f, 3, filter)) };
    case "overall.uniquePersons": return { kind: "persons", rows: distinctPersons(attendedPairs(f, null, filter)) };
    case "t3.enrolledInEnded": return { kind: "pairs", measure: "times", rows: byFilter(f.pairs.filter((p) => p.completion !== null)) };
    case "t3.completed": return { kind: "pairs", measure: "times", rows: byFilter(f.pairs.filter((p) => p.completion?.eligible)) };
    case "t3.certified": return { kind: "certificates", rows: byFilter(f.certified) };
    case "t4.total": return { kind: "funding", rows: f.funding };
    default: return { kind: "funding", rows: f.funding.filter((l) => `t4.${l.source}` === figure) };
  }
}

/** The number a drill-down set stands for. */
export function drillValue(r: DrillResult): number {
  switch (r.kind) {
    case "courses":
      return r.measure === "courses" ? r.rows.length : r.rows.reduce((a, c) => a + (r.measure === "sessions" ? c.sessionsInPeriod : c.datesInPeriod.length), 0);
    case "funding": return r.rows.reduce((a, l) => a + l.amount, 0);
    case "pairs": return r.measure === "sessions" ? r.rows.reduce((a, p) => a + p.attendedInPeriod, 0) : r.rows.length;
    default: return r.rows.length;
  }
}

/**
 * The five breakdowns in one pass over the pairs. Counters are arrays indexed like MEASURES (plain
 * arrays, not objects with computed keys: this loop runs for every pair of the year).
 */
function breakdowns(f: Facts): Record<Dimension, Breakdown> {
  const maps = DIMENSIONS.map(() => new Map<string, number[]>());
  const counter = (d: number, key: string) => {
    let v = maps[d].get(key);
    if (!v) maps[d].set(key, (v = MEASURES.map(() => 0)));
    return v;
  };
  // A person's five counters are looked up once, not once per pair and dimension (string keys).
  const slots = new Map<PersonFact, number[][]>();
  const countersOf = (person: PersonFact) => {
    let v = slots.get(person);
    if (!v) slots.set(person, (v = person.dimKeys.map((key, d) => counter(d, key))));
    return v;
  };
  const seen = { 1: new Set<number>(), 3: new Set<number>() };
  for (const p of f.pairs) {
    const attended = p.attendedInPeriod > 0;
    const eligible = p.completion?.eligible === true;
    if (!attended && !eligible) continue;
    const counters = countersOf(p.person);
    if (attended) {
      const section = p.course.section;
      const first = !seen[section].has(p.person.id);
      if (first) seen[section].add(p.person.id);
      const times = section === 1 ? 0 : 2; // t1Times or t3Times; the persons measure follows it
      for (const v of counters) {
        v[times]++;
        if (first) v[times + 1]++;
      }
    }
    if (eligible) for (const v of counters) v[4]++;
  }
  for (const c of f.certified) for (const v of countersOf(c.person)) v[5]++;

  const toRecord = (v: number[]) => Object.fromEntries(MEASURES.map((k, i) => [k, v[i]])) as Record<Measure, number>;
  return Object.fromEntries(DIMENSIONS.map((dim, d) => {
    for (const key of f.dimensionOrder[dim]) counter(d, key);
    const order = f.dimensionOrder[dim];
    const label = (key: string) => (key === "" ? m.unknown : f.labels[dim].get(key) ?? key);
    const rows: BreakdownRow[] = [...maps[d].entries()]
      .map(([key, v]) => ({ key, label: label(key), values: toRecord(v) }))
      .sort((a, b) => {
        if ((a.key === "") !== (b.key === "")) return a.key === "" ? 1 : -1; // "not recorded" last
        const [ia, ib] = [order.indexOf(a.key), order.indexOf(b.key)];
        if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
        // Two units may share a name (a former xã and the new one): the key decides, not the order rows were met in.
        const byKey = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
        return dim === "ethnicity" ? byKey : compareVi(a.label, b.label) || byKey;
      });
    const total = MEASURES.map(() => 0);
    for (const v of maps[d].values()) v.forEach((x, i) => (total[i] += x));
    return [dim, { rows, total: toRecord(total) }];
  })) as Record<Dimension, Breakdown>;
}

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, mo] = [+from.slice(0, 4), +from.slice(5, 7)];
  const end = to.slice(0, 7);
  for (let key = from.slice(0, 7); key <= end && out.length < 240; key = `${y}-${String(mo).padStart(2, "0")}`) {
    out.push(key);
    mo++;
    if (mo > 12) [y, mo] = [y + 1, 1];
  }
  return out;
}

/**
 * All figures of the report, from the facts, in one pass over courses and pairs (a year has ~10,000
 * pairs). They are the same numbers as the drill-down lists give (drillValue), which the unit tests check
 * figure by figure. `asOf` is recorded with them.
 */
export function computeFigures(f: Facts, asOf: string): ReportFigures {
  const task1 = { conferences: 0, sessions: 0, participantTimes: 0, uniquePersons: 0, personSessions: 0 };
  const task3 = { classes: 0, sessions: 0, trainingDays: 0, calendarDays: 0, participantTimes: 0, uniquePersons: 0, personSessions: 0, classesEnded: 0, enrolledInEnded: 0, completed: 0, certified: f.certified.length };
  const calendar = new Set<string>();
  for (const c of f.courses) {
    if (!c.held) continue;
    if (c.section === 1) {
      task1.conferences++;
      task1.sessions += c.sessionsInPeriod;
      continue;
    }
    task3.classes++;
    task3.sessions += c.sessionsInPeriod;
    task3.trainingDays += c.datesInPeriod.length;
    for (const d of c.datesInPeriod) calendar.add(d);
    if (c.ended) task3.classesEnded++;
  }
  task3.calendarDays = calendar.size;

  const months = monthsBetween(f.from, f.to).map((key) => ({ key, t1Times: 0, t3Times: 0 }));
  const monthIndex = new Map(months.map((x, i) => [x.key, i]));
  const people = { 1: new Set<number>(), 3: new Set<number>(), all: new Set<number>() };
  for (const p of f.pairs) {
    if (p.completion) {
      task3.enrolledInEnded++;
      if (p.completion.eligible) task3.completed++;
    }
    if (p.attendedInPeriod === 0) continue;
    const t = p.course.section === 1 ? task1 : task3;
    t.participantTimes++;
    t.personSessions += p.attendedInPeriod;
    people[p.course.section].add(p.person.id);
    people.all.add(p.person.id);
    const i = monthIndex.get(p.firstAttended?.slice(0, 7) ?? "");
    if (i !== undefined) months[i][p.course.section === 1 ? "t1Times" : "t3Times"]++;
  }
  task1.uniquePersons = people[1].size;
  task3.uniquePersons = people[3].size;

  const bySource: Record<string, number> = { state: 0, business: 0, social: 0, other: 0 };
  for (const l of f.funding) bySource[l.source] = (bySource[l.source] ?? 0) + l.amount;
  return {
    from: f.from,
    to: f.to,
    asOf,
    task1,
    task3,
    overall: { participantTimes: task1.participantTimes + task3.participantTimes, uniquePersons: people.all.size },
    task4: { total: f.funding.reduce((a, l) => a + l.amount, 0), courses: new Set(f.funding.map((l) => l.courseId)).size, bySource },
    breakdowns: breakdowns(f),
    months,
  };
}
