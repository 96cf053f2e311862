import { GRACE_MS, acceptsAnswers, attemptDeadline, formatVnDateTime, parseVnDateTime, quizWindow } from "../../src/features/quizzes/quiz-time";

const T = new Date("2026-12-07T01:00:00Z"); // 08:00 in Vietnam
const at = (ms: number) => new Date(T.getTime() + ms);
const MIN = 60_000;

describe("attemptDeadline", () => {
  it("is the start plus the time limit, never after the close time, and null with neither", () => {
    expect(attemptDeadline(T, 15, null)).toEqual(at(15 * MIN));
    expect(attemptDeadline(T, 15, at(10 * MIN))).toEqual(at(10 * MIN));
    expect(attemptDeadline(T, 15, at(60 * MIN))).toEqual(at(15 * MIN));
    expect(attemptDeadline(T, null, at(60 * MIN))).toEqual(at(60 * MIN));
    expect(attemptDeadline(T, null, null)).toBeNull();
  });
});

describe("acceptsAnswers", () => {
  it("accepts up to the deadline plus 30 s of grace, inclusive, and always without a deadline", () => {
    expect(GRACE_MS).toBe(30_000);
    expect(acceptsAnswers(T, at(-1))).toBe(true);
    expect(acceptsAnswers(T, at(30_000))).toBe(true);
    expect(acceptsAnswers(T, at(30_001))).toBe(false);
    expect(acceptsAnswers(null, at(10 ** 10))).toBe(true);
  });
});

describe("quizWindow", () => {
  it("is notYet before opensAt, closed from closesAt, open between or without limits", () => {
    const quiz = { opensAt: T, closesAt: at(60 * MIN) };
    expect(quizWindow(quiz, at(-1))).toBe("notYet");
    expect(quizWindow(quiz, T)).toBe("open");
    expect(quizWindow(quiz, at(60 * MIN - 1))).toBe("open");
    expect(quizWindow(quiz, at(60 * MIN))).toBe("closed");
    expect(quizWindow({ opensAt: null, closesAt: null }, T)).toBe("open");
  });
});

describe("Vietnam date-times", () => {
  it("reads datetime-local values and dd/mm/yyyy hh:mm as UTC+7", () => {
    expect(parseVnDateTime("2026-12-07T08:00")).toEqual(T);
    expect(parseVnDateTime("07/12/2026 08:00")).toEqual(T);
    expect(parseVnDateTime("7/12/2026 8h00")).toEqual(T);
    expect(parseVnDateTime("2026-12-07 08:00:00")).toEqual(T);
  });
  it("refuses impossible or malformed values", () => {
    for (const s of ["31/02/2026 08:00", "2026-13-01T08:00", "07/12/2026 24:00", "07/12/2026", "hôm nay", "", "07/12/1899 08:00"]) {
      expect(parseVnDateTime(s)).toBeNull();
    }
  });
  it("formats in Vietnam time whatever the server's time zone, and reads back what it wrote", () => {
    expect(formatVnDateTime(new Date("2026-12-06T17:05:00Z"))).toBe("07/12/2026 00:05");
    expect(formatVnDateTime(null)).toBe("");
    expect(parseVnDateTime(formatVnDateTime(T))).toEqual(T);
  });
});
