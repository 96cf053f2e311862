/**
 * One training class in which every text a person can type holds hostile text (markup, quotes, a
 * formula), all typed through the real forms: organisation settings, a unit, a category, a plan and its
 * tasks, two trainees, a course with sessions (one cancelled), a walk-in, roll-call remarks, a question
 * bank and a quiz taken by a trainee, certificates (numbering, re-issue and revoke reasons), a rejected
 * enrollment, and the report's narrative frozen as a version.
 */
import { and, eq } from "drizzle-orm";
import ejs from "ejs";
import request from "supertest";
import { certificates, courseSessions, courses, enrollments, participantCategories, planTasks, plans, questionCategories, questions, quizzes, users } from "../src/db/schema";
import { capitaliseName } from "../src/lib/vietnamese";
import { loginAs, type TestContext } from "./helpers/app";
import { hostile } from "./helpers/hostile";

type Agent = Awaited<ReturnType<typeof loginAs>>;
export const YEAR = 2026;

/** Posts a form and insists on the redirect that means "saved". */
async function save(who: Agent, url: string, body: Record<string, string | string[]>): Promise<request.Response> {
  const res = await who.agent.post(url).type("form").send({ _csrf: who.csrf, ...body });
  if (res.status !== 302) throw new Error(`${url}: ${res.status} ${res.text.slice(0, 2000)}`);
  return res;
}

/**
 * The values typed into each field (tags F01… name the field in failure messages). What a certificate
 * prints gets the shorter forms: with the longest values the forms accept, the certificate's signature
 * block and QR caption fall off the page and a long number line is cut at the left edge (a layout limit
 * of src/lib/pdf/certificate.ts, not an escaping matter).
 */
export function hostileValues() {
  let n = 0;
  const v = (max = 300) => {
    n += 1;
    return hostile(`F${String(n).padStart(2, "0")}`, n, max);
  };
  const MEDIUM = 55;
  const person = () => ({ ho: v(40), tenDem: v(20), ten: v(40), position: v(200) });
  // A ";" starts a new cell where Excel's list separator is ";" (decimal-comma locales such as Vietnamese).
  const withSemicolon = (s: string) => `${s};=HYPERLINK("http://x.example")`;
  return {
    org: { managingBody: v(MEDIUM), issuingBody: v(MEDIUM), placeName: v(20), signerPrefix: v(MEDIUM), signerTitle: v(MEDIUM), signerName: v(MEDIUM), recipients: [v(), v()] },
    unit: v(MEDIUM),
    category: v(200),
    plan: { title: v(500), number: v(100), issuingBody: v(200), tasks: [v(500), v(500), v(500), v(500)] },
    trainee1: person(),
    trainee2: { ...person(), position: withSemicolon(v(160)) },
    course: { title: v(40), topic: v(300), description: v(5000), venue: v(MEDIUM), fundingNote: v(300) },
    session: { venue: v(300), topic: v(300), cancelReason: v(300) },
    walkin: v(120),
    remark: v(300),
    rejectReason: v(500),
    quiz: { category: v(200), title: v(200), qTitle: v(200), qText: v(), feedback: v(), right: v(), rightFeedback: v(), wrong: v(), shortText: v(), typed: v(), tfText: v(), tfTrue: v(), tfFalse: v() },
    cert: { pattern: `{seq}/{series}-${v(20)}`, series: v(20), reissue: v(500), revoke: withSemicolon(v(450)) },
    narrative: { documentNumber: v(60), radioNote: v(), results: [v(), v()], limitations: v(), directions: v(), recommendations: v() },
  };
}
export type HostileValues = ReturnType<typeof hostileValues>;

/** Name parts as stored: every syllable capitalised. */
export const namesOf = (p: { ho: string; tenDem: string; ten: string }) => [p.ho, p.tenDem, p.ten].map(capitaliseName);

export async function buildHostileWorld(ctx: TestContext) {
  const db = ctx.handle.db;
  const V = hostileValues();
  const admin = await loginAs(ctx, "admin");
  const trainer = await loginAs(ctx, "trainer");

  await save(admin, "/settings", {
    validFrom: `01/01/${YEAR}`, managingBody: V.org.managingBody, issuingBody: V.org.issuingBody, placeName: V.org.placeName,
    signerPrefix: V.org.signerPrefix, signerTitle: V.org.signerTitle, signerName: V.org.signerName, reportRecipients: V.org.recipients.join("\n"),
  });
  await save(admin, "/units", { code: "HX1", name: V.unit, type: "xa", parentCode: "", validFrom: "", validTo: "", mergedInto: "" });
  await save(admin, "/categories", { name: V.category, sortOrder: "99" });
  const [category] = await db.select().from(participantCategories).where(eq(participantCategories.name, V.category));
  await save(admin, "/plans", { title: V.plan.title, number: V.plan.number, issuedDate: `02/01/${YEAR}`, issuingBody: V.plan.issuingBody, tasks: V.plan.tasks.join("\r\n") });
  const [plan] = await db.select().from(plans).where(eq(plans.title, V.plan.title));
  const [task3] = await db.select().from(planTasks).where(and(eq(planTasks.planId, plan.id), eq(planTasks.number, 3)));

  const trainee = async (p: HostileValues["trainee1"], login: string, cccd: string) => {
    const password = "mat-khau-hostile-1";
    await save(admin, "/users", {
      ...p, login, email: "", phone: "", role: "trainee", dateOfBirth: "17/05/1990", gender: "Nữ", ethnicityCode: "01", unitCode: "HX1",
      categoryId: String(category.id), cccd, password,
    });
    const [row] = await db.select().from(users).where(eq(users.login, login));
    return loginAs(ctx, { id: row.id, login, password, fullName: row.fullName });
  };
  const t1 = await trainee(V.trainee1, "hv.hostile1", "038190000011");
  const t2 = await trainee(V.trainee2, "hv.hostile2", "038190000022");

  const courseForm = (title: string, extra: Record<string, string> = {}) => ({
    title, kind: "training", planTaskId: String(task3.id), topic: V.course.topic, description: V.course.description, organiserUnitCode: "HX1",
    venue: V.course.venue, capacity: "", enrollOpens: "", enrollCloses: "", status: "open", trainerIds: String(trainer.user.id),
    targetCategoryIds: String(category.id), "funding[0][source]": "state", "funding[0][amount]": "1.500.000", "funding[0][note]": V.course.fundingNote, ...extra,
  });
  await save(admin, "/courses", courseForm(V.course.title));
  const [course] = await db.select().from(courses).where(eq(courses.title, V.course.title));
  for (const day of ["02", "03", "04"]) {
    await save(trainer, `/courses/${course.id}/sessions`, { date: `${day}/03/${YEAR}`, startTime: "07:30", endTime: "11:00", venue: V.session.venue, topic: V.session.topic, trainerId: "", repeatUntil: "" });
  }
  const sessions = await db.select().from(courseSessions).where(eq(courseSessions.courseId, course.id)).orderBy(courseSessions.date);
  await save(trainer, `/courses/${course.id}/sessions/${sessions[2].id}/cancel`, { reason: V.session.cancelReason });

  for (const t of [t1, t2]) await t.agent.post(`/courses/${course.id}/enroll`).type("form").send({ _csrf: t.csrf }).expect(302);
  await save(trainer, `/courses/${course.id}/walkin`, { fullName: V.walkin, unitCode: "HX1", phone: "0912345678" });
  const [walkin] = await db.select().from(users).where(eq(users.phone, "0912345678"));
  for (const s of sessions.slice(0, 2)) {
    const marks = Object.fromEntries([t1.user.id, t2.user.id, walkin.id].map((id) => [`mark[u${id}]`, "P"]));
    await save(trainer, `/courses/${course.id}/sessions/${s.id}/attendance`, { ...marks, [`remark[u${t1.user.id}]`]: V.remark });
  }

  // A second course asks for approval; trainee 1's request is rejected with a reason.
  await save(admin, "/courses", courseForm(`${V.course.title} (duyệt)`, { approvalRequired: "on" }));
  const [approvalCourse] = await db.select().from(courses).where(eq(courses.title, `${V.course.title} (duyệt)`));
  await t1.agent.post(`/courses/${approvalCourse.id}/enroll`).type("form").send({ _csrf: t1.csrf }).expect(302);
  const [pending] = await db.select().from(enrollments).where(and(eq(enrollments.courseId, approvalCourse.id), eq(enrollments.userId, t1.user.id)));
  await save(trainer, `/courses/${approvalCourse.id}/enrollments/${pending.id}/reject`, { reason: V.rejectReason });

  // Question bank and a quiz (full review), taken by trainee 1: the right option and a typed short answer.
  const Q = V.quiz;
  await save(trainer, `/courses/${course.id}/question-categories`, { name: Q.category });
  const [{ id: catId }] = await db.select().from(questionCategories).where(eq(questionCategories.courseId, course.id));
  await save(trainer, `/courses/${course.id}/questions`, {
    categoryId: String(catId), kind: "single", title: Q.qTitle, text: Q.qText, generalFeedback: Q.feedback,
    "choices[0][text]": Q.right, "choices[0][fraction]": "100", "choices[0][feedback]": Q.rightFeedback, "choices[1][text]": Q.wrong, "choices[1][fraction]": "0", "choices[1][feedback]": "",
  });
  await save(trainer, `/courses/${course.id}/questions`, { categoryId: String(catId), kind: "short", title: "", text: Q.shortText, generalFeedback: "", "choices[0][text]": "Đối ngoại", "choices[0][fraction]": "100" });
  await save(trainer, `/courses/${course.id}/questions`, { categoryId: String(catId), kind: "truefalse", title: "", text: Q.tfText, generalFeedback: "", tfCorrect: "true", tfFeedbackTrue: Q.tfTrue, tfFeedbackFalse: Q.tfFalse });
  const bank = await db.select().from(questions).where(eq(questions.courseId, course.id)).orderBy(questions.id);
  await save(trainer, `/courses/${course.id}/quizzes`, { title: Q.title, mode: "fixed", gradingMethod: "highest", passMark: "50", reviewMode: "full" });
  const [quiz] = await db.select().from(quizzes).where(eq(quizzes.courseId, course.id));
  await save(trainer, `/quizzes/${quiz.id}/questions`, { include: bank.map((q) => String(q.id)) });
  const started = await t1.agent.post(`/quizzes/${quiz.id}/attempts`).type("form").send({ _csrf: t1.csrf }).expect(302);
  const attemptUrl = started.headers.location;
  const page = (await t1.agent.get(attemptUrl)).text;
  const position = (qid: number, text: string) => {
    const m = new RegExp(`name="answer-${qid}" value="(\\d+)"[^>]*> <span>${escapeRe(ejs.escapeXML(text))}</span>`).exec(page);
    if (!m) throw new Error(`option ${text} not found on the attempt page`);
    return m[1];
  };
  await save(t1, `${attemptUrl}/submit`, { form: "1", [`answer-${bank[0].id}`]: position(bank[0].id, Q.right), [`answer-${bank[1].id}`]: Q.typed, [`answer-${bank[2].id}`]: position(bank[2].id, "Đúng") });

  // Certificates: a numbering pattern and series, issue to both trainees, re-issue one, revoke the other.
  await save(admin, "/certificates/settings", { pattern: V.cert.pattern, series: V.cert.series, offsetXmm: "0", offsetYmm: "0" });
  for (const t of [t1, t2]) await save(admin, `/courses/${course.id}/certificates`, { userId: String(t.user.id) });
  const certOf = async (userId: number) => (await db.select().from(certificates).where(and(eq(certificates.courseId, course.id), eq(certificates.userId, userId))).orderBy(certificates.id)).pop()!;
  await save(admin, `/certificates/${(await certOf(t1.user.id)).id}/reissue`, { reason: V.cert.reissue });
  await save(admin, `/certificates/${(await certOf(t2.user.id)).id}/revoke`, { reason: V.cert.revoke });
  const cert1 = await certOf(t1.user.id);
  const cert2 = await certOf(t2.user.id);

  const N = V.narrative;
  const reportBase = `/reports/${plan.id}/${YEAR}`;
  await save(admin, `${reportBase}/narrative`, {
    documentNumber: N.documentNumber, reportDate: `20/11/${YEAR}`, radioProgrammes: "12", radioNote: N.radioNote, results: N.results.join("\r\n"),
    limitations: N.limitations, directions: N.directions, recommendations: N.recommendations,
  });
  const frozen = await save(admin, `${reportBase}/freeze`, {});
  const versionUrl = frozen.headers.location;

  return {
    V, admin, trainer, t1, t2, plan, category, course, approvalCourse, sessions, walkin, quiz, bank, attemptUrl, cert1, cert2, reportBase, versionUrl,
    /** An agent with no session (the public). */
    anonymous: () => request.agent(ctx.app),
  };
}
export type HostileWorld = Awaited<ReturnType<typeof buildHostileWorld>>;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
