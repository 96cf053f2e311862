/**
 * Taking a quiz over HTTP: who may, what the page reveals, autosave, the server-kept deadline,
 * the attempt limit under concurrent starts, and that nobody reaches another person's attempt.
 */
import { and, eq } from "drizzle-orm";
import { attemptAnswers, questions, quizAttempts } from "../src/db/schema";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { createCategory, createQuestion } from "../src/features/quizzes/bank.service";
import type { QuestionInput } from "../src/features/quizzes/bank.schema";
import type { QuizInput } from "../src/features/quizzes/quizzes.schema";
import { createQuiz, setQuizQuestions } from "../src/features/quizzes/quizzes.service";
import { loginAs, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

jest.setTimeout(120000);
const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });

type Session = Awaited<ReturnType<typeof loginAs>>;
const db = () => ctx.handle.db;
const actor = () => ({ id: admin.user.id });

/** Words that only the server may know while an attempt is open. */
const SECRET = {
  rightFeedback: "PHẢN HỒI ĐÁP ÁN ĐÚNG",
  wrongFeedback: "PHẢN HỒI ĐÁP ÁN SAI",
  general: "NHẬN XÉT CHUNG SAU BÀI",
  accepted: "Thiệu Hóa",
  tfFeedback: "PHẢN HỒI ĐÚNG SAI",
};

const QUIZ: QuizInput = {
  title: "Kiểm tra cuối khóa", mode: "fixed", randomCategoryId: null, randomCount: null, shuffleQuestions: false, shuffleAnswers: false,
  timeLimitMinutes: null, opensAt: null, closesAt: null, maxAttempts: null, gradingMethod: "highest", passMark: 50, reviewMode: "score",
};

/** A course with its trainer, four questions (one per kind) in a fixed quiz, and one enrolled trainee. */
async function setup(over: Partial<QuizInput> = {}) {
  const course = await makeCourse(ctx, admin.user.id, { title: `Lớp TTĐN ${Math.random().toString(36).slice(2, 7)}`, trainerIds: [trainer.user.id] });
  const cat = await createCategory(db(), course.id, "Chung", actor());
  const base = { categoryId: cat.id, title: null, generalFeedback: null, ignoreCase: true, ignoreTones: false };
  const inputs: QuestionInput[] = [
    { ...base, kind: "single", text: "Cơ quan nào theo dõi thực hiện Kế hoạch?", generalFeedback: SECRET.general,
      choices: [{ text: "Phòng Văn hóa và Thông tin", fraction: 1, feedback: SECRET.rightFeedback }, { text: "Phòng Tài chính", fraction: 0, feedback: SECRET.wrongFeedback }, { text: "Công an tỉnh", fraction: 0 }] },
    { ...base, kind: "multiple", text: "Những nguồn kinh phí nào được huy động?",
      choices: [{ text: "Ngân sách nhà nước", fraction: 0.5 }, { text: "Đóng góp của doanh nghiệp", fraction: 0.5 }, { text: "Vay nước ngoài", fraction: -1 }] },
    { ...base, kind: "truefalse", text: "Hội nghị quán triệt có cấp giấy chứng nhận.", choices: [{ text: "Đúng", fraction: 0, feedback: SECRET.tfFeedback }, { text: "Sai", fraction: 1 }] },
    { ...base, kind: "short", text: "Huyện nào giáp Triệu Sơn về phía đông?", ignoreTones: true, choices: [{ text: SECRET.accepted, fraction: 1 }] },
  ];
  const questions = [];
  for (const q of inputs) questions.push(await createQuestion(db(), course.id, q, actor()));
  const quiz = await createQuiz(db(), course.id, { ...QUIZ, ...over }, actor());
  await setQuizQuestions(db(), quiz, questions.map((q, i) => ({ questionId: q.id, mark: i === 1 ? 2 : 1, position: i + 1 })), actor());
  const trainee = await enrolledTrainee(course.id);
  return { course, quiz, questions, trainee };
}

async function enrolledTrainee(courseId: number) {
  const s = await loginAs(ctx, "trainee");
  await addParticipant(db(), courseId, s.user.id, "admin", null);
  return s;
}

const start = (s: Session, quizId: number) => s.agent.post(`/quizzes/${quizId}/attempts`).type("form").send({ _csrf: s.csrf });
const attemptIdOf = (location: string) => Number(/^\/attempts\/(\d+)$/.exec(location)?.[1]);
async function startAttempt(s: Session, quizId: number): Promise<number> {
  const res = await start(s, quizId);
  expect(res.status).toBe(302);
  const id = attemptIdOf(res.headers.location);
  expect(id).toBeGreaterThan(0);
  return id;
}
/** Autosave as quiz-attempt.js does it: JSON, CSRF token in the x-csrf-token header. */
const autosave = (s: Session, attemptId: number, answers: Record<string, unknown>, csrf = s.csrf) =>
  s.agent.post(`/attempts/${attemptId}/answers`).set("x-csrf-token", csrf).set("Accept", "application/json").send({ answers });
const submit = (s: Session, attemptId: number, fields: Record<string, unknown> = {}) =>
  s.agent.post(`/attempts/${attemptId}/submit`).type("form").send({ _csrf: s.csrf, form: "1", ...fields });
const attemptRow = async (id: number) => (await db().select().from(quizAttempts).where(eq(quizAttempts.id, id)))[0];
const attemptsOf = (quizId: number, userId: number) => db().select().from(quizAttempts).where(and(eq(quizAttempts.quizId, quizId), eq(quizAttempts.userId, userId)));
const setDeadline = (id: number, deadline: Date) => db().update(quizAttempts).set({ deadline }).where(eq(quizAttempts.id, id));

test("only enrolled trainees take a course's quiz", async () => {
  const { course, quiz, trainee } = await setup();
  const outsider = await loginAs(ctx, "trainee"); // the course is open, but they are not enrolled
  const otherTrainer = await loginAs(ctx, "trainer");
  const waitlisted = await loginAs(ctx, "trainee");
  const full = await makeCourse(ctx, admin.user.id, { capacity: 1, trainerIds: [trainer.user.id] });
  const fullQuiz = await createQuiz(db(), full.id, QUIZ, actor());
  await addParticipant(db(), full.id, trainee.user.id, "admin", null);
  await addParticipant(db(), full.id, waitlisted.user.id, "admin", null);

  expect((await trainee.agent.get(`/quizzes/${quiz.id}`)).status).toBe(200);
  expect((await trainee.agent.get(`/courses/${course.id}/quizzes`)).text).toContain("Kiểm tra cuối khóa");
  for (const s of [outsider, otherTrainer]) {
    expect((await s.agent.get(`/quizzes/${quiz.id}`)).status).toBe(403);
    expect((await s.agent.get(`/courses/${course.id}/quizzes`)).status).toBe(403);
    expect((await start(s, quiz.id)).status).toBe(403);
  }
  expect((await start(waitlisted, fullQuiz.id)).status).toBe(403);
  // The course's trainer sees the quiz but does not take it.
  expect((await trainer.agent.get(`/quizzes/${quiz.id}`)).status).toBe(200);
  expect((await start(trainer, quiz.id)).status).toBe(403);
  expect((await start(admin, quiz.id)).status).toBe(403);
  expect(await db().select().from(quizAttempts).where(eq(quizAttempts.quizId, quiz.id))).toHaveLength(0);
  // A quiz of a course the trainee cannot see at all is a 404.
  const hidden = await makeCourse(ctx, admin.user.id, { status: "draft" });
  const hiddenQuiz = await createQuiz(db(), hidden.id, QUIZ, actor());
  expect((await trainee.agent.get(`/quizzes/${hiddenQuiz.id}`)).status).toBe(404);

  expect(await startAttempt(trainee, quiz.id)).toBeGreaterThan(0);
});

test("the page of an open attempt carries no correct-answer data: no fractions, feedback or accepted answers", async () => {
  const { quiz, trainee } = await setup({ reviewMode: "full", timeLimitMinutes: 20 });
  const id = await startAttempt(trainee, quiz.id);
  const page = await trainee.agent.get(`/attempts/${id}`);
  expect(page.status).toBe(200);
  expect(page.headers["cache-control"]).toBe("no-store");
  const html = page.text;
  // The questions and choice texts are there…
  expect(html).toContain("Cơ quan nào theo dõi thực hiện Kế hoạch?");
  expect(html).toContain("Phòng Văn hóa và Thông tin");
  expect(html).toContain("Vay nước ngoài");
  expect(html).toContain('src="/js/quiz-attempt.js"');
  expect(html).toMatch(/id="quiz-countdown"[^>]*>(20:00|19:5\d)</);
  // …but nothing that tells right from wrong.
  for (const secret of Object.values(SECRET)) expect(html).not.toContain(secret);
  expect(html).not.toMatch(/fraction|feedback|correct|"right"|data-right|100%|50%|-100/i);
  // Every choice is sent the same way: a value that is its display position, nothing else.
  const optionTags = html.match(/<input type="(radio|checkbox)"[^>]*>/g) ?? [];
  expect(optionTags).toHaveLength(3 + 3 + 2);
  for (const tag of optionTags) expect(tag).toMatch(/^<input type="(radio|checkbox)" name="answer-\d+" value="\d"( checked)?>$/);
});

test("answers are autosaved, re-rendered after a reload, and the plain form works without JavaScript", async () => {
  const { quiz, questions, trainee } = await setup();
  const [single, multiple, tf, short] = questions;
  const id = await startAttempt(trainee, quiz.id);
  const saved = await autosave(trainee, id, { [single.id]: [0], [multiple.id]: [0, 1], [short.id]: "  thieu hoa " });
  expect(saved.status).toBe(200);
  expect(saved.body.saved).toBe(3);
  // Without the CSRF header nothing is written.
  const forged = await trainee.agent.post(`/attempts/${id}/answers`).set("Accept", "application/json").send({ answers: { [tf.id]: [1] } });
  expect(forged.status).toBe(403);
  // A position that was not shown, two picks on a single-choice question, or a foreign question: 422.
  expect((await autosave(trainee, id, { [single.id]: [7] })).status).toBe(422);
  expect((await autosave(trainee, id, { [single.id]: [0, 1] })).status).toBe(422);
  expect((await autosave(trainee, id, { 999999: [0] })).status).toBe(422);
  const rows = await db().select().from(attemptAnswers).where(eq(attemptAnswers.attemptId, id));
  const byQuestion = Object.fromEntries(rows.map((r) => [r.questionId, r.response]));
  expect(byQuestion).toEqual({ [single.id]: { choiceIndexes: [0] }, [multiple.id]: { choiceIndexes: [0, 1] }, [short.id]: { text: "thieu hoa" } });

  // A reload shows exactly what was saved.
  const page = (await trainee.agent.get(`/attempts/${id}`)).text;
  expect(page).toContain(`name="answer-${single.id}" value="0" checked>`);
  expect(page).toContain(`name="answer-${single.id}" value="1">`);
  expect(page).toContain(`name="answer-${multiple.id}" value="0" checked>`);
  expect(page).toContain(`name="answer-${multiple.id}" value="1" checked>`);
  expect(page).toContain(`name="answer-${short.id}" value="thieu hoa"`);

  // The "save" button posts the whole form: what is not in it is cleared.
  const plain = await trainee.agent.post(`/attempts/${id}/answers`).type("form").send({ _csrf: trainee.csrf, form: "1", [`answer-${single.id}`]: "1", [`answer-${tf.id}`]: "1" });
  expect(plain.status).toBe(302);
  expect(plain.headers.location).toBe(`/attempts/${id}`);
  const after = await db().select().from(attemptAnswers).where(eq(attemptAnswers.attemptId, id));
  expect(after.map((r) => r.questionId).sort()).toEqual([single.id, tf.id].sort());

  // Submitting the form grades it: single wrong (0), tf right (1) → 1 of 5 marks.
  const done = await submit(trainee, id, { [`answer-${single.id}`]: "0", [`answer-${multiple.id}`]: ["0", "1"], [`answer-${tf.id}`]: "1", [`answer-${short.id}`]: "Thiệu Hoá" });
  expect(done.status).toBe(302);
  expect(await attemptRow(id)).toMatchObject({ status: "submitted", score: 5, maxScore: 5, percent: 100 });
  const result = await trainee.agent.get(`/attempts/${id}`);
  expect(result.text).toContain("5 / 5 điểm (100%)");
  expect(result.text).toContain("Đạt");
  // After submission nothing more is written.
  expect((await autosave(trainee, id, { [single.id]: [1] })).status).toBe(409);
  expect((await attemptRow(id)).score).toBe(5);
});

test("after the deadline plus 30 s grace a submission is not counted; within the grace it is", async () => {
  const { quiz, questions, trainee } = await setup({ timeLimitMinutes: 10 });
  const [single, multiple, tf] = questions;
  const right = { [`answer-${single.id}`]: "0", [`answer-${multiple.id}`]: ["0", "1"], [`answer-${tf.id}`]: "1" };

  // Late: one answer was saved in time; the full, correct form arrives 31 s after the deadline.
  const late = await startAttempt(trainee, quiz.id);
  expect((await autosave(trainee, late, { [tf.id]: [1] })).status).toBe(200);
  await setDeadline(late, new Date(Date.now() - 31_000));
  const res = await submit(trainee, late, right);
  expect(res.status).toBe(302);
  expect(await attemptRow(late)).toMatchObject({ status: "expired", score: 1, maxScore: 5, percent: 20 });
  const answers = await db().select().from(attemptAnswers).where(eq(attemptAnswers.attemptId, late));
  expect(answers.map((a) => a.questionId)).toEqual([tf.id]);
  const shown = await trainee.agent.get(`/attempts/${late}`);
  expect(shown.text).toContain("Đã quá hạn nộp bài");
  expect(shown.text).toContain("1 / 5 điểm (20%)");

  // Within the grace (20 s after the deadline) the same submission counts in full, recorded as "time up".
  const inTime = await startAttempt(trainee, quiz.id);
  await setDeadline(inTime, new Date(Date.now() - 20_000));
  await submit(trainee, inTime, right);
  expect(await attemptRow(inTime)).toMatchObject({ status: "expired", score: 4, percent: 80 });

  // Autosave after the grace is refused with 409 and closes the attempt on what was saved.
  const third = await startAttempt(trainee, quiz.id);
  await autosave(trainee, third, { [single.id]: [0] });
  await setDeadline(third, new Date(Date.now() - 31_000));
  const refused = await autosave(trainee, third, { [multiple.id]: [0, 1] });
  expect(refused.status).toBe(409);
  expect(refused.body.closed).toBe(true);
  expect(await attemptRow(third)).toMatchObject({ status: "expired", score: 1 });
});

test("an open attempt past its deadline is closed and graded when next read", async () => {
  const { quiz, questions, trainee } = await setup({ timeLimitMinutes: 5 });
  const id = await startAttempt(trainee, quiz.id);
  await autosave(trainee, id, { [questions[0].id]: [0], [questions[3].id]: "Thieu Hoa" });
  await setDeadline(id, new Date(Date.now() - 10 * 60_000));
  expect((await attemptRow(id)).status).toBe("open");
  const page = await trainee.agent.get(`/attempts/${id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain("Kết quả bài làm");
  expect(page.text).toContain("Hết giờ, tự động nộp");
  expect(await attemptRow(id)).toMatchObject({ status: "expired", score: 2, maxScore: 5, percent: 40 });

  // The quiz page closes it too (another attempt, left open): and a new start does not resume it.
  const second = await startAttempt(trainee, quiz.id);
  await setDeadline(second, new Date(Date.now() - 60_000));
  await trainee.agent.get(`/quizzes/${quiz.id}`);
  expect((await attemptRow(second)).status).toBe("expired");
  const third = await startAttempt(trainee, quiz.id);
  expect(third).not.toBe(second);
});

test("the attempt limit holds under two concurrent start requests", async () => {
  const { quiz, trainee } = await setup({ maxAttempts: 1 });
  const [a, b] = await Promise.all([start(trainee, quiz.id), start(trainee, quiz.id)]);
  expect([a.status, b.status]).toEqual([302, 302]);
  // Both land on the same attempt: the second request resumed the first one's.
  expect(a.headers.location).toBe(b.headers.location);
  expect(await attemptsOf(quiz.id, trainee.user.id)).toHaveLength(1);
  const id = attemptIdOf(a.headers.location);
  await submit(trainee, id);
  const again = await start(trainee, quiz.id);
  expect(again.status).toBe(302);
  expect(again.headers.location).toBe(`/quizzes/${quiz.id}`);
  expect((await trainee.agent.get(`/quizzes/${quiz.id}`)).text).toContain("Bạn đã dùng hết số lần làm bài.");
  expect(await attemptsOf(quiz.id, trainee.user.id)).toHaveLength(1);

  // Two attempts allowed, the first finished: two more concurrent starts make exactly one more.
  const { quiz: quiz2, trainee: t2 } = await setup({ maxAttempts: 2 });
  await submit(t2, await startAttempt(t2, quiz2.id));
  const many = await Promise.all([start(t2, quiz2.id), start(t2, quiz2.id), start(t2, quiz2.id)]);
  expect(new Set(many.map((r) => r.headers.location)).size).toBe(1);
  const rows = await attemptsOf(quiz2.id, t2.user.id);
  expect(rows.map((r) => r.attemptNo).sort()).toEqual([1, 2]);
});

test("nobody reads or writes another person's attempt (404)", async () => {
  const { course, quiz, questions, trainee } = await setup();
  const other = await enrolledTrainee(course.id);
  const id = await startAttempt(trainee, quiz.id);
  await autosave(trainee, id, { [questions[0].id]: [1] });
  for (const s of [other, trainer, admin]) {
    expect((await s.agent.get(`/attempts/${id}`)).status).toBe(404);
    expect((await autosave(s, id, { [questions[0].id]: [0] })).status).toBe(404);
    expect((await s.agent.post(`/attempts/${id}/answers`).type("form").send({ _csrf: s.csrf, [`answer-${questions[0].id}`]: "0" })).status).toBe(404);
    expect((await submit(s, id)).status).toBe(404);
  }
  expect((await attemptRow(id)).status).toBe("open");
  const [answer] = await db().select().from(attemptAnswers).where(eq(attemptAnswers.attemptId, id));
  expect(answer.response).toEqual({ choiceIndexes: [1] });
  expect((await other.agent.get("/attempts/99999999")).status).toBe(404);
  expect((await other.agent.get("/attempts/abc")).status).toBe(404);
});

test("open and close times are kept, and a question someone has seen can no longer be edited", async () => {
  const future = await setup({ opensAt: new Date(Date.now() + 3600_000) });
  const notYet = await start(future.trainee, future.quiz.id);
  expect(notYet.headers.location).toBe(`/quizzes/${future.quiz.id}`);
  expect((await future.trainee.agent.get(`/quizzes/${future.quiz.id}`)).text).toMatch(/Bài kiểm tra mở lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/);
  const past = await setup({ closesAt: new Date(Date.now() - 60_000) });
  await start(past.trainee, past.quiz.id);
  expect((await past.trainee.agent.get(`/quizzes/${past.quiz.id}`)).text).toContain("Bài kiểm tra đã đóng.");
  expect(await attemptsOf(future.quiz.id, future.trainee.user.id)).toHaveLength(0);
  expect(await attemptsOf(past.quiz.id, past.trainee.user.id)).toHaveLength(0);

  // The deadline never passes the close time.
  const closing = await setup({ timeLimitMinutes: 60, closesAt: new Date(Date.now() + 5 * 60_000) });
  const id = await startAttempt(closing.trainee, closing.quiz.id);
  expect((await attemptRow(id)).deadline!.getTime()).toBe(closing.quiz.closesAt!.getTime());

  const q = closing.questions[0];
  const edit = await trainer.agent.post(`/courses/${closing.course.id}/questions/${q.id}`).type("form")
    .send(`_csrf=${encodeURIComponent(trainer.csrf)}&categoryId=${q.categoryId}&kind=single&text=S%E1%BB%ADa&choices%5B0%5D%5Btext%5D=A&choices%5B0%5D%5Bfraction%5D=100&choices%5B1%5D%5Btext%5D=B`);
  expect(edit.status).toBe(409);
  expect(edit.text).toContain("Câu hỏi này đã có người làm bài");
});

test("a submission when the time is up is recorded and shown as \"Hết giờ\", not \"Đã nộp\"", async () => {
  const { quiz, questions, trainee } = await setup({ timeLimitMinutes: 10 });
  const right = { [`answer-${questions[0].id}`]: "0" };
  // The page's countdown submits with timeup=1 a moment before the server's deadline (clocks differ).
  const auto = await startAttempt(trainee, quiz.id);
  await setDeadline(auto, new Date(Date.now() + 2_000));
  await submit(trainee, auto, { ...right, timeup: "1" });
  expect(await attemptRow(auto)).toMatchObject({ status: "expired", score: 1 });
  const page = await trainee.agent.get(`/attempts/${auto}`);
  expect(page.text).toContain("Hết giờ");
  expect(page.text).not.toContain("Đã nộp");
  const list = (await trainee.agent.get(`/quizzes/${quiz.id}`)).text;
  expect(list).toContain("Hết giờ");
  expect(list).not.toContain("Đã nộp");
  // A hand-in with time left is "Đã nộp"; a forged timeup=1 long before the deadline changes nothing.
  const early = await startAttempt(trainee, quiz.id);
  await submit(trainee, early, { ...right, timeup: "1" });
  expect((await attemptRow(early)).status).toBe("submitted");
});

test("question names never reach a trainee: attempt page, result with full review, quiz pages", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const cat = await createCategory(db(), course.id, "Chung", actor());
  const names = ["Q6 Sai", "Q13 Đúng cuối"];
  const base = { categoryId: cat.id, generalFeedback: null, ignoreCase: true, ignoreTones: false };
  const qs = [
    await createQuestion(db(), course.id, { ...base, kind: "truefalse", title: names[0], text: "Hội nghị có cấp giấy chứng nhận.", choices: [{ text: "Đúng", fraction: 0 }, { text: "Sai", fraction: 1 }] }, actor()),
    await createQuestion(db(), course.id, { ...base, kind: "truefalse", title: names[1], text: "Lớp học có điểm danh.", choices: [{ text: "Đúng", fraction: 1 }, { text: "Sai", fraction: 0 }] }, actor()),
  ];
  const quiz = await createQuiz(db(), course.id, { ...QUIZ, reviewMode: "full" }, actor());
  await setQuizQuestions(db(), quiz, qs.map((q, i) => ({ questionId: q.id, mark: 1, position: i + 1 })), actor());
  const trainee = await enrolledTrainee(course.id);
  const id = await startAttempt(trainee, quiz.id);
  const pages = [(await trainee.agent.get(`/attempts/${id}`)).text];
  await submit(trainee, id, { [`answer-${qs[0].id}`]: "1" });
  pages.push((await trainee.agent.get(`/attempts/${id}`)).text);
  pages.push((await trainee.agent.get(`/quizzes/${quiz.id}`)).text, (await trainee.agent.get(`/courses/${course.id}/quizzes`)).text);
  expect(pages[0]).toContain("Hội nghị có cấp giấy chứng nhận.");
  expect(pages[1]).toContain("Lớp học có điểm danh.");
  for (const html of pages) for (const name of names) expect(html).not.toContain(name);
  // The trainer still sees the names in the bank.
  expect((await trainer.agent.get(`/courses/${course.id}/questions`)).text).toContain("Q13 Đúng cuối");
});

test("an [html] question shows bold as bold markup to the trainee; scripts and handlers never reach the page", async () => {
  const course = await makeCourse(ctx, admin.user.id, { trainerIds: [trainer.user.id] });
  const cat = await createCategory(db(), course.id, "Chung", actor());
  const base = { categoryId: cat.id, title: null, generalFeedback: null, ignoreCase: true, ignoreTones: false, kind: "single" as const, textFormat: "html" as const };
  const saved = await createQuestion(db(), course.id, { ...base, text: "Huyện <b>Triệu Sơn</b><script>alert(1)</script><img src=x onerror=alert(2)>?", choices: [{ text: "Có", fraction: 1 }, { text: "Không", fraction: 0 }] }, actor());
  expect(saved.text).toBe("Huyện <b>Triệu Sơn</b>?");
  // A row written around the service (older data, by hand) is sanitised again when shown.
  const raw = await createQuestion(db(), course.id, { ...base, text: "Xã <strong>Thọ Xuân</strong>", choices: [{ text: "Có", fraction: 1 }, { text: "Không", fraction: 0 }] }, actor());
  await db().update(questions).set({ text: `Xã <strong>Thọ Xuân</strong><script>alert(3)</script><i onclick="alert(4)">x</i>` }).where(eq(questions.id, raw.id));
  const quiz = await createQuiz(db(), course.id, { ...QUIZ, reviewMode: "full" }, actor());
  await setQuizQuestions(db(), quiz, [saved, raw].map((q, i) => ({ questionId: q.id, mark: 1, position: i + 1 })), actor());
  const trainee = await enrolledTrainee(course.id);
  const id = await startAttempt(trainee, quiz.id);
  const open = (await trainee.agent.get(`/attempts/${id}`)).text;
  await submit(trainee, id);
  const review = (await trainee.agent.get(`/attempts/${id}`)).text;
  for (const html of [open, review]) {
    expect(html).toContain("Huyện <b>Triệu Sơn</b>?");
    expect(html).toContain("Xã <strong>Thọ Xuân</strong><i>x</i>");
    for (const bad of ["alert(", "onerror", "onclick", "&lt;b&gt;"]) expect(html).not.toContain(bad);
  }
});
