/** Question bank over HTTP: who manages it, the question form, GIFT/Aiken import with preview, GIFT export. */
import { and, asc, count, eq } from "drizzle-orm";
import { questionCategories, questions } from "../src/db/schema";
import { addParticipant } from "../src/features/enrollment/enrollment.service";
import { textOf } from "../src/lib/forms";
import request from "supertest";
import { loginAs, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";
import { storedNames } from "./helpers/files";

jest.setTimeout(120000);
const { ctx, admin, trainer } = useTestApp({ as: ["admin", "trainer"] });

const db = () => ctx.handle.db;
const newCourse = () => makeCourse(ctx, admin.user.id, { title: `Lớp TTĐN ${Math.random().toString(36).slice(2, 7)}`, trainerIds: [trainer.user.id] });
const questionCount = async (courseId: number) => (await db().select({ n: count() }).from(questions).where(eq(questions.courseId, courseId)))[0].n;
const categoryCount = async (courseId: number) => (await db().select({ n: count() }).from(questionCategories).where(eq(questionCategories.courseId, courseId)))[0].n;
const bankOf = (courseId: number) => db().select().from(questions).where(eq(questions.courseId, courseId)).orderBy(asc(questions.id));
const tokenFrom = (html: string) => html.match(/name="token" value="([0-9a-f]{32})"/)?.[1];
const pendingFiles = () => storedNames(db(), "quiz-import");
/** HTML-escaped as EJS writes it. */
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");

/** Form encoding as a browser sends the question form: `choices[0][text]=…` (superagent would group by column). */
function formBody(obj: Record<string, unknown>): string {
  const p = new URLSearchParams();
  const add = (key: string, v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => add(`${key}[${i}]`, x));
    else if (v && typeof v === "object") Object.entries(v).forEach(([k, x]) => add(`${key}[${k}]`, x));
    else p.append(key, textOf(v));
  };
  Object.entries(obj).forEach(([k, v]) => add(k, v));
  return p.toString();
}

type Session = Awaited<ReturnType<typeof loginAs>>;
const uploadFile = (s: Session, courseId: number, content: string | Buffer, name = "cau-hoi.gift", fields: Record<string, string> = {}) => {
  let req = s.agent.post(`/courses/${courseId}/question-import`).field("_csrf", s.csrf);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach("file", Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8"), name);
};
const paste = (s: Session, courseId: number, text: string, fields: Record<string, string> = {}) => {
  let req = s.agent.post(`/courses/${courseId}/question-import`).field("_csrf", s.csrf).field("text", text);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
};
const confirm = (s: Session, courseId: number, token: string | undefined) =>
  s.agent.post(`/courses/${courseId}/question-import/confirm`).type("form").send({ _csrf: s.csrf, token: token ?? "" });

/**
 * A GIFT file using every construct DOMAIN.md lists, as a trainer's editor saves it: BOM, CRLF,
 * smart quotes. Line 29 has an unclosed answer block.
 */
const GIFT_LINES = [
  "// Ngân hàng câu hỏi tập huấn thông tin đối ngoại", // 1
  "$CATEGORY: $course$/top/Thông tin đối ngoại", // 2
  "", // 3
  "::Q1:: Quyết định 1191/QĐ-TTg được ban hành năm nào? {", // 4
  "=2020 #Đúng, ngày 05/8/2020.", // 5
  "~2019 #Chưa đúng.", // 6
  "~2021", // 7
  "####Quyết định ký ngày 05/8/2020.", // 8
  "}", // 9
  "", // 10
  "Những cơ quan nào phối hợp thực hiện Kế hoạch? {", // 11
  "~%50%Phòng Văn hóa và Thông tin", // 12
  "~%50%Phòng Tài chính", // 13
  "~%-100%Công an tỉnh #Không thuộc Kế hoạch.", // 14
  "}", // 15
  "", // 16
  "Từ 01/3/2025 công tác thông tin đối ngoại thuộc Bộ Văn hóa, Thể thao và Du lịch. {T}", // 17
  "", // 18
  "Triệu Sơn vẫn còn cấp huyện sau 01/7/2025. {FALSE#Chưa đúng: cấp huyện đã bỏ.#Đúng vậy.}", // 19
  "", // 20
  "$CATEGORY: Kiến thức chung", // 21
  "", // 22
  "Thủ đô của Việt Nam là gì? {=Hà Nội =Ha Noi}", // 23
  "", // 24
  "::Ký tự đặc biệt:: Tỉ lệ 1\\:2 và các dấu \\# \\= \\{ \\} \\~ có hiển thị đúng không? {=Có ~Không}", // 25
  "", // 26
  "[html]<b>In đậm</b> và <script>alert(1)</script><img src=x onerror=alert(2)><i onclick=\"alert(3)\">nghiêng</i> có phải “HTML” không? {=Phải ~Không phải}", // 27
  "", // 28
  "Câu hỏi bị lỗi thiếu dấu đóng {=A ~B", // 29
  "", // 30
  "Trước sáp nhập, Triệu Sơn có {=32 ~8} đơn vị cấp xã.", // 31
];
const GIFT_FILE = "\uFEFF" + GIFT_LINES.join("\r\n") + "\r\n";

const AIKEN = [
  "Cơ quan nào theo dõi việc thực hiện Kế hoạch?", // 1
  "A. Phòng Tài chính", // 2
  "B. Phòng Văn hóa và Thông tin", // 3
  "C) Công an tỉnh", // 4
  "ANSWER: B", // 5
  "", // 6
  "Quyết định 1191 ban hành năm nào?", // 7
  "A) 2019", // 8
  "B) 2020", // 9
  "ANSWER: E", // 10
  "", // 11
  "Hình thức nào dùng để phổ biến quyết định?", // 12
  "A. Hội nghị quán triệt", // 13
  "B. Chỉ gửi văn bản", // 14
  "ANSWER: A", // 15
].join("\n");

test("admins and the course's trainers manage the bank; other trainers and trainees get 403; links on the course page", async () => {
  const course = await newCourse();
  const other = await loginAs(ctx, "trainer");
  const trainee = await loginAs(ctx, "trainee");
  await addParticipant(db(), course.id, trainee.user.id, "admin", null);
  for (const s of [admin, trainer]) {
    const page = await s.agent.get(`/courses/${course.id}/questions`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Ngân hàng câu hỏi");
  }
  for (const s of [other, trainee]) {
    expect((await s.agent.get(`/courses/${course.id}/questions`)).status).toBe(403);
    expect((await s.agent.get(`/courses/${course.id}/question-import`)).status).toBe(403);
    expect((await paste(s, course.id, AIKEN)).status).toBe(403);
    const cat = await s.agent.post(`/courses/${course.id}/question-categories`).type("form").send({ _csrf: s.csrf, name: "Lén" });
    expect(cat.status).toBe(403);
  }
  expect(await categoryCount(course.id)).toBe(0);
  expect(await pendingFiles()).toEqual([]);

  const staffPage = await trainer.agent.get(`/courses/${course.id}`);
  expect(staffPage.text).toContain(`href="/courses/${course.id}/questions"`);
  expect(staffPage.text).toContain(`href="/courses/${course.id}/quizzes"`);
  const traineePage = await trainee.agent.get(`/courses/${course.id}`);
  expect(traineePage.text).toContain(`href="/courses/${course.id}/quizzes"`);
  expect(traineePage.text).not.toContain(`href="/courses/${course.id}/questions"`);
});

test("the question form makes each kind, refuses invalid ones with 422, and question text is shown escaped", async () => {
  const course = await newCourse();
  const created = await trainer.agent.post(`/courses/${course.id}/question-categories`).type("form").send({ _csrf: trainer.csrf, name: "Nghiệp vụ" });
  expect(created.status).toBe(302);
  const dup = await trainer.agent.post(`/courses/${course.id}/question-categories`).type("form").send({ _csrf: trainer.csrf, name: "Nghiệp vụ" });
  expect(dup.status).toBe(422);
  expect(dup.text).toContain("Khóa học đã có danh mục tên này.");
  const [cat] = await db().select().from(questionCategories).where(eq(questionCategories.courseId, course.id));
  const post = (body: Record<string, unknown>) => trainer.agent.post(`/courses/${course.id}/questions`).type("form").send(formBody({ _csrf: trainer.csrf, categoryId: cat.id, ...body }));

  expect((await post({ kind: "single", text: "Kế hoạch giao Phòng nào theo dõi?", choices: [{ text: "Phòng Văn hóa và Thông tin", fraction: "100", feedback: "Đúng" }, { text: "Phòng Nội vụ", fraction: "" }] })).status).toBe(302);
  expect((await post({ kind: "multiple", text: "Chọn các nguồn kinh phí", choices: [{ text: "Ngân sách nhà nước", fraction: "50" }, { text: "Doanh nghiệp", fraction: "50" }, { text: "Vay nước ngoài", fraction: "-33,3" }] })).status).toBe(302);
  expect((await post({ kind: "truefalse", text: "Hội nghị quán triệt có cấp giấy chứng nhận.", tfCorrect: "false", tfFeedbackTrue: "Không cấp.", choices: [{ text: "bị bỏ qua", fraction: "100" }] })).status).toBe(302);
  expect((await post({ kind: "short", text: "Thủ đô của Việt Nam?", ignoreTones: "on", choices: [{ text: "Hà Nội" }] })).status).toBe(302);
  const xss = "<script>alert('x')</script><b>đậm</b>";
  expect((await post({ kind: "single", text: xss, choices: [{ text: "<img src=x onerror=alert(1)>", fraction: "100" }, { text: "Không", fraction: "0" }] })).status).toBe(302);

  const rows = await bankOf(course.id);
  expect(rows.map((r) => r.kind)).toEqual(["single", "multiple", "truefalse", "short", "single"]);
  expect(rows[1].choices.map((c) => c.fraction)).toEqual([0.5, 0.5, -0.333]);
  expect(rows[2].choices).toEqual([{ text: "Đúng", fraction: 0, feedback: "Không cấp." }, { text: "Sai", fraction: 1 }]);
  expect(rows[3]).toMatchObject({ ignoreCase: false, ignoreTones: true, choices: [{ text: "Hà Nội", fraction: 1 }] });
  expect(rows[4].text).toBe(xss);

  // Invalid: a single-choice question without a right answer, and a weight out of range; nothing saved.
  const bad = await post({ kind: "single", text: "Không có đáp án đúng", choices: [{ text: "A", fraction: "50" }, { text: "B", fraction: "0" }] });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("một lựa chọn đúng 100%");
  expect(bad.text).toContain(">Không có đáp án đúng</textarea>");
  const range = await post({ kind: "multiple", text: "Trọng số sai", choices: [{ text: "A", fraction: "150" }, { text: "B" }] });
  expect(range.status).toBe(422);
  expect(range.text).toContain("Trọng số phải là số từ -100 đến 100.");
  const empty = await post({ kind: "single", text: "   ", choices: [] });
  expect(empty.status).toBe(422);
  expect(await questionCount(course.id)).toBe(5);

  const bank = await trainer.agent.get(`/courses/${course.id}/questions`);
  expect(bank.text).not.toContain("<script>alert");
  expect(bank.text).not.toContain("<img src=x");
  expect(bank.text).toContain(esc(xss));

  // Editing: the form comes back filled; saving changes the row.
  const edit = await trainer.agent.get(`/courses/${course.id}/questions/${rows[0].id}/edit`);
  expect(edit.text).toContain("Phòng Văn hóa và Thông tin");
  const saved = await trainer.agent.post(`/courses/${course.id}/questions/${rows[0].id}`).type("form")
    .send(formBody({ _csrf: trainer.csrf, categoryId: cat.id, kind: "single", text: "Kế hoạch giao cơ quan nào theo dõi?", choices: [{ text: "Phòng Văn hóa và Thông tin", fraction: "100" }, { text: "Phòng Nội vụ", fraction: "0" }] }));
  expect(saved.status).toBe(302);
  expect((await bankOf(course.id))[0].text).toBe("Kế hoạch giao cơ quan nào theo dõi?");
  // Another course's question cannot be reached through this course.
  const otherCourse = await newCourse();
  expect((await trainer.agent.get(`/courses/${otherCourse.id}/questions/${rows[0].id}/edit`)).status).toBe(404);
  // Archiving takes it out of the bank page.
  expect((await trainer.agent.post(`/courses/${course.id}/questions/${rows[4].id}/archive`).type("form").send({ _csrf: trainer.csrf })).status).toBe(302);
  expect((await trainer.agent.get(`/courses/${course.id}/questions`)).text).not.toContain(esc(xss));
});

test("GIFT upload: the preview lists every question and every error with its line, and nothing is saved before confirmation", async () => {
  const course = await newCourse();
  const preview = await uploadFile(trainer, course.id, GIFT_FILE, "ngan-hang.gift", { category: "Chung" });
  expect(preview.status).toBe(200);
  expect(preview.text).toContain("Kiểm tra câu hỏi trước khi lưu");
  expect(preview.text).toContain("GIFT (Moodle)");
  // Every question, with its line.
  for (const [line, text] of [
    [4, "Quyết định 1191/QĐ-TTg được ban hành năm nào?"], [11, "Những cơ quan nào phối hợp thực hiện Kế hoạch?"],
    [17, "Từ 01/3/2025 công tác thông tin đối ngoại thuộc Bộ Văn hóa, Thể thao và Du lịch."], [19, "Triệu Sơn vẫn còn cấp huyện sau 01/7/2025."],
    [23, "Thủ đô của Việt Nam là gì?"], [25, "Tỉ lệ 1:2 và các dấu # = { } ~ có hiển thị đúng không?"],
    [31, "Trước sáp nhập, Triệu Sơn có _____ đơn vị cấp xã."],
  ] as const) {
    expect(preview.text).toContain(`Dòng ${line}</span>`);
    expect(preview.text).toContain(esc(text));
  }
  expect(preview.text).toContain("Dòng 27</span>");
  // [html] is shown formatted through the allow-list: <b> and <i> stay, scripts and attributes never reach the page.
  expect(preview.text).toContain("<b>In đậm</b> và <i>nghiêng</i> có phải “HTML” không?");
  for (const bad of ["<script>alert(1)", "alert(1)", "onerror", "onclick", "<img"]) expect(preview.text).not.toContain(bad);
  // The error, with its line, and the summary.
  expect(preview.text).toMatch(/Dòng 29: thiếu dấu \} đóng phần đáp án/);
  expect(preview.text).toContain("Xác nhận lưu 8 câu hỏi");
  expect(preview.text).toContain("Thông tin đối ngoại");
  expect(preview.text).toContain("Kiến thức chung");
  // Nothing saved yet: no question, no category; the text waits server-side.
  expect(await questionCount(course.id)).toBe(0);
  expect(await categoryCount(course.id)).toBe(0);
  expect(await pendingFiles()).toHaveLength(1);

  // A forged token or a client-sent list changes nothing.
  const forged = await trainer.agent.post(`/courses/${course.id}/question-import/confirm`).type("form")
    .send({ _csrf: trainer.csrf, token: "0".repeat(32), questions: JSON.stringify([{ kind: "single", text: "giả", choices: [] }]) });
  expect(forged.status).toBe(302);
  expect(await questionCount(course.id)).toBe(0);
  // Another course's manager cannot confirm this preview either.
  const stranger = await loginAs(ctx, "trainer");
  expect((await confirm(stranger, course.id, tokenFrom(preview.text))).status).toBe(403);
  expect(await questionCount(course.id)).toBe(0);

  const done = await confirm(trainer, course.id, tokenFrom(preview.text));
  expect(done.status).toBe(302);
  expect(done.headers.location).toBe(`/courses/${course.id}/questions`);
  expect(await pendingFiles()).toEqual([]);
  const rows = await bankOf(course.id);
  expect(rows).toHaveLength(8);
  expect(rows.map((r) => r.kind)).toEqual(["single", "multiple", "truefalse", "truefalse", "short", "single", "single", "single"]);
  const cats = await db().select().from(questionCategories).where(eq(questionCategories.courseId, course.id));
  const catName = (id: number) => cats.find((c) => c.id === id)?.name;
  expect(rows.map((r) => catName(r.categoryId))).toEqual(["Thông tin đối ngoại", "Thông tin đối ngoại", "Thông tin đối ngoại", "Thông tin đối ngoại", "Kiến thức chung", "Kiến thức chung", "Kiến thức chung", "Kiến thức chung"]);
  expect(rows[0]).toMatchObject({ title: "Q1", generalFeedback: "Quyết định ký ngày 05/8/2020.", choices: [{ text: "2020", fraction: 1, feedback: "Đúng, ngày 05/8/2020." }, { text: "2019", fraction: 0, feedback: "Chưa đúng." }, { text: "2021", fraction: 0 }] });
  expect(rows[1].choices.map((c) => c.fraction)).toEqual([0.5, 0.5, -1]);
  expect(rows[3].choices).toEqual([{ text: "Đúng", fraction: 0, feedback: "Chưa đúng: cấp huyện đã bỏ." }, { text: "Sai", fraction: 1, feedback: "Đúng vậy." }]);
  expect(rows[4]).toMatchObject({ ignoreCase: true, choices: [{ text: "Hà Nội", fraction: 1 }, { text: "Ha Noi", fraction: 1 }] });
  expect(rows[5].title).toBe("Ký tự đặc biệt");
  // [html] is sanitised when saved and again when shown: bold stays bold, nothing else survives.
  expect(rows[6]).toMatchObject({ textFormat: "html", text: "<b>In đậm</b> và <i>nghiêng</i> có phải “HTML” không?" });
  const bank = await trainer.agent.get(`/courses/${course.id}/questions`);
  expect(bank.text).toContain("<b>In đậm</b> và <i>nghiêng</i>");
  for (const bad of ["alert(", "onerror", "onclick", "<img"]) expect(bank.text).not.toContain(bad);

  // The same preview cannot be confirmed twice.
  await confirm(trainer, course.id, tokenFrom(preview.text));
  expect(await questionCount(course.id)).toBe(8);
});

test("Aiken pasted into the form: auto-detected, the error names its line, only valid questions are saved", async () => {
  const course = await newCourse();
  const preview = await paste(trainer, course.id, AIKEN, { category: "Kế hoạch 1191" });
  expect(preview.status).toBe(200);
  expect(preview.text).toContain("Aiken");
  expect(preview.text).toContain("Dòng 10: đáp án E không có trong các lựa chọn (A, B)");
  expect(preview.text).toContain("Xác nhận lưu 2 câu hỏi");
  expect(await questionCount(course.id)).toBe(0);
  await confirm(trainer, course.id, tokenFrom(preview.text));
  const rows = await bankOf(course.id);
  expect(rows.map((r) => r.text)).toEqual(["Cơ quan nào theo dõi việc thực hiện Kế hoạch?", "Hình thức nào dùng để phổ biến quyết định?"]);
  expect(rows[0].choices).toEqual([{ text: "Phòng Tài chính", fraction: 0 }, { text: "Phòng Văn hóa và Thông tin", fraction: 1 }, { text: "Công an tỉnh", fraction: 0 }]);
  const [cat] = await db().select().from(questionCategories).where(and(eq(questionCategories.courseId, course.id), eq(questionCategories.name, "Kế hoạch 1191")));
  expect(rows.every((r) => r.categoryId === cat.id)).toBe(true);

  // Forcing GIFT on Aiken text reports errors and offers nothing to save.
  const wrong = await paste(trainer, course.id, AIKEN, { format: "gift" });
  expect(wrong.text).toContain("Không có câu hỏi hợp lệ nào để lưu.");
  expect(wrong.text).not.toContain('name="token"');
  // Nothing given, or a binary file: the form again with a message.
  const nothing = await paste(trainer, course.id, "  ");
  expect(nothing.status).toBe(422);
  expect(nothing.text).toContain("Vui lòng chọn tệp hoặc dán nội dung câu hỏi.");
  const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b90000000049454e44ae426082", "hex");
  const refused = await uploadFile(trainer, course.id, png, "anh.png");
  expect(refused.status).toBe(415);
  expect(refused.text).toContain("Chỉ nhận tệp văn bản UTF-8");
  expect(await questionCount(course.id)).toBe(2);
  // The bank page counts each category's questions (its own subquery, not the questions' ids).
  expect((await trainer.agent.get(`/courses/${course.id}/questions`)).text).toContain('Kế hoạch 1191 <small class="muted">(2 câu hỏi)</small>');
});

test("exporting a category to GIFT and importing it again gives the same questions", async () => {
  const source = await newCourse();
  const first = await uploadFile(trainer, source.id, GIFT_FILE);
  await confirm(trainer, source.id, tokenFrom(first.text));
  const [cat] = await db().select().from(questionCategories).where(and(eq(questionCategories.courseId, source.id), eq(questionCategories.name, "Kiến thức chung")));
  // A short answer with non-default comparison options must survive the trip too.
  const added = await trainer.agent.post(`/courses/${source.id}/questions`).type("form")
    .send(formBody({ _csrf: trainer.csrf, categoryId: cat.id, kind: "short", text: "Tên tỉnh?\nViết có dấu hoặc không.", ignoreTones: "on", choices: [{ text: "Thanh Hóa", fraction: "100", feedback: "Đúng" }, { text: "Thanh", fraction: "50" }] }));
  expect(added.status).toBe(302);

  const exported = await trainer.agent.get(`/courses/${source.id}/question-categories/${cat.id}/export.gift`);
  expect(exported.status).toBe(200);
  expect(exported.headers["content-type"]).toMatch(/^text\/plain; charset=utf-8/);
  expect(exported.headers["content-disposition"]).toContain("filename*=UTF-8''Ki%E1%BA%BFn%20th%E1%BB%A9c%20chung.gift");
  expect(exported.text.startsWith("$CATEGORY: Kiến thức chung")).toBe(true);
  // Trainees and other courses' trainers cannot export.
  const trainee = await loginAs(ctx, "trainee");
  expect((await trainee.agent.get(`/courses/${source.id}/question-categories/${cat.id}/export.gift`)).status).toBe(403);
  const other = await newCourse();
  expect((await trainer.agent.get(`/courses/${other.id}/question-categories/${cat.id}/export.gift`)).status).toBe(404);

  const target = await newCourse();
  const again = await uploadFile(trainer, target.id, exported.text, "Kiến thức chung.gift");
  expect(again.text).not.toContain("Các lỗi");
  await confirm(trainer, target.id, tokenFrom(again.text));
  const shape = (rows: Awaited<ReturnType<typeof bankOf>>) =>
    rows.map((r) => ({ kind: r.kind, title: r.title, text: r.text, choices: r.choices, generalFeedback: r.generalFeedback, ignoreCase: r.ignoreCase, ignoreTones: r.ignoreTones }));
  const original = (await bankOf(source.id)).filter((r) => r.categoryId === cat.id);
  expect(original).toHaveLength(5);
  expect(shape(await bankOf(target.id))).toEqual(shape(original));
  const [targetCat] = await db().select().from(questionCategories).where(eq(questionCategories.courseId, target.id));
  expect(targetCat.name).toBe("Kiến thức chung");
});

test("anonymous visitors are sent to log in", async () => {
  const course = await newCourse();
  const res = await request(ctx.app).get(`/courses/${course.id}/questions`);
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe("/login");
});
