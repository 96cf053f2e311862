import { parseGift } from "../../src/features/quizzes/gift";
import {
  finalGrade, gradeAttempt, gradeQuestion, normalizeAnswer, passed, questionStats, stripVietnameseTones,
  type GradableQuestion, type MarkedQuestion, type StatsRow,
} from "../../src/features/quizzes/grading";

const pick = (...choiceIndexes: number[]) => ({ choiceIndexes });
const single: GradableQuestion = {
  kind: "single",
  choices: [{ text: "Hà Nội", fraction: 1 }, { text: "Thăng Long", fraction: 0.5 }, { text: "Huế", fraction: 0 }, { text: "Bịa", fraction: -0.5 }],
};
const multiple: GradableQuestion = {
  kind: "multiple",
  choices: [
    { text: "Bộ Ngoại giao", fraction: 0.5 }, { text: "Bộ Văn hóa", fraction: 0.5 },
    { text: "Quốc hội", fraction: -0.5 }, { text: "Tòa án", fraction: -1 }, { text: "Không rõ", fraction: 0 },
  ],
};
const short = (opts: Partial<GradableQuestion> = {}): GradableQuestion => ({
  kind: "short", choices: [{ text: "Thanh Hóa", fraction: 1 }, { text: "Xứ Thanh", fraction: 0.5 }], ...opts,
});

describe("gradeQuestion", () => {
  it("single: the chosen choice's fraction, negative floored at 0", () => {
    expect([0, 1, 2, 3].map((i) => gradeQuestion(single, pick(i)))).toEqual([1, 0.5, 0, 0]);
  });

  it("single: unanswered, several picks, bad indexes or the wrong response shape score 0", () => {
    for (const r of [undefined, null, pick(), pick(0, 2), pick(4), pick(-1), pick(0.5), { text: "Hà Nội" }]) {
      expect(gradeQuestion(single, r)).toBe(0);
    }
  });

  it("true/false: index 0 is Đúng, 1 is Sai", () => {
    const [q] = parseGift("Đà Lạt thuộc Lâm Đồng {T}").questions;
    expect([gradeQuestion(q, pick(0)), gradeQuestion(q, pick(1)), gradeQuestion(q, pick(0, 1))]).toEqual([1, 0, 0]);
  });

  it("multiple: partial credit, wrong choices subtract, floored at 0 and capped at 1", () => {
    expect(gradeQuestion(multiple, pick(0))).toBe(0.5);
    expect(gradeQuestion(multiple, pick(0, 1))).toBe(1);
    expect(gradeQuestion(multiple, pick(0, 1, 4))).toBe(1);
    expect(gradeQuestion(multiple, pick(0, 1, 2))).toBe(0.5);
    expect(gradeQuestion(multiple, pick(0, 2))).toBe(0);
    expect(gradeQuestion(multiple, pick(0, 3))).toBe(0); // -0.5 floored, never negative
    expect(gradeQuestion(multiple, pick())).toBe(0);
    const generous: GradableQuestion = { kind: "multiple", choices: [{ text: "a", fraction: 0.8 }, { text: "b", fraction: 0.8 }] };
    expect(gradeQuestion(generous, pick(0, 1))).toBe(1);
  });

  it("multiple: a repeated index counts once and thirds add up to exactly 1", () => {
    expect(gradeQuestion(multiple, pick(0, 0, 0))).toBe(0.5);
    const [thirds] = parseGift("Chọn ba {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}").questions;
    expect(gradeQuestion(thirds, pick(0, 1, 2))).toBe(1);
    expect(gradeQuestion(thirds, pick(0, 1))).toBeCloseTo(2 / 3, 5);
  });

  it("short: trims, collapses spaces, and compares NFC with NFD", () => {
    const q = short();
    expect(gradeQuestion(q, { text: "  Thanh   Hóa " })).toBe(1);
    expect(gradeQuestion(q, { text: "Thanh Hóa".normalize("NFD") })).toBe(1);
    expect(gradeQuestion(q, { text: "Xứ\tThanh" })).toBe(0.5);
    expect(gradeQuestion(q, { text: "Nghệ An" })).toBe(0);
    expect(gradeQuestion(q, { text: "   " })).toBe(0);
    expect(gradeQuestion(q, pick(0))).toBe(0);
  });

  it("short: case counts unless ignoreCase", () => {
    expect(gradeQuestion(short(), { text: "thanh hóa" })).toBe(0);
    expect(gradeQuestion(short({ ignoreCase: true }), { text: "THANH HÓA" })).toBe(1);
    expect(gradeQuestion(short({ ignoreCase: true }), { text: "thanh hoa" })).toBe(0);
  });

  it("short: ignoreTones drops all diacritics and đ/d, but only when asked", () => {
    const q: GradableQuestion = { kind: "short", choices: [{ text: "Đà Nẵng", fraction: 1 }], ignoreTones: true };
    expect(gradeQuestion(q, { text: "Da Nang" })).toBe(1);
    expect(gradeQuestion(q, { text: "da nang" })).toBe(0);
    expect(gradeQuestion({ ...q, ignoreCase: true }, { text: "da nang" })).toBe(1);
    expect(gradeQuestion({ ...q, ignoreTones: false }, { text: "Da Nang" })).toBe(0);
  });

  it("short: old and new tone placement are equal, other tones are not", () => {
    const q: GradableQuestion = { kind: "short", choices: [{ text: "Hòa Thủy", fraction: 1 }] };
    expect(gradeQuestion(q, { text: "Hoà Thuỷ" })).toBe(1);
    expect(gradeQuestion(q, { text: "Hóa Thủy" })).toBe(0);
    expect(gradeQuestion(q, { text: "Hoa Thuy" })).toBe(0);
  });

  it("short: smart quotes match plain quotes", () => {
    const q: GradableQuestion = { kind: "short", choices: [{ text: "“Đổi mới”", fraction: 1 }] };
    expect(gradeQuestion(q, { text: '"Đổi mới"' })).toBe(1);
  });
});

describe("normalizeAnswer and stripVietnameseTones", () => {
  it("normalise as documented", () => {
    expect(stripVietnameseTones("Nguyễn Thị Thu Hà, Đồng Đăng")).toBe("Nguyen Thi Thu Ha, Dong Dang");
    expect(normalizeAnswer("  Ủy   BAN ", { ignoreCase: true, ignoreTones: true })).toBe("uy ban");
    expect(normalizeAnswer("Thuỷ")).toBe(normalizeAnswer("Thủy"));
  });
});

describe("gradeAttempt", () => {
  const questions: MarkedQuestion[] = [
    { id: "q1", mark: 2, ...single },
    { id: "q2", mark: 1, ...multiple },
    { id: "q3", mark: 1, ...short({ ignoreCase: true }) },
  ];

  it("weights fractions by marks and floors negatives per question, not across the attempt", () => {
    const g = gradeAttempt(questions, { q1: pick(1), q2: pick(0, 3), q3: { text: "thanh hóa" } });
    expect(g).toEqual({ score: 2, maxScore: 4, percent: 50, fractions: { q1: 0.5, q2: 0, q3: 1 } });
  });

  it("counts missing responses as 0 and handles an empty quiz", () => {
    expect(gradeAttempt(questions, { q2: pick(0, 1) })).toMatchObject({ score: 1, maxScore: 4, percent: 25 });
    expect(gradeAttempt([], {})).toEqual({ score: 0, maxScore: 0, percent: 0, fractions: {} });
  });

  it("does not round the percent (2 of 3 is 66.666667, not 66.67)", () => {
    const three = ["a", "b", "c"].map((id) => ({ id, mark: 1, ...single }));
    expect(gradeAttempt(three, { a: pick(0), b: pick(0) }).percent).toBeCloseTo(66.666667, 6);
  });

  it("throws on a negative mark", () => {
    expect(() => gradeAttempt([{ id: "x", mark: -1, ...single }], {})).toThrow(RangeError);
  });
});

describe("finalGrade and passed", () => {
  const attempts = [60, 85, 40];
  it.each([["highest", 85], ["last", 40], ["first", 60], ["average", 61.666667]] as const)("%s", (method, expected) => {
    expect(finalGrade(attempts, method)).toBeCloseTo(expected, 6);
  });

  it("is null without attempts, and null never passes", () => {
    expect(finalGrade([], "highest")).toBeNull();
    expect(passed(null, 0)).toBe(false);
  });

  it("passes at exactly the pass mark and not below", () => {
    expect(passed(80, 80)).toBe(true);
    expect(passed(79.99, 80)).toBe(false);
    expect(passed(finalGrade([70, 80, 90], "average"), 80)).toBe(true);
  });
});

describe("questionStats", () => {
  // Six attempts ranked by total; q1 is answered by the strong ones only, q2 by everyone, q3 by the weak.
  const rows: StatsRow[] = [
    { userScorePercent: 95, questionFractions: { q1: 1, q2: 1, q3: 0 } },
    { userScorePercent: 30, questionFractions: { q1: 0, q2: 1, q3: 1 } },
    { userScorePercent: 80, questionFractions: { q1: 1, q2: 1, q3: 0.5 } },
    { userScorePercent: 20, questionFractions: { q1: 0, q2: 1, q3: 1 } },
    { userScorePercent: 60, questionFractions: { q1: 0.5, q2: 1, q3: 0 } },
    { userScorePercent: 50, questionFractions: { q1: 0, q2: 1 } },
  ];

  it("gives facility as mean fraction and discrimination as upper third minus lower third", () => {
    const s = questionStats(rows);
    expect(s.q1).toEqual({ attempts: 6, facility: 0.416667, discrimination: 1 });
    expect(s.q2).toEqual({ attempts: 6, facility: 1, discrimination: 0 });
    // q3 appeared in 5 attempts: thirds of 1 — top (95 %) got 0, bottom (20 %) got 1.
    expect(s.q3).toEqual({ attempts: 5, facility: 0.5, discrimination: -1 });
  });

  it("leaves discrimination null below three attempts and returns nothing for no rows", () => {
    expect(questionStats(rows.slice(0, 2)).q1).toEqual({ attempts: 2, facility: 0.5, discrimination: null });
    expect(questionStats([])).toEqual({});
  });
});
