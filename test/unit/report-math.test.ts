import { computeFigures, drill, drillValue, FIGURES } from "../../src/features/reports/report-figures";
import { buildFacts, rollUpUnits } from "../../src/features/reports/report-facts";
import type { CourseRow, ReportInput } from "../../src/features/reports/report-types";
import { sumAttendance } from "../../src/features/reports/report-attendance";

const course = (over: Partial<CourseRow> & Pick<CourseRow, "id" | "kind">): CourseRow => ({
  title: `Khóa ${over.id}`, taskNumber: over.kind === "conference" ? 1 : 3, countExcused: false, minAttendanceRate: 0.8, quizPassMark: null, quizId: null, gradingMethod: null,
  approvalRequired: false, scheduled: 2, sessionsInPeriod: 2, datesInPeriod: ["2025-05-01", "2025-05-02"], firstDate: "2025-05-01", lastDate: "2025-05-02", ...over,
});
const person = (id: number, over: Partial<ReportInput["persons"][number]> = {}) => ({
  id, fullName: `Người ${id}`, ho: "Nguyễn", tenDem: "Văn", ten: `${id}`, dateOfBirth: "1980-01-01", gender: "Nam", ethnicityCode: "01", unitCode: "OLD-A", categoryId: 1, position: null, cccd: null, ...over,
});

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    from: "2025-01-01", to: "2025-12-31", courses: [], pairs: [], persons: [], certificates: [], funding: [], quiz: [], approvals: [],
    units: [
      { code: "OLD-A", name: "Xã A cũ", mergedInto: "MID" },
      { code: "MID", name: "Xã trung gian", mergedInto: "NEW" },
      { code: "NEW", name: "Xã Mới", mergedInto: null },
      { code: "LOOP1", name: "Vòng 1", mergedInto: "LOOP2" },
      { code: "LOOP2", name: "Vòng 2", mergedInto: "LOOP1" },
    ],
    categories: [{ id: 1, name: "Cán bộ cấp xã", sortOrder: 10, active: true }, { id: 2, name: "Khác", sortOrder: 20, active: true }, { id: 3, name: "Cũ", sortOrder: 5, active: false }],
    ethnicities: [{ code: "01", name: "Kinh" }],
    ...over,
  };
}

test("rollUpUnits follows merged_into chains to today's unit and stops on loops", () => {
  const r = rollUpUnits(input().units);
  expect(r.get("OLD-A")).toBe("NEW");
  expect(r.get("MID")).toBe("NEW");
  expect(r.get("NEW")).toBe("NEW");
  expect(["LOOP1", "LOOP2"]).toContain(r.get("LOOP1"));
});

test("participant-times count a person once per course; unique persons once overall; person-sessions every attended session", () => {
  const f = buildFacts(input({
    courses: [course({ id: 1, kind: "conference" }), course({ id: 2, kind: "conference", scheduled: 1, sessionsInPeriod: 1, datesInPeriod: ["2025-05-01"] }), course({ id: 3, kind: "training" })],
    pairs: [
      { courseId: 1, userId: 10, attendedInPeriod: 2, attendedTotal: 2, firstAttended: "2025-05-01" },
      { courseId: 2, userId: 10, attendedInPeriod: 1, attendedTotal: 1, firstAttended: "2025-05-01" },
      { courseId: 1, userId: 11, attendedInPeriod: 0, attendedTotal: 0, firstAttended: null }, // enrolled, never came
      { courseId: 3, userId: 10, attendedInPeriod: 2, attendedTotal: 2, firstAttended: "2025-05-01" },
    ],
    persons: [person(10), person(11)],
  }));
  const fig = computeFigures(f, "2026-01-01");
  expect(fig.task1).toEqual({ conferences: 2, sessions: 3, participantTimes: 2, uniquePersons: 1, personSessions: 3 });
  expect(fig.task3).toMatchObject({ classes: 1, participantTimes: 1, uniquePersons: 1, completed: 1, enrolledInEnded: 1 });
  expect(fig.overall).toEqual({ participantTimes: 3, uniquePersons: 1 });
  // The unit chain OLD-A → MID → NEW rolls up; as recorded it stays OLD-A.
  expect(fig.breakdowns.unit.rows.map((r) => [r.key, r.label, r.values.t1Times])).toEqual([["NEW", "Xã Mới", 2]]);
  expect(fig.breakdowns.unitRecorded.rows.map((r) => r.label)).toEqual(["Xã A cũ"]);
  // Active categories in their order, even at zero; the inactive one is not listed.
  expect(fig.breakdowns.category.rows.map((r) => r.label)).toEqual(["Cán bộ cấp xã", "Khác"]);
  expect(fig.months.find((x) => x.key === "2025-05")).toEqual({ key: "2025-05", t1Times: 2, t3Times: 1 });
  expect(fig.months).toHaveLength(12);
});

test("completion uses the course rule: attendance over all scheduled sessions, required quiz by grading method, approval", () => {
  const rule = { kind: "training" as const, scheduled: 4, sessionsInPeriod: 4, datesInPeriod: ["2025-05-01"], lastDate: "2025-05-01" };
  const f = buildFacts(input({
    courses: [
      course({ id: 1, ...rule, quizId: 7, quizPassMark: 70, gradingMethod: "last" }),
      course({ id: 2, ...rule, approvalRequired: true, minAttendanceRate: 0.5 }),
      // Ends after the as-of date (`to` is capped): not counted as completed yet.
      course({ id: 3, ...rule, lastDate: "2026-02-01" }),
    ],
    pairs: [
      { courseId: 1, userId: 1, attendedInPeriod: 4, attendedTotal: 4, firstAttended: "2025-05-01" },
      { courseId: 1, userId: 2, attendedInPeriod: 4, attendedTotal: 4, firstAttended: "2025-05-01" },
      { courseId: 1, userId: 3, attendedInPeriod: 3, attendedTotal: 3, firstAttended: "2025-05-01" },
      { courseId: 2, userId: 1, attendedInPeriod: 2, attendedTotal: 2, firstAttended: "2025-05-01" },
      { courseId: 2, userId: 2, attendedInPeriod: 2, attendedTotal: 2, firstAttended: "2025-05-01" },
      { courseId: 3, userId: 1, attendedInPeriod: 4, attendedTotal: 4, firstAttended: "2025-05-01" },
    ],
    quiz: [{ courseId: 1, userId: 1, percents: [90, 60] }, { courseId: 1, userId: 2, percents: [50, 80] }, { courseId: 1, userId: 3, percents: [100] }],
    approvals: [{ courseId: 2, userId: 1, approved: true }],
    persons: [person(1), person(2), person(3)],
  }));
  const completed = drill(f, "t3.completed");
  // Course 1: user 1's last attempt 60 < 70 fails, user 2's last 80 passes, user 3 attended 3/4 = 75 % < 80 %.
  // Course 2: user 1 approved, user 2 still waiting for the trainer. Lists come in roster (name) order.
  expect(completed.kind === "pairs" && completed.rows.map((p) => `${p.course.id}:${p.person.id}`)).toEqual(["2:1", "1:2"]);
  const ended = drill(f, "t3.enrolledInEnded");
  expect(drillValue(ended)).toBe(5);
  const waiting = f.pairs.find((p) => p.course.id === 2 && p.person.id === 2)!;
  expect(waiting.completion?.summary).toBe("Có mặt 2/4 buổi (50%, cần 50%); chờ giảng viên xác nhận → chưa đạt");
});

test("certificates count once per course and person, by first issue in the period, only while the latest is valid", () => {
  const f = buildFacts(input({
    courses: [course({ id: 1, kind: "training" }), course({ id: 2, kind: "conference" })],
    pairs: [{ courseId: 1, userId: 1, attendedInPeriod: 2, attendedTotal: 2, firstAttended: "2025-05-01" }],
    certificates: [
      { courseId: 1, userId: 1, firstIssued: "2025-05-03", current: true, number: "1" },
      { courseId: 1, userId: 2, firstIssued: "2025-05-03", current: false, number: "2" }, // revoked
      { courseId: 1, userId: 3, firstIssued: "2024-12-30", current: true, number: "3" }, // first issued last year
      { courseId: 2, userId: 1, firstIssued: "2025-05-03", current: true, number: "4" }, // conferences give no certificate
    ],
    persons: [person(1), person(2), person(3, { gender: null })],
  }));
  const fig = computeFigures(f, "2026-01-01");
  expect(fig.task3.certified).toBe(1);
  expect(f.certified.map((c) => [c.person.id, c.number, c.completion.eligible])).toEqual([[1, "1", true]]);
});

test("funding counts the courses whose first session is in the period, by source", () => {
  const f = buildFacts(input({
    courses: [course({ id: 1, kind: "training" }), course({ id: 2, kind: "conference", firstDate: "2024-12-20" })],
    funding: [
      { id: 1, courseId: 1, source: "state", amount: 1_000_000, note: null },
      { id: 2, courseId: 1, source: "business", amount: 250_000, note: null },
      { id: 3, courseId: 2, source: "state", amount: 9_000_000, note: null },
    ],
  }));
  const fig = computeFigures(f, "2026-01-01");
  expect(fig.task4).toEqual({ total: 1_250_000, courses: 1, bySource: { state: 1_000_000, business: 250_000, social: 0, other: 0 } });
  expect(drillValue(drill(f, "t4.business"))).toBe(250_000);
});

test("every figure equals the size (or sum) of its drill-down list", () => {
  const f = buildFacts(input({
    courses: [course({ id: 1, kind: "conference" }), course({ id: 2, kind: "training" }), course({ id: 3, kind: "training", datesInPeriod: ["2025-05-02", "2025-06-01"] })],
    pairs: [1, 2, 3].flatMap((c) => [1, 2, 3].map((u) => ({ courseId: c, userId: u, attendedInPeriod: (c + u) % 3, attendedTotal: (c + u) % 3, firstAttended: "2025-05-01" }))),
    persons: [person(1), person(2, { unitCode: "NEW" }), person(3, { unitCode: null })],
    funding: [{ id: 1, courseId: 2, source: "social", amount: 5, note: null }],
  }));
  const fig = computeFigures(f, "2026-01-01");
  const flat: Record<string, number> = {
    ...Object.fromEntries(Object.entries(fig.task1).map(([k, v]) => [`t1.${k}`, v])),
    ...Object.fromEntries(Object.entries(fig.task3).map(([k, v]) => [`t3.${k}`, v])),
    ...Object.fromEntries(Object.entries(fig.overall).map(([k, v]) => [`overall.${k}`, v])),
    "t4.total": fig.task4.total,
    ...Object.fromEntries(Object.entries(fig.task4.bySource).map(([k, v]) => [`t4.${k}`, v])),
  };
  for (const figure of FIGURES) expect([figure, drillValue(drill(f, figure))]).toEqual([figure, flat[figure]]);
  expect(fig.task3.calendarDays).toBe(3);
  for (const row of fig.breakdowns.unit.rows) {
    expect(drillValue(drill(f, "t1.participantTimes", { dim: "unit", key: row.key }))).toBe(row.values.t1Times);
    expect(drillValue(drill(f, "t3.uniquePersons", { dim: "unit", key: row.key }))).toBe(row.values.t3Persons);
  }
});

test("completion results are shared only between courses with the same rule", () => {
  const rule = { kind: "training" as const, scheduled: 4, sessionsInPeriod: 4, lastDate: "2025-05-02" };
  const f = buildFacts(input({
    courses: [course({ id: 1, ...rule, minAttendanceRate: 0.5 }), course({ id: 2, ...rule, minAttendanceRate: 0.8 }), course({ id: 3, ...rule, minAttendanceRate: 0.5 })],
    pairs: [1, 2, 3].map((c) => ({ courseId: c, userId: 1, attendedInPeriod: 3, attendedTotal: 3, firstAttended: "2025-05-01" })),
    persons: [person(1)],
  }));
  expect(f.pairs.map((p) => [p.course.id, p.completion?.eligible])).toEqual([[1, true], [2, false], [3, true]]);
});

test("breakdown rows with the same label (a former xã and the new one) are ordered by key", () => {
  const units = [{ code: "X-B", name: "Xã B", mergedInto: null }, { code: "TS-B", name: "Xã B", mergedInto: null }, { code: "TS-A", name: "Xã A", mergedInto: null }];
  const rows = (pairsOrder: number[]) => {
    const f = buildFacts(input({
      units,
      courses: [course({ id: 1, kind: "conference" })],
      pairs: pairsOrder.map((u) => ({ courseId: 1, userId: u, attendedInPeriod: 1, attendedTotal: 1, firstAttended: "2025-05-01" })),
      persons: [person(1, { unitCode: "X-B" }), person(2, { unitCode: "TS-B" }), person(3, { unitCode: "TS-A" })],
    }));
    return computeFigures(f, "2026-01-01").breakdowns.unitRecorded.rows.map((r) => r.key);
  };
  expect(rows([1, 2, 3])).toEqual(["TS-A", "TS-B", "X-B"]);
  expect(rows([3, 2, 1])).toEqual(["TS-A", "TS-B", "X-B"]);
});

test("attendance is summed per enrolled person and course: in the period, in all, first date in the period", () => {
  const sessions = new Map([
    [1, { courseId: 10, date: "2024-12-30" }], [2, { courseId: 10, date: "2025-01-03" }], [3, { courseId: 10, date: "2025-01-02" }],
    [4, { courseId: 11, date: "2025-03-01" }],
  ]);
  // Person 5 attended course 10 but is not enrolled (any more): not counted. Person 3 never came.
  const enrolled = [{ courseId: 10, userIds: [1, 2, 3] }, { courseId: 11, userIds: [1] }];
  const attended = [{ sessionId: 1, userIds: [1, 2] }, { sessionId: 2, userIds: [1, 5] }, { sessionId: 3, userIds: [1, 2] }, { sessionId: 4, userIds: [1] }];
  const pairs = sumAttendance(enrolled, attended, sessions, "2025-01-01", "2025-12-31");
  expect(pairs).toEqual([
    { courseId: 10, userId: 1, attendedInPeriod: 2, attendedTotal: 3, firstAttended: "2025-01-02" },
    { courseId: 10, userId: 2, attendedInPeriod: 1, attendedTotal: 2, firstAttended: "2025-01-02" },
    { courseId: 10, userId: 3, attendedInPeriod: 0, attendedTotal: 0, firstAttended: null },
    { courseId: 11, userId: 1, attendedInPeriod: 1, attendedTotal: 1, firstAttended: "2025-03-01" },
  ]);
});
