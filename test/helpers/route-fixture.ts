/** The fixture every route can act on (access matrix, CSRF on every POST): a course with everything in it. */
import { eq } from "drizzle-orm";
import {
  attendanceMarks, certificates, courseSessions, enrollments, materials, participantCategories, plans, questionCategories, questions, quizQuestions, quizzes, users,
} from "../../src/db/schema";
import { startAttempt } from "../../src/features/quizzes/attempts.service";
import { issueCertificate } from "../../src/features/certificates/issue.service";
import { getCourse } from "../../src/features/courses/courses.service";
import { addSessions } from "../../src/features/courses/sessions.service";
import { addParticipant } from "../../src/features/enrollment/enrollment.service";
import { putFile } from "../../src/lib/file-store";
import { makeUser, type TestContext } from "./app";
import { makeCourse } from "./courses";

export interface Fixture {
  courseId: number;
  sessionId: number;
  enrollmentId: number;
  materialId: number;
  userId: number;
  planId: number;
  categoryId: number;
  unitCode: string;
  quizId: number;
  certificateId: number;
  token: string;
  traineeId: number;
  categoryId2: number;
  questionId: number;
  attemptId: number;
}

/** A course taught by `trainerId` with a trainee enrolled, a session, a material, a pending request, and a spare user. */
export async function buildFixture(ctx: TestContext, adminId: number, trainerId: number, traineeId: number): Promise<Fixture> {
  const db = ctx.handle.db;
  const course = await makeCourse(ctx, adminId, { trainerIds: [trainerId], approvalRequired: false });
  await addSessions(db, await getCourse(db, course.id), { date: "2026-12-01", startTime: "07:30", endTime: "11:00", venue: null, topic: null, trainerId: null, weekdays: [], repeatUntil: null }, { id: adminId });
  const [session] = await db.select().from(courseSessions).where(eq(courseSessions.courseId, course.id));
  await addParticipant(db, course.id, traineeId, "admin", null);
  // A pending request, so approve (then remove) have something to act on.
  const spare = await makeUser(ctx, "trainee");
  const [enrollment] = await db.insert(enrollments).values({ courseId: course.id, userId: spare.id, status: "pending" }).returning();
  const stored = await putFile(db, Buffer.from("%PDF-1.4\n%%EOF\n"), { kind: "material", mime: "application/pdf" });
  const [material] = await db.insert(materials).values({ courseId: course.id, originalName: "Bài giảng.pdf", fileId: stored.id, mime: "application/pdf", size: 15 }).returning();
  const [plan] = await db.select().from(plans).limit(1);
  const [category] = await db.select().from(participantCategories).limit(1);
  // A question bank, a quiz with one question, and an open attempt by the trainee.
  const [qcat] = await db.insert(questionCategories).values({ courseId: course.id, name: "Chung" }).returning();
  const [question] = await db.insert(questions).values({ courseId: course.id, categoryId: qcat.id, kind: "truefalse", text: "Đúng hay sai?", choices: [{ text: "Đúng", fraction: 1 }, { text: "Sai", fraction: 0 }] }).returning();
  const [quiz] = await db.insert(quizzes).values({ courseId: course.id, title: "Kiểm tra cuối khóa" }).returning();
  await db.insert(quizQuestions).values({ quizId: quiz.id, questionId: question.id, position: 1, mark: 1 });
  const me = (await db.select().from(users).where(eq(users.id, traineeId)))[0];
  const { attemptId } = await startAttempt(db, { id: me.id, fullName: me.fullName, role: me.role, login: me.login, sessionVersion: me.sessionVersion }, quiz.id, new Date());
  // The trainee attended the only session and has a date of birth: eligible, and issued a certificate.
  await db.insert(attendanceMarks).values({ sessionId: session.id, userId: traineeId, status: "P", source: "rollcall" });
  await db.update(users).set({ dateOfBirth: "1990-03-05" }).where(eq(users.id, traineeId));
  const cert = await issueCertificate(db, course.id, traineeId, { id: adminId }, { baseUrl: "http://taphuan.test" });
  const [certRow] = await db.select().from(certificates).where(eq(certificates.id, cert.id));
  return {
    certificateId: certRow.id, token: certRow.token, traineeId,
    courseId: course.id, sessionId: session.id, enrollmentId: enrollment.id, materialId: material.id, userId: spare.id, planId: plan.id, categoryId: category.id, unitCode: "X-TANNINH",
    quizId: quiz.id, categoryId2: qcat.id, questionId: question.id, attemptId,
  };
}

/** The URL of `route` ("METHOD /path/:id") with the fixture's ids in place of its parameters. */
export function urlFor(route: string, f: Fixture): string {
  const p = route.split(" ")[1];
  const id = p.startsWith("/users") ? f.userId : p.startsWith("/plans") ? f.planId : p.startsWith("/categories") ? f.categoryId : p.startsWith("/certificates") ? f.certificateId : p.startsWith("/reports") ? 999999 : f.courseId;
  return p
    .replace(":id", String(id))
    .replace(":sid", String(f.sessionId))
    .replace(":eid", String(f.enrollmentId))
    .replace(":materialId", String(f.materialId))
    .replace(":code", f.unitCode)
    .replace(":quizId", String(f.quizId))
    .replace(":catId", String(f.categoryId2))
    .replace(":qid", String(f.questionId))
    .replace(":attemptId", String(f.attemptId))
    .replace(":userId", String(f.traineeId))
    .replace(":planId", String(f.planId))
    .replace(":period", "2026")
    .replace(/\/rows$/, "/rows?f=t1.conferences")
    .replace(":token", p.startsWith("/checkin") ? "khong-hop-le" : f.token);
}
