/**
 * Every XLSX the app produces (and the report DOCX, draft and frozen), downloaded from a test app over the report
 * tests' known dataset plus a participant with a very long name, certificates with their snapshots,
 * and quiz results built from plain data. Used by the layout test and the LibreOffice rendering test.
 */
import { eq } from "drizzle-orm";
import type { Test } from "supertest";
import { certificates, courses as coursesTable, users } from "../../src/db/schema";
import { addParticipant } from "../../src/features/enrollment/enrollment.service";
import { resultsWorkbook } from "../../src/features/quizzes/results.service";
import type { QuizRow } from "../../src/features/quizzes/quizzes.service";
import { createUser } from "../../src/features/users/users.service";
import { buildKnownDataset } from "../reports.fixture";
import { loginAs, type TestContext } from "./app";

export interface OfficeFile {
  name: string;
  bytes: Buffer;
}

/** GET a file as bytes (fails the test on a non-200 answer). */
export async function download(req: Test): Promise<Buffer> {
  const res = await req.buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on("data", (c: Buffer) => chunks.push(c));
    r.on("end", () => cb(null, Buffer.concat(chunks)));
  });
  if (res.status !== 200) throw new Error(`download failed with ${res.status}`);
  return res.body as Buffer;
}

export const LONG_NAME = "Công Tằng Tôn Nữ Thị Phương Thảo Nguyên";

/** Builds the data and downloads the files: the report DOCX first, then every kind of XLSX. */
export async function officeFiles(ctx: TestContext, Y: number): Promise<OfficeFile[]> {
  const admin = await loginAs(ctx, "admin");
  const db = ctx.handle.db;
  const data = await buildKnownDataset(ctx, admin.user.id, Y);
  const long = await createUser(db, {
    ho: "Công Tằng Tôn Nữ", tenDem: "Thị Phương Thảo", ten: "Nguyên", login: "", email: null, phone: null, role: "trainee", dateOfBirth: "1988-12-31", gender: "Nữ",
    ethnicityCode: "01", position: "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam xã", unitCode: "X-TRIEUSON", categoryId: null, cccd: "038088000123", password: "mat-khau-dai-abcdef",
  }, null);
  const class1 = data.courses.class1;
  await addParticipant(db, class1.id, long.id, "admin", { id: admin.user.id });
  await db.update(coursesTable).set({ venue: "Hội trường Trung tâm Văn hóa, Thông tin và Thể thao huyện" }).where(eq(coursesTable.id, class1.id));

  // The fixture's certificates carry no snapshot: give them what the register prints.
  for (const c of await db.select().from(certificates)) {
    const [u] = await db.select().from(users).where(eq(users.id, c.userId));
    const issueDate = c.issuedAt.toISOString().slice(0, 10);
    await db.update(certificates).set({
      snapshot: {
        number: c.number, issueDate, result: "Đạt",
        person: { fullName: u.fullName, dateOfBirth: u.dateOfBirth ?? "", gender: u.gender, ethnicity: "Kinh", unit: "Xã Triệu Sơn" },
        course: { id: c.courseId, title: "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại cho cán bộ, công chức cấp xã khóa 1", startDate: `${Y}-04-01`, endDate: `${Y}-04-02`, venue: "" },
      },
    }).where(eq(certificates.id, c.id));
  }

  const base = `/reports/${data.planId}/${Y}`;
  const get = (url: string) => download(admin.agent.get(url));
  const quiz = { id: 1, title: "Kiểm tra cuối khóa bồi dưỡng nghiệp vụ thông tin đối ngoại", gradingMethod: "highest", passMark: 50 } as unknown as QuizRow;
  const quizData = {
    finishedAttempts: 3,
    trainees: [
      { userId: 1, fullName: LONG_NAME, unitName: "Trung tâm Văn hóa, Thông tin và Thể thao huyện Triệu Sơn", attempts: 2, percent: 85.5, passed: true },
      { userId: 2, fullName: "Lê Thị Thủy", unitName: null, attempts: 0, percent: null, passed: false },
    ],
    questions: [
      { questionId: 1, kind: "single", title: "Câu 1", text: "Theo Quyết định 1191/QĐ-TTg, nhiệm vụ nào sau đây thuộc công tác thông tin đối ngoại ở cấp cơ sở trong giai đoạn 2023–2030?", attempts: 3, facility: 0.667, discrimination: 0.5 },
    ],
  };
  const draft = await get(`${base}/report.docx`);
  const frozen = await admin.agent.post(`${base}/freeze`).type("form").send({ _csrf: admin.csrf });
  if (!/^\/reports\/versions\/\d+$/.test(frozen.headers.location ?? "")) throw new Error("freeze failed");
  return [
    { name: "bao-cao.docx", bytes: draft },
    { name: "bao-cao-v1.docx", bytes: await get(`${frozen.headers.location}/report.docx`) },
    { name: "so-lieu.xlsx", bytes: await get(`${base}/report.xlsx`) },
    { name: "nguoi-tham-gia.xlsx", bytes: await get(`${base}/participants.xlsx`) },
    { name: "giay-chung-nhan.xlsx", bytes: await get(`${base}/certificates.xlsx`) },
    { name: "danh-sach-hoc-vien.xlsx", bytes: await get(`/courses/${class1.id}/roster.xlsx`) },
    { name: "diem-danh.xlsx", bytes: await get(`/courses/${class1.id}/attendance.xlsx`) },
    { name: "so-cap-gcn.xlsx", bytes: await get(`/certificates/register.xlsx?year=${Y}`) },
    { name: "ket-qua-kiem-tra.xlsx", bytes: await resultsWorkbook(quiz, class1.title, quizData) },
  ];
}
