/**
 * Quiz settings through the forms, random draws and shuffling, review modes, the trainer's results
 * with item statistics and XLSX export, and the deadline rules driven by an injected clock.
 */
import ExcelJS from "exceljs";
import { and, eq } from "drizzle-orm";
import { quizAttempts, quizQuestions, quizzes } from "../src/db/schema";
import { updateRule } from "../src/features/certificates/completion.service";
import { addParticipant, cancelEnrollment } from "../src/features/enrollment/enrollment.service";
import type { QuestionInput } from "../src/features/quizzes/bank.schema";
import { createCategory, createQuestion } from "../src/features/quizzes/bank.service";
import { closeExpiredAttempts, saveAnswers, startAttempt, submitAttempt } from "../src/features/quizzes/attempts.service";
import { quizResultsByUser } from "../src/features/quizzes/quiz-results";
import type { QuizInput } from "../src/features/quizzes/quizzes.schema";
import { createQuiz, setQuizQuestions } from "../src/features/quizzes/quizzes.service";
import { loginAs, makeUser, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

jest.setTimeout(120000);
const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });

type Session = Awaited<ReturnType<typeof loginAs>>;
const db = () => ctx.handle.db;
const actor = () => ({ id: admin.user.id });
const QUIZ: QuizInput = {
  title: "Kiểm tra", mode: "fixed", randomCategoryId: null, randomCount: null, shuffleQuestions: false, shuffleAnswers: false,
  timeLimitMinutes: null, opensAt: null, closesAt: null, maxAttempts: null, gradingMethod: "highest", passMark: 50, reviewMode: "score",
};
const newCourse = () => makeCourse(ctx, admin.user.id, { title: `Lớp TTĐN ${Math.random().toString(36).slice(2, 7)}`, trainerIds: [trainer.user.id] });
const single = (categoryId: number, text: string, right: string, wrong: string[], extra: Partial<QuestionInput> = {}): QuestionInput => ({
  categoryId, kind: "single", title: null, text, generalFeedback: null, ignoreCase: true, ignoreTones: false,
  choices: [{ text: right, fraction: 1, feedback: `Đúng: ${right}` }, ...wrong.map((w) => ({ text: w, fraction: 0, feedback: `Sai: ${w}` }))], ...extra,
});
async function enrolled(courseId: number, s?: Session) {
  const session = s ?? (await loginAs(ctx, "trainee"));
  await addParticipant(db(), courseId, session.user.id, "admin", null);
  return session;
}
const start = async (s: Session, quizId: number) => {
  const res = await s.agent.post(`/quizzes/${quizId}/attempts`).type("form").send({ _csrf: s.csrf });
  return Number(/\/attempts\/(\d+)$/.exec(res.headers.location)?.[1]);
};
/** The position value of the option showing `text` in question `qid` of an attempt page. */
function positionOf(html: string, qid: number, text: string): string {
  const re = new RegExp(`name="answer-${qid}" value="(\\d+)"[^>]*> <span>${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</span>`);
  const m = re.exec(html);
  if (!m) throw new Error(`no option «${text}» for question ${qid}`);
  return m[1];
}

test("a trainer creates a quiz through the form (with validation), picks its questions and sees it listed", async () => {
  const course = await newCourse();
  const cat = await createCategory(db(), course.id, "Chung", actor());
  const q1 = await createQuestion(db(), course.id, single(cat.id, "Câu một?", "Có", ["Không"]), actor());
  const q2 = await createQuestion(db(), course.id, single(cat.id, "Câu hai?", "Có", ["Không"]), actor());
  expect((await trainer.agent.get(`/courses/${course.id}/quizzes/new`)).status).toBe(200);
  const trainee = await enrolled(course.id);
  expect((await trainee.agent.get(`/courses/${course.id}/quizzes/new`)).status).toBe(403);

  const post = (body: Record<string, string>) => trainer.agent.post(`/courses/${course.id}/quizzes`).type("form").send({ _csrf: trainer.csrf, ...body });
  const bad = await post({ title: "", timeLimitMinutes: "abc", opensAt: "31/02/2026 08:00" });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("Bắt buộc nhập");
  expect(bad.text).toContain("Giá trị không hợp lệ.");
  expect(bad.text).toContain("Ngày giờ không hợp lệ (dd/mm/yyyy hh:mm).");
  const order = await post({ title: "Sai giờ", mode: "random", randomCount: "5", opensAt: "2026-12-07T10:00", closesAt: "07/12/2026 09:00" });
  expect(order.status).toBe(422);
  expect(order.text).toContain("Giờ đóng phải sau giờ mở.");
  expect(order.text).toContain("Chọn danh mục để rút câu hỏi.");
  const tooMany = await post({ title: "Ngẫu nhiên", mode: "random", randomCategoryId: String(cat.id), randomCount: "5" });
  expect(tooMany.status).toBe(422);
  expect(tooMany.text).toContain("Danh mục này chỉ có 2 câu hỏi.");

  const ok = await post({ title: "Kiểm tra cuối khóa", mode: "fixed", timeLimitMinutes: "15", opensAt: "07/12/2026 07:30", closesAt: "2026-12-20T17:00", maxAttempts: "2", gradingMethod: "average", passMark: "62,5", reviewMode: "full", shuffleAnswers: "on" });
  expect(ok.status).toBe(302);
  const [quiz] = await db().select().from(quizzes).where(eq(quizzes.courseId, course.id));
  expect(ok.headers.location).toBe(`/quizzes/${quiz.id}/questions`);
  expect(quiz).toMatchObject({ title: "Kiểm tra cuối khóa", timeLimitMinutes: 15, maxAttempts: 2, gradingMethod: "average", passMark: 62.5, reviewMode: "full", shuffleAnswers: true, shuffleQuestions: false });
  // Vietnam time (UTC+7).
  expect(quiz.opensAt!.toISOString()).toBe("2026-12-07T00:30:00.000Z");
  expect(quiz.closesAt!.toISOString()).toBe("2026-12-20T10:00:00.000Z");
  const edit = await trainer.agent.get(`/quizzes/${quiz.id}/edit`);
  expect(edit.text).toContain('value="07/12/2026 07:30"');

  const picker = await trainer.agent.get(`/quizzes/${quiz.id}/questions`);
  expect(picker.text).toContain("Câu một?");
  // Ids are checked against this course's bank: another course's question is refused.
  const elsewhere = await newCourse();
  const foreignCat = await createCategory(db(), elsewhere.id, "Khác", actor());
  await expect(createQuestion(db(), course.id, single(foreignCat.id, "Lạ", "a", ["b"]), actor())).rejects.toThrow();
  const foreign = await createQuestion(db(), elsewhere.id, single(foreignCat.id, "Lạ", "a", ["b"]), actor());
  const refused = await trainer.agent.post(`/quizzes/${quiz.id}/questions`).type("form").send(`_csrf=${encodeURIComponent(trainer.csrf)}&include=${q1.id}&include=${foreign.id}`);
  expect(refused.status).toBe(422);
  expect(refused.text).toContain("Có câu hỏi không thuộc ngân hàng của khóa học này.");
  const pick = await trainer.agent.post(`/quizzes/${quiz.id}/questions`).type("form")
    .send(`_csrf=${encodeURIComponent(trainer.csrf)}&include=${q2.id}&include=${q1.id}&mark-${q2.id}=1,5&pos-${q2.id}=2&pos-${q1.id}=1`);
  expect(pick.status).toBe(302);
  const rows = await db().select().from(quizQuestions).where(eq(quizQuestions.quizId, quiz.id));
  expect(rows.map((r) => [r.questionId, r.position, r.mark]).sort((a, b) => a[1] - b[1])).toEqual([[q1.id, 1, 1], [q2.id, 2, 1.5]]);
  const page = await trainer.agent.get(`/quizzes/${quiz.id}`);
  expect(page.text).toContain("2,5"); // total marks
  const list = await trainer.agent.get(`/courses/${course.id}/quizzes`);
  expect(list.text).toContain("Kiểm tra cuối khóa");
  expect(list.text).toContain("07/12/2026 07:30");
  // A quiz with neither open nor close time says so in words.
  await createQuiz(db(), course.id, { ...QUIZ, title: "Ôn tập tự do" }, actor());
  const again = (await trainer.agent.get(`/courses/${course.id}/quizzes`)).text;
  const row = again.split("<tr>").find((r) => r.includes("Ôn tập tự do")) ?? "";
  expect(row).toContain("Không giới hạn");
  expect(again).not.toContain("— – —");
});

test("random mode draws N questions from the category at start, shuffles, and the layout stays put on reload", async () => {
  const course = await newCourse();
  const cat = await createCategory(db(), course.id, "Ngân hàng lớn", actor());
  const other = await createCategory(db(), course.id, "Khác", actor());
  const made = [];
  for (let i = 1; i <= 6; i++) made.push(await createQuestion(db(), course.id, single(cat.id, `Câu số ${i}?`, `Đúng ${i}`, [`Sai ${i}a`, `Sai ${i}b`, `Sai ${i}c`]), actor()));
  await createQuestion(db(), course.id, single(other.id, "Không được rút", "x", ["y"]), actor());
  const quiz = await createQuiz(db(), course.id, { ...QUIZ, mode: "random", randomCategoryId: cat.id, randomCount: 3, shuffleQuestions: true, shuffleAnswers: true }, actor());
  const trainee = await enrolled(course.id);
  const id = await start(trainee, quiz.id);
  const [attempt] = await db().select().from(quizAttempts).where(eq(quizAttempts.id, id));
  expect(attempt.layout).toHaveLength(3);
  const ids = made.map((q) => q.id);
  for (const l of attempt.layout) {
    expect(ids).toContain(l.questionId);
    expect([...l.choiceOrder].sort()).toEqual([0, 1, 2, 3]);
    expect(l.mark).toBe(1);
  }
  const first = (await trainee.agent.get(`/attempts/${id}`)).text;
  const second = (await trainee.agent.get(`/attempts/${id}`)).text;
  const order = (html: string) => [...html.matchAll(/Câu số (\d)\?/g)].map((m) => m[1]).join();
  expect(order(first)).toBe(order(second));
  expect(first.match(/<span>[^<]*<\/span>/g)).toEqual(second.match(/<span>[^<]*<\/span>/g));
  expect(first).not.toContain("Không được rút");

  // Picking the right texts, wherever shuffling put them, scores 100 %.
  const fields: Record<string, string> = { _csrf: trainee.csrf, form: "1" };
  for (const l of attempt.layout) {
    const n = made.findIndex((q) => q.id === l.questionId) + 1;
    fields[`answer-${l.questionId}`] = positionOf(first, l.questionId, `Đúng ${n}`);
  }
  await trainee.agent.post(`/attempts/${id}/submit`).type("form").send(fields);
  const [done] = await db().select().from(quizAttempts).where(eq(quizAttempts.id, id));
  expect(done).toMatchObject({ status: "submitted", score: 3, percent: 100 });
});

test("review: 'score' shows only the score; 'full' shows right answers and feedback after submission", async () => {
  const course = await newCourse();
  const cat = await createCategory(db(), course.id, "Chung", actor());
  const q = await createQuestion(db(), course.id, single(cat.id, "Ai ký Kế hoạch?", "Phó Chủ tịch", ["Chánh Văn phòng"], { generalFeedback: "Ký thay Chủ tịch (KT.)" }), actor());
  const scoreOnly = await createQuiz(db(), course.id, { ...QUIZ, title: "Chỉ điểm" }, actor());
  const full = await createQuiz(db(), course.id, { ...QUIZ, title: "Đầy đủ", reviewMode: "full" }, actor());
  for (const quiz of [scoreOnly, full]) await setQuizQuestions(db(), quiz, [{ questionId: q.id, mark: 1, position: 1 }], actor());
  const trainee = await enrolled(course.id);

  for (const quiz of [scoreOnly, full]) {
    const id = await start(trainee, quiz.id);
    await trainee.agent.post(`/attempts/${id}/submit`).type("form").send({ _csrf: trainee.csrf, form: "1", [`answer-${q.id}`]: "1" });
    const page = (await trainee.agent.get(`/attempts/${id}`)).text;
    expect(page).toContain("0 / 1 điểm (0%)");
    expect(page).toContain("Chưa đạt");
    if (quiz.reviewMode === "score") {
      expect(page).toContain("chỉ cho xem điểm");
      for (const secret of ["Phó Chủ tịch", "Sai: Chánh Văn phòng", "Ký thay Chủ tịch"]) expect(page).not.toContain(secret);
    } else {
      expect(page).toContain("Phó Chủ tịch");
      expect(page).toContain("Đáp án đúng");
      expect(page).toContain("Sai: Chánh Văn phòng"); // feedback of the choice picked
      expect(page).not.toContain("Đúng: Phó Chủ tịch"); // not picked: its feedback stays hidden
      expect(page).toContain("Ký thay Chủ tịch (KT.)");
    }
  }
});

test("trainers see each trainee's grade by the grading method, pass or fail, facility and discrimination, and export XLSX", async () => {
  const course = await newCourse();
  const cat = await createCategory(db(), course.id, "Chung", actor());
  const qs = [];
  qs.push(await createQuestion(db(), course.id, single(cat.id, "=1+1 có phải công thức không?", "Không", ["Có"]), actor()));
  for (let i = 2; i <= 3; i++) qs.push(await createQuestion(db(), course.id, single(cat.id, `Câu ${i}?`, "Đúng", ["Sai"]), actor()));
  const quiz = await createQuiz(db(), course.id, { ...QUIZ, title: "Cuối khóa", gradingMethod: "average", passMark: 60 }, actor());
  await setQuizQuestions(db(), quiz, qs.map((q, i) => ({ questionId: q.id, mark: 1, position: i + 1 })), actor());
  const people = [
    await makeUser(ctx, "trainee", { ho: "Nguyễn", tenDem: "Thị", ten: "An" }),
    await makeUser(ctx, "trainee", { ho: "Lê", tenDem: "Văn", ten: "Bình" }),
    await makeUser(ctx, "trainee", { ho: "=Cmd", tenDem: "", ten: "Cường" }),
    await makeUser(ctx, "trainee", { ho: "Trần", tenDem: "", ten: "Dũng" }),
  ];
  const sessions = [];
  for (const p of people) sessions.push(await enrolled(course.id, await loginAs(ctx, p)));
  // How many right answers each attempt has: An 3 then 1 (average 66.7 %: passes), Bình 1, Cường 0, Dũng never tries.
  const plan = [[3, 1], [1], [0]];
  for (const [i, attempts] of plan.entries()) {
    for (const right of attempts) {
      const id = await start(sessions[i], quiz.id);
      const fields: Record<string, string> = { _csrf: sessions[i].csrf, form: "1" };
      qs.forEach((q, k) => { fields[`answer-${q.id}`] = k < right ? "0" : "1"; });
      await sessions[i].agent.post(`/attempts/${id}/submit`).type("form").send(fields);
    }
  }
  const trainee = sessions[0];
  expect((await trainee.agent.get(`/quizzes/${quiz.id}/results`)).status).toBe(403);
  expect((await (await loginAs(ctx, "trainer")).agent.get(`/quizzes/${quiz.id}/results`)).status).toBe(403);

  const page = await trainer.agent.get(`/quizzes/${quiz.id}/results`);
  expect(page.status).toBe(200);
  const rowOf = (name: string) => page.text.split("<tr>").find((r) => r.includes(name)) ?? "";
  expect(rowOf("Nguyễn Thị An")).toContain("66,7%");
  expect(rowOf("Nguyễn Thị An")).toContain("Đạt");
  expect(rowOf("Lê Văn Bình")).toContain("Chưa đạt");
  expect(rowOf("Trần Dũng")).toContain("Chưa làm");
  expect(page.text).toContain("1 / 4 học viên đạt");
  // Question 1 was right in 3 of 4 attempts (75 %); top third (An's 3/3) minus bottom third (Cường's 0/3) = 1.
  const statRow = page.text.split("<tr>").find((r) => r.includes("=1+1 có phải công thức không?")) ?? "";
  expect(statRow).toContain("75%");
  expect(statRow).toMatch(/>1</);

  // Highest instead of average: An's grade becomes 100 %.
  await db().update(quizzes).set({ gradingMethod: "highest" }).where(eq(quizzes.id, quiz.id));
  const highest = await trainer.agent.get(`/quizzes/${quiz.id}/results`);
  expect(highest.text.split("<tr>").find((r) => r.includes("Nguyễn Thị An"))).toContain("100%");
  const byUser = await quizResultsByUser(db(), quiz.id);
  expect(byUser.results.get(people[0].id)).toEqual({ percent: 100, passed: true, attempts: 2 });
  expect(byUser.results.has(people[3].id)).toBe(false);

  const xlsx = await trainer.agent.get(`/quizzes/${quiz.id}/results.xlsx`).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on("data", (c: Buffer) => chunks.push(c));
    r.on("end", () => cb(null, Buffer.concat(chunks)));
  });
  expect(xlsx.status).toBe(200);
  expect(xlsx.headers["content-type"]).toContain("spreadsheetml");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.body);
  const sheet = wb.getWorksheet("Kết quả")!;
  const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
  expect(values(5)).toEqual(["TT", "Họ và tên", "Đơn vị", "Số lần làm", "Điểm (%)", "Kết quả"]);
  const data = [6, 7, 8, 9].map(values);
  expect(data.find((r) => r[1] === "Nguyễn Thị An")).toEqual([expect.any(Number), "Nguyễn Thị An", undefined, 2, 100, "Đạt"]);
  expect(data.find((r) => r[1] === "Trần Dũng")?.[5]).toBe("Chưa làm");
  // A value that starts like a formula stays text.
  const cmd = data.find((r) => String(r[1]).includes("Cường"));
  expect(String(cmd?.[1]).startsWith("'=")).toBe(true);
  const stats = wb.getWorksheet("Thống kê câu hỏi")!;
  // Under the merged title line and a blank row, the header (row 3), then one row per question.
  expect((stats.getRow(4).values as unknown[]).slice(1)).toEqual([1, "'=1+1 có phải công thức không?", "Một đáp án", 4, 75, 1]);
  for (const ws of [sheet, stats]) ws.eachRow((row) => row.eachCell((cell) => expect(cell.formula).toBeUndefined()));
});

describe("deadline rules with an injected clock (services)", () => {
  const T = new Date("2026-12-07T01:00:00Z"); // 08:00 in Vietnam
  const at = (ms: number) => new Date(T.getTime() + ms);
  const MIN = 60_000;

  test("answers count up to the deadline plus 30 s; later ones do not, and the attempt closes itself", async () => {
    const course = await newCourse();
    const cat = await createCategory(db(), course.id, "Chung", actor());
    const q1 = await createQuestion(db(), course.id, single(cat.id, "Một?", "a", ["b"]), actor());
    const q2 = await createQuestion(db(), course.id, single(cat.id, "Hai?", "a", ["b"]), actor());
    const quiz = await createQuiz(db(), course.id, { ...QUIZ, timeLimitMinutes: 10, opensAt: at(-60 * MIN), closesAt: at(120 * MIN) }, actor());
    await setQuizQuestions(db(), quiz, [q1, q2].map((q, i) => ({ questionId: q.id, mark: 1, position: i + 1 })), actor());
    const user = await makeUser(ctx, "trainee");
    await addParticipant(db(), course.id, user.id, "admin", null);

    const { attemptId } = await startAttempt(db(), user, quiz.id, T);
    const [row] = await db().select().from(quizAttempts).where(eq(quizAttempts.id, attemptId));
    expect(row.deadline!.toISOString()).toBe(at(10 * MIN).toISOString());
    expect(await saveAnswers(db(), user, attemptId, { [q1.id]: [0] }, { replaceAll: false }, at(10 * MIN + 29_000))).toMatchObject({ saved: true });
    // A request in the same minute still resumes the open attempt rather than making a second one.
    expect(await startAttempt(db(), user, quiz.id, at(10 * MIN + 29_500))).toEqual({ attemptId, resumed: true });
    const late = await saveAnswers(db(), user, attemptId, { [q2.id]: [0] }, { replaceAll: false }, at(10 * MIN + 31_000));
    expect(late.saved).toBe(false);
    const [closed] = await db().select().from(quizAttempts).where(eq(quizAttempts.id, attemptId));
    expect(closed).toMatchObject({ status: "expired", score: 1, maxScore: 2, percent: 50 });
    expect(await submitAttempt(db(), user, attemptId, { [q2.id]: "0" }, at(11 * MIN))).toMatchObject({ late: false, attempt: { status: "expired", score: 1 } });

    // A second attempt nobody touches again is closed by the sweep (results pages and certificates run it).
    const second = await startAttempt(db(), user, quiz.id, at(20 * MIN));
    expect(second.resumed).toBe(false);
    expect(await closeExpiredAttempts(db(), { quizId: quiz.id }, at(30 * MIN))).toBe(0);
    expect(await closeExpiredAttempts(db(), { quizId: quiz.id }, at(30 * MIN + 31_000))).toBe(1);
    const rows = await db().select().from(quizAttempts).where(and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, user.id)));
    expect(rows.map((r) => r.status).sort()).toEqual(["expired", "expired"]);

    // Before it opens and after it closes, no attempt starts; near the close the deadline is the close time.
    await expect(startAttempt(db(), user, quiz.id, at(-61 * MIN))).rejects.toThrow("Bài kiểm tra mở lúc 07/12/2026 07:00.");
    await expect(startAttempt(db(), user, quiz.id, at(120 * MIN))).rejects.toThrow("Bài kiểm tra đã đóng.");
    const near = await startAttempt(db(), user, quiz.id, at(115 * MIN));
    const [nearRow] = await db().select().from(quizAttempts).where(eq(quizAttempts.id, near.attemptId));
    expect(nearRow.deadline!.toISOString()).toBe(at(120 * MIN).toISOString());
  });
});

test("the quiz results and the completion page count the same class: the seat holders (inClass)", async () => {
  const course = await newCourse();
  const cat = await createCategory(db(), course.id, "Chung", actor());
  const q = await createQuestion(db(), course.id, single(cat.id, "Câu 1?", "Đúng", ["Sai"]), actor());
  const quiz = await createQuiz(db(), course.id, QUIZ, actor());
  await setQuizQuestions(db(), quiz, [{ questionId: q.id, mark: 1, position: 1 }], actor());
  await updateRule(db(), course.id, { minAttendanceRate: 0.8, countExcused: false, requiredQuizId: quiz.id, completionApprovalRequired: false }, actor());
  const [passer, other] = [await enrolled(course.id), await enrolled(course.id)];
  // A staff member holding a seat is in the class; a trainee who left after the quiz is not.
  const staff = await makeUser(ctx, "trainer", { ho: "Phạm", tenDem: "", ten: "Giang" });
  await addParticipant(db(), course.id, staff.id, "admin", null);
  const leaver = await enrolled(course.id, await loginAs(ctx, await makeUser(ctx, "trainee", { ho: "Đỗ", tenDem: "Văn", ten: "Rời" })));
  for (const s of [passer, leaver]) {
    const id = await start(s, quiz.id);
    await s.agent.post(`/attempts/${id}/submit`).type("form").send({ _csrf: s.csrf, form: "1", [`answer-${q.id}`]: "0" });
  }
  await cancelEnrollment(db(), course.id, leaver.user.id, actor());
  expect(other.user.id).toBeGreaterThan(0);

  const results = (await trainer.agent.get(`/quizzes/${quiz.id}/results`)).text;
  const completion = (await trainer.agent.get(`/courses/${course.id}/completion`)).text;
  expect(results).toContain("1 / 3 học viên đạt");
  expect(results).toContain("Phạm Giang");
  expect(results).not.toContain("Đỗ Văn Rời");
  expect(completion).toMatch(/\d+\/3 học viên đạt điều kiện/);
});
