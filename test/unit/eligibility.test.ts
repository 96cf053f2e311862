import { evaluateCompletion, type CompletionRule } from "../../src/features/certificates/eligibility";

const rule: CompletionRule = {
  minAttendanceRate: 0.8,
  countExcused: false,
  quizRequired: true,
  quizPassMark: 70,
  approvalRequired: false,
};

describe("evaluateCompletion", () => {
  it("explains a failure on attendance and quiz", () => {
    const r = evaluateCompletion({ rule, attendance: { attended: 9, scheduled: 12 }, quizPercent: 65, approved: null });
    expect(r.eligible).toBe(false);
    expect(r.summary).toBe("Có mặt 9/12 buổi (75%, cần 80%); bài kiểm tra 65% < 70% → chưa đạt");
    expect(r.reasons).toEqual(["Có mặt 9/12 buổi (75%, cần 80%)", "Bài kiểm tra 65% < 70%"]);
  });

  it("explains a success, with a decimal comma where needed", () => {
    const r = evaluateCompletion({ rule, attendance: { attended: 11, scheduled: 12 }, quizPercent: 85, approved: null });
    expect(r).toEqual({ eligible: true, reasons: [], summary: "Có mặt 11/12 buổi (91,7%, cần 80%); bài kiểm tra 85% ≥ 70% → đạt" });
  });

  it("passes exactly at the thresholds, despite float noise", () => {
    const r = evaluateCompletion({ rule: { ...rule, minAttendanceRate: 0.7 }, attendance: { attended: 7, scheduled: 10 }, quizPercent: 0.7 * 100, approved: null });
    expect(r.summary).toBe("Có mặt 7/10 buổi (70%, cần 70%); bài kiểm tra 70% ≥ 70% → đạt");
  });

  it("never prints a failing value that rounds up to the threshold", () => {
    const r = evaluateCompletion({ rule, attendance: { attended: 12, scheduled: 12 }, quizPercent: 69.96, approved: null });
    expect(r.summary).toBe("Có mặt 12/12 buổi (100%, cần 80%); bài kiểm tra 69,9% < 70% → chưa đạt");
  });

  it("reports a missing quiz attempt", () => {
    const r = evaluateCompletion({ rule, attendance: { attended: 12, scheduled: 12 }, quizPercent: null, approved: null });
    expect(r.summary).toBe("Có mặt 12/12 buổi (100%, cần 80%); chưa làm bài kiểm tra → chưa đạt");
    expect(r.reasons).toEqual(["Chưa làm bài kiểm tra"]);
  });

  it("ignores the quiz when not required", () => {
    const r = evaluateCompletion({ rule: { ...rule, quizRequired: false }, attendance: { attended: 10, scheduled: 12 }, quizPercent: null, approved: null });
    expect(r).toEqual({ eligible: true, reasons: [], summary: "Có mặt 10/12 buổi (83,3%, cần 80%) → đạt" });
  });

  it("handles trainer approval: pending, refused, given", () => {
    const base = { rule: { ...rule, approvalRequired: true }, attendance: { attended: 12, scheduled: 12 }, quizPercent: 90 };
    const pending = evaluateCompletion({ ...base, approved: null });
    expect(pending.summary).toBe("Có mặt 12/12 buổi (100%, cần 80%); bài kiểm tra 90% ≥ 70%; chờ giảng viên xác nhận → chưa đạt");
    expect(pending.reasons).toEqual(["Chờ giảng viên xác nhận"]);
    expect(evaluateCompletion({ ...base, approved: false }).reasons).toEqual(["Giảng viên không xác nhận"]);
    const given = evaluateCompletion({ ...base, approved: true });
    expect(given.eligible).toBe(true);
    expect(given.summary).toMatch(/giảng viên đã xác nhận → đạt$/);
  });

  it("does not pass a course with no scheduled session or a required quiz without a pass mark", () => {
    const empty = evaluateCompletion({ rule: { ...rule, quizRequired: false, minAttendanceRate: 0 }, attendance: { attended: 0, scheduled: 0 }, quizPercent: null, approved: null });
    expect(empty.eligible).toBe(false);
    expect(empty.summary).toBe("Chưa có buổi học nào theo lịch → chưa đạt");
    const noMark = evaluateCompletion({ rule: { ...rule, quizPassMark: undefined }, attendance: { attended: 12, scheduled: 12 }, quizPercent: 95, approved: null });
    expect(noMark.eligible).toBe(false);
    expect(noMark.reasons).toEqual(["Khóa học chưa đặt điểm đạt bài kiểm tra"]);
  });

  it("rejects impossible attendance counts", () => {
    const bad = (attended: number, scheduled: number) => () =>
      evaluateCompletion({ rule, attendance: { attended, scheduled }, quizPercent: 90, approved: null });
    expect(bad(13, 12)).toThrow(RangeError);
    expect(bad(-1, 12)).toThrow(RangeError);
    expect(bad(1.5, 12)).toThrow(RangeError);
  });
});
