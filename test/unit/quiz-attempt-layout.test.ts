import { buildLayout, drawRandom, gradeLayout, indexesToPositions, positionsToIndexes, shuffled, type Rng } from "../../src/features/quizzes/attempt-layout";

/** A seeded generator (mulberry32) so draws can be repeated. */
function seeded(seed: number): Rng {
  let a = seed;
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const questions = [
  { id: 11, kind: "single", choiceCount: 4, mark: 1 },
  { id: 12, kind: "multiple", choiceCount: 3, mark: 2 },
  { id: 13, kind: "truefalse", choiceCount: 2, mark: 1 },
  { id: 14, kind: "short", choiceCount: 2, mark: 1 },
];

describe("shuffled and drawRandom", () => {
  it("permute without losing or repeating items, and repeat with the same seed", () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const a = shuffled(items, seeded(1));
    expect([...a].sort()).toEqual(items);
    expect(shuffled(items, seeded(1))).toEqual(a);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]); // the input is not changed
    const drawn = drawRandom(items, 3, seeded(2));
    expect(drawn).toHaveLength(3);
    expect(new Set(drawn).size).toBe(3);
    expect(drawRandom(items, 20, seeded(2))).toHaveLength(8);
  });
});

describe("buildLayout", () => {
  it("keeps quiz order and natural choice order without shuffling; short answers show no choices", () => {
    expect(buildLayout(questions, { shuffleQuestions: false, shuffleAnswers: false }, seeded(3))).toEqual([
      { questionId: 11, mark: 1, choiceOrder: [0, 1, 2, 3] },
      { questionId: 12, mark: 2, choiceOrder: [0, 1, 2] },
      { questionId: 13, mark: 1, choiceOrder: [0, 1] },
      { questionId: 14, mark: 1, choiceOrder: [] },
    ]);
  });
  it("shuffles questions and choices but leaves Đúng/Sai in place", () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const layout = buildLayout(questions, { shuffleQuestions: true, shuffleAnswers: true }, seeded(seed));
      expect(layout.map((l) => l.questionId).sort()).toEqual([11, 12, 13, 14]);
      expect(layout.find((l) => l.questionId === 13)!.choiceOrder).toEqual([0, 1]);
      expect([...layout.find((l) => l.questionId === 11)!.choiceOrder].sort()).toEqual([0, 1, 2, 3]);
      seen.add(layout.map((l) => l.questionId).join() + "|" + layout.find((l) => l.questionId === 11)!.choiceOrder.join());
    }
    expect(seen.size).toBeGreaterThan(5);
  });
});

describe("positions ↔ indexes", () => {
  const order = [2, 0, 3, 1];
  it("maps display positions to choice indexes (sorted, once each) and back", () => {
    expect(positionsToIndexes(order, [0, 3])).toEqual([1, 2]);
    expect(positionsToIndexes(order, [0, 0])).toEqual([2]);
    expect(positionsToIndexes(order, [])).toEqual([]);
    expect(indexesToPositions(order, [1, 2])).toEqual([3, 0]);
  });
  it("refuses positions that were not shown", () => {
    expect(positionsToIndexes(order, [4])).toBeNull();
    expect(positionsToIndexes(order, [-1])).toBeNull();
    expect(positionsToIndexes(order, [1.5])).toBeNull();
    expect(positionsToIndexes([], [0])).toBeNull();
  });
});

describe("gradeLayout", () => {
  const bank = [
    { id: 11, kind: "single" as const, choices: [{ text: "a", fraction: 0 }, { text: "b", fraction: 1 }] },
    { id: 12, kind: "multiple" as const, choices: [{ text: "x", fraction: 0.5 }, { text: "y", fraction: 0.5 }, { text: "z", fraction: -1 }] },
    { id: 14, kind: "short" as const, choices: [{ text: "Hà Nội", fraction: 1 }], ignoreCase: true, ignoreTones: true },
  ];
  const layout = [
    { questionId: 11, mark: 1, choiceOrder: [1, 0] },
    { questionId: 12, mark: 2, choiceOrder: [0, 1, 2] },
    { questionId: 14, mark: 1, choiceOrder: [] },
    { questionId: 99, mark: 1, choiceOrder: [0] }, // a question no longer found: 0, but it still counts in the maximum
  ];
  it("weights each question's fraction by its mark in the layout, floors negatives per question", () => {
    const g = gradeLayout(layout, bank, [
      { questionId: 11, response: { choiceIndexes: [1] } },
      { questionId: 12, response: { choiceIndexes: [0, 2] } },
      { questionId: 14, response: { text: "ha noi" } },
    ]);
    expect(g).toEqual({ score: 2, maxScore: 5, percent: 40, fractions: { 11: 1, 12: 0, 14: 1, 99: 0 } });
  });
});
