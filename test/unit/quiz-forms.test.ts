import { cleanMultiline, percentToFraction, questionFromForm, questionSchema } from "../../src/features/quizzes/bank.schema";
import { detectFormat, parseQuestionText } from "../../src/features/quizzes/quiz-import.service";
import { quizSchema, readQuestionPick } from "../../src/features/quizzes/quizzes.schema";
import { safeCell } from "../../src/features/quizzes/results.service";

const question = (body: Record<string, unknown>) => {
  const parsed = questionSchema.parse({ categoryId: "1", ...body });
  return questionFromForm(parsed);
};

describe("question form", () => {
  it("reads percents with a decimal comma, drops blank rows, and defaults weights by kind", () => {
    expect(percentToFraction("33,3", 0)).toBe(0.333);
    expect(percentToFraction("-50%", 0)).toBe(-0.5);
    expect(percentToFraction("", 1)).toBe(1);
    expect(percentToFraction("abc", 0)).toBeNaN();
    const r = question({ kind: "short", text: "Thủ đô?", choices: [{ text: "Hà Nội" }, { text: "  " }, { text: "Ha Noi", fraction: "50" }] });
    expect(r).toEqual({ ok: true, question: expect.objectContaining({ kind: "short", ignoreCase: false, choices: [{ text: "Hà Nội", fraction: 1 }, { text: "Ha Noi", fraction: 0.5 }] }) });
  });
  it("builds true/false from the selected answer and ignores the choice rows", () => {
    const r = question({ kind: "truefalse", text: "Đúng không?", tfCorrect: "false", tfFeedbackFalse: "Chính xác", choices: [{ text: "x", fraction: "100" }] });
    expect(r.ok && r.question.choices).toEqual([{ text: "Đúng", fraction: 0 }, { text: "Sai", fraction: 1, feedback: "Chính xác" }]);
  });
  it("keeps line breaks in texts but unifies them, and reports rule violations on the choices", () => {
    expect(cleanMultiline("  Dòng 1  \r\n\r\n\r\n\u200BDòng 2\t ")).toBe("Dòng 1\n\nDòng 2");
    const r = question({ kind: "multiple", text: "Chọn", choices: [{ text: "a", fraction: "50" }, { text: "b", fraction: "40" }] });
    expect(r).toEqual({ ok: false, errors: { choices: expect.stringContaining("90%") } });
    expect(question({ kind: "single", text: "Chọn", choices: [{ text: "a", fraction: "120" }, { text: "b" }] })).toEqual({ ok: false, errors: { choices: expect.stringContaining("-100 đến 100") } });
  });
});

describe("quiz settings form", () => {
  it("needs a category and a count in random mode, and a close time after the open time", () => {
    const r = quizSchema.safeParse({ title: "Kiểm tra", mode: "random", opensAt: "08/12/2026 08:00", closesAt: "07/12/2026 08:00" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["closesAt", "randomCategoryId", "randomCount"]);
  });
  it("turns blanks into no limit and reads the pass mark with a comma", () => {
    const r = quizSchema.parse({ title: "Kiểm tra", timeLimitMinutes: "", maxAttempts: " ", passMark: "62,5", gradingMethod: "bogus", shuffleAnswers: "on" });
    expect(r).toMatchObject({ mode: "fixed", timeLimitMinutes: null, maxAttempts: null, passMark: 62.5, gradingMethod: "highest", shuffleAnswers: true, shuffleQuestions: false, reviewMode: "score" });
  });
});

describe("question picker", () => {
  it("orders by the positions typed (a blank one counts as its place in the list), ties by list order, and renumbers from 1", () => {
    expect(readQuestionPick({ include: ["5", "7", "9"], "pos-5": "3", "pos-7": "1", "mark-9": "2,5" })).toEqual({
      ok: true, items: [{ questionId: 7, mark: 1, position: 1 }, { questionId: 5, mark: 1, position: 2 }, { questionId: 9, mark: 2.5, position: 3 }],
    });
    expect(readQuestionPick({ include: "4" })).toEqual({ ok: true, items: [{ questionId: 4, mark: 1, position: 1 }] });
    expect(readQuestionPick({})).toEqual({ ok: true, items: [] });
    expect(readQuestionPick({ include: ["x"] }).ok).toBe(false);
    expect(readQuestionPick({ include: ["4"], "mark-4": "-1" }).ok).toBe(false);
  });
});

describe("import format detection", () => {
  it("tells Aiken from GIFT", () => {
    expect(detectFormat("Câu hỏi?\nA. Một\nB. Hai\nANSWER: A")).toBe("aiken");
    expect(detectFormat("Câu hỏi? {=Một ~Hai}")).toBe("gift");
    expect(detectFormat("// ANSWER: A trong chú thích\nCâu {T}")).toBe("gift");
    expect(detectFormat("\uFEFFCâu hỏi?\r\nA) Một\r\nB) Hai\r\nĐÁP ÁN: B")).toBe("aiken");
    expect(parseQuestionText("Câu? {=a ~b}", "aiken").format).toBe("aiken");
  });
});

describe("safeCell", () => {
  it("keeps spreadsheet formulas from running", () => {
    expect(["=1+1", "+84", "-5", "@SUM(A1)", "\tx"].map(safeCell)).toEqual(["'=1+1", "'+84", "'-5", "'@SUM(A1)", "'\tx"]);
    expect(safeCell("Nguyễn Văn An")).toBe("Nguyễn Văn An");
  });
});
