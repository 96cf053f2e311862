import { attendanceRate, type Mark } from "../../src/features/attendance/attendance-rate";

const sessions = (n: number, cancelled: number[] = []) =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, cancelled: cancelled.includes(i + 1) }));

describe("attendanceRate", () => {
  it("divides by all scheduled sessions, counting unmarked (future) ones as not attended", () => {
    // 12 sessions, only the first 4 taken so far: Moodle would say 100 %, we say 4/12.
    const marks = new Map<number, Mark>([[1, "P"], [2, "P"], [3, "L"], [4, "P"]]);
    expect(attendanceRate(sessions(12), marks, false)).toEqual({ attended: 4, scheduled: 12, rate: 4 / 12, absent: 8 });
  });

  it("leaves cancelled sessions out entirely, even if marked", () => {
    const marks = new Map<number, Mark>([[1, "P"], [2, "A"], [3, "P"]]);
    expect(attendanceRate(sessions(4, [3, 4]), marks, false)).toEqual({ attended: 1, scheduled: 2, rate: 0.5, absent: 1 });
  });

  it("counts P and L, never A, and E only when the course setting says so", () => {
    const marks: Record<string, Mark> = { 1: "P", 2: "L", 3: "E", 4: "A" };
    expect(attendanceRate(sessions(4), marks, false)).toMatchObject({ attended: 2, rate: 0.5, absent: 2 });
    expect(attendanceRate(sessions(4), marks, true)).toMatchObject({ attended: 3, rate: 0.75, absent: 1 });
  });

  it("returns a rate of 0 when nothing is scheduled", () => {
    expect(attendanceRate([], new Map(), true)).toEqual({ attended: 0, scheduled: 0, rate: 0, absent: 0 });
    expect(attendanceRate(sessions(2, [1, 2]), { 1: "P" }, true)).toEqual({ attended: 0, scheduled: 0, rate: 0, absent: 0 });
  });

  it("matches numeric and string ids, ignores marks of unknown sessions and duplicate sessions", () => {
    const list = [{ id: "1", cancelled: false }, { id: 2, cancelled: false }, { id: 2, cancelled: false }];
    const marks = new Map<string | number, Mark>([[1, "P"], ["2", "P"], [99, "P"]]);
    expect(attendanceRate(list, marks, false)).toEqual({ attended: 2, scheduled: 2, rate: 1, absent: 0 });
  });
});
