/**
 * Hostile input, field by field: every text a person types (see hostile-input.fixture.ts, all through
 * the real forms) holds markup, quotes and a formula. Every page showing it has it escaped; every PDF
 * printing it prints it as literal text; the DOCX report holds it as text in well-formed XML; every
 * XLSX and CSV export holds it as text, never as a formula.
 * Elsewhere: oversized forms, file names, control characters, search boxes and re-rendered forms in
 * hostile-input.test.ts; an XLSX zip bomb in import.test.ts and unit/zip-guard.test.ts; markup in
 * imported rosters in import.test.ts and in imported GIFT questions in quiz-bank.test.ts.
 */
import { capitaliseName } from "../src/lib/vietnamese";
import { useTestApp } from "./helpers/app";
import { expectCsvSafe, expectDocxText, expectEscaped, expectPdfText, expectSafeDisposition, expectXlsxSafe } from "./helpers/hostile";
import { binary, popplerTest } from "./helpers/pdf";
import { buildHostileWorld, namesOf, type HostileWorld } from "./hostile-input.fixture";

jest.setTimeout(120000);
const { ctx } = useTestApp();
let w: HostileWorld;
beforeAll(async () => {
  w = await buildHostileWorld(ctx);
});

const withPoppler = popplerTest("hostile-input-fields tests");
type Who = "admin" | "trainer" | "t1" | "public";

async function get(who: Who, url: string) {
  const agent = who === "public" ? w.anonymous() : w[who].agent;
  const res = await binary(agent.get(url));
  if (res.status !== 200) throw new Error(`${who} ${url}: ${res.status} ${String(res.body).slice(0, 500)}`);
  return res;
}

/** What a page, PDF or export is expected to show, by field. */
function fields() {
  const { V } = w;
  const t1 = namesOf(V.trainee1);
  const t2 = namesOf(V.trainee2);
  const walkin = capitaliseName(V.walkin);
  const org = [V.org.managingBody, V.org.issuingBody, V.org.placeName, V.org.signerPrefix, V.org.signerTitle, V.org.signerName];
  const signer = [V.org.managingBody, V.org.issuingBody, V.org.signerPrefix, V.org.signerTitle, V.org.signerName];
  const Q = V.quiz;
  return { V, t1, t2, walkin, org, signer, Q, number: w.cert1.number };
}

test("every page showing a typed value shows it escaped, and nothing typed becomes an element", async () => {
  const { V, t1, t2, walkin, signer, Q, number } = fields();
  const c = w.course.id;
  const q = w.quiz.id;
  const s0 = w.sessions[0].id;
  const pages: [Who, string, string[]][] = [
    ["admin", "/settings", [...Object.values(V.org).flat()]],
    ["admin", "/units?all=1", [V.unit]],
    ["admin", "/units/HX1/edit", [V.unit]],
    ["admin", "/categories", [V.category]],
    ["admin", "/plans", [V.plan.title, V.plan.number, V.plan.issuingBody, ...V.plan.tasks]],
    ["admin", `/plans/${w.plan.id}/edit`, [V.plan.title, V.plan.number, V.plan.issuingBody, ...V.plan.tasks]],
    ["admin", "/users", [...t1, ...t2, V.unit]],
    ["admin", `/users/${w.t1.user.id}/edit`, [...t1, V.trainee1.position, V.unit, V.category]],
    ["admin", `/users/${w.t2.user.id}/edit`, [...t2, V.trainee2.position]],
    ["admin", `/users/${w.walkin.id}/merge`, [walkin, V.unit]],
    ["admin", "/courses", [V.course.title, V.course.venue]],
    ["admin", `/courses/${c}`, [V.course.title, V.course.topic, V.course.description, V.course.venue, V.course.fundingNote, V.unit, V.category, V.plan.tasks[2], ...t1, ...t2, V.session.venue, V.session.topic, V.session.cancelReason]],
    ["admin", `/courses/${c}/edit`, [V.course.title, V.course.topic, V.course.description, V.course.venue, V.course.fundingNote, V.unit, V.category, ...V.plan.tasks]],
    ["admin", `/courses/${c}/participants`, [V.course.title, ...t1, ...t2, walkin, V.unit, V.category]],
    ["admin", `/courses/${w.approvalCourse.id}/participants`, [...t1, V.rejectReason]],
    ["admin", `/courses/${c}/sessions/${s0}/edit`, [V.course.title, V.session.venue, V.session.topic]],
    ["admin", `/courses/${c}/sessions/${s0}/attendance`, [V.course.title, V.session.venue, V.session.topic, ...t1, ...t2, walkin, V.unit, V.remark]],
    ["admin", `/courses/${c}/attendance`, [V.course.title, ...t1, ...t2, walkin]],
    ["admin", `/courses/${c}/walkin`, [V.course.title, V.unit]],
    ["admin", `/courses/${c}/sessions/${s0}/kiosk`, [V.course.title, V.session.topic, ...t1, ...t2]],
    ["trainer", `/courses/${c}/questions`, [Q.category, Q.qTitle, Q.qText, Q.right, Q.wrong, Q.shortText, Q.tfText]],
    ["trainer", `/courses/${c}/questions/${w.bank[0].id}/edit`, [Q.category, Q.qTitle, Q.qText, Q.feedback, Q.right, Q.rightFeedback, Q.wrong]],
    ["trainer", `/courses/${c}/questions/${w.bank[2].id}/edit`, [Q.tfText, Q.tfTrue, Q.tfFalse]],
    ["trainer", `/courses/${c}/quizzes`, [Q.title]],
    ["trainer", `/quizzes/${q}`, [Q.title, Q.qTitle, Q.qText, Q.shortText]],
    ["trainer", `/quizzes/${q}/edit`, [Q.title, Q.category]],
    ["trainer", `/quizzes/${q}/questions`, [Q.title, Q.category, Q.qTitle, Q.qText, Q.shortText]],
    ["trainer", `/quizzes/${q}/results`, [Q.title, Q.qTitle, Q.qText, Q.shortText, ...t1, ...t2, V.unit]],
    ["admin", `/courses/${c}/completion`, [V.course.title, Q.title, ...t1, ...t2]],
    ["admin", `/courses/${c}/certificates`, [V.course.title, ...t1, ...t2, number]],
    ["admin", `/certificates/${w.cert1.id}`, [...signer, V.unit, V.course.title, V.course.venue, ...t1, number, V.cert.reissue]],
    ["admin", `/certificates/${w.cert2.id}`, [...t2, V.cert.revoke]],
    ["admin", "/certificates/register", [...t1, ...t2, V.unit, V.course.title, number, V.cert.reissue, V.cert.revoke]],
    ["admin", "/certificates/settings", [V.cert.pattern, V.cert.series]],
    ["admin", "/reports", [V.plan.title]],
    ["admin", w.reportBase, [V.plan.title, ...V.plan.tasks, V.unit, V.category]],
    ["admin", `${w.reportBase}/rows?f=t3.participantTimes`, [V.plan.title, V.course.title, ...t1, ...t2, V.unit, V.category]],
    ["admin", `${w.reportBase}/quality`, [V.plan.title]],
    ["admin", w.versionUrl, [V.plan.title, ...V.plan.tasks, V.unit, V.category, ...Object.values(V.narrative).flat()]],
    ["admin", "/dashboard", [V.unit, V.category]],
    ["admin", "/audit", [...t1, ...t2]],
    ["t1", "/", [...t1]],
    ["t1", "/my/courses", [V.course.title, V.session.venue, V.rejectReason]],
    ["t1", `/courses/${c}`, [V.course.title, V.course.topic, V.course.description, V.course.venue, V.session.venue, V.session.topic, V.session.cancelReason]],
    ["t1", `/courses/${w.approvalCourse.id}`, [V.rejectReason]],
    ["t1", `/courses/${c}/quizzes`, [Q.title]],
    ["t1", `/quizzes/${q}`, [Q.title]],
    // The question's name (Q.qTitle) is for the bank only: trainees never see it (test/quiz-attempts.test.ts).
    ["t1", w.attemptUrl, [Q.title, Q.qText, Q.feedback, Q.right, Q.rightFeedback, Q.wrong, Q.shortText, Q.typed, Q.tfText, Q.tfTrue]],
    ["t1", "/my/certificates", [V.course.title, number]],
    ["t1", `/courses/${c}/completion`, [V.course.title]],
    ["public", `/verify/${w.cert1.token}`, [...signer, ...t1, V.unit, V.course.title, V.course.venue, number]],
    ["public", `/verify/${w.cert2.token}`, [...t2, V.cert.revoke]],
  ];
  for (const [who, url, values] of pages) expectEscaped((await get(who, url)).body.toString("utf8"), values, `${who} ${url}`);
});

withPoppler("PDFs print typed values as literal text: roster, sign-in sheet, certificate, class print, register, sample", async () => {
  const { V, t1, t2, walkin, org, signer, number } = fields();
  const c = w.course.id;
  const people = [...t1, ...t2, walkin];
  const pdfs: [string, string[]][] = [
    [`/courses/${c}/roster.pdf`, [...org, V.course.title, V.course.venue, ...people, V.trainee1.position, V.trainee2.position, V.unit, V.category]],
    [`/courses/${c}/attendance/sign-in.pdf`, [V.org.managingBody, V.org.issuingBody, V.org.placeName, V.course.title, V.course.venue, ...people, V.unit]],
    [`/certificates/${w.cert1.id}.pdf`, [...signer, V.org.placeName, ...t1, V.unit, V.course.title, V.course.venue, number]],
    [`/courses/${c}/certificates.pdf`, [...signer, ...t1, V.course.title, number]],
    ["/certificates/register.pdf", [V.org.managingBody, V.org.issuingBody, ...t1, ...t2, V.unit, V.course.title, number, V.cert.reissue, V.cert.revoke]],
    ["/certificates/settings/sample.pdf", [...signer, V.org.placeName]],
  ];
  for (const [url, values] of pdfs) {
    const res = await get("admin", url);
    expect(res.headers["content-type"]).toBe("application/pdf");
    expectPdfText(res.body, values, url);
    expectSafeDisposition(res.headers["content-disposition"], url);
  }
});

test("the DOCX report holds typed values as text in well-formed XML, live and frozen", async () => {
  const { V } = fields();
  const values = [
    V.org.managingBody, V.org.issuingBody, V.org.placeName, V.org.signerPrefix, V.org.signerTitle, V.org.signerName, ...V.org.recipients,
    V.plan.title, ...V.plan.tasks, V.unit, V.category, ...Object.values(V.narrative).flat(),
  ];
  for (const url of [`${w.reportBase}/report.docx`, `${w.versionUrl}/report.docx`]) {
    const res = await get("admin", url);
    await expectDocxText(res.body, values, url);
  }
});

test("XLSX exports hold formula-looking text as text: roster, marks, quiz results, register, report tables, CCCD lists", async () => {
  const { V, t1, t2, walkin, Q, number } = fields();
  const c = w.course.id;
  const full = (p: string[]) => p.join(" ");
  const exports: [Who, string, string[]][] = [
    ["trainer", `/courses/${c}/roster.xlsx`, [V.course.title, V.course.venue, full(t1), full(t2), walkin, V.trainee1.position, V.trainee2.position, V.unit, V.category]],
    ["trainer", `/courses/${c}/attendance.xlsx`, [V.course.title, full(t1), full(t2), walkin, V.unit]],
    ["trainer", `/quizzes/${w.quiz.id}/results.xlsx`, [Q.title, V.course.title, full(t1), full(t2), V.unit, `${Q.qTitle}: ${Q.qText}`, Q.shortText, Q.tfText]],
    ["admin", "/certificates/register.xlsx", [full(t1), full(t2), V.unit, V.course.title, number, V.cert.reissue, V.cert.revoke]],
    ["admin", `${w.reportBase}/report.xlsx`, [V.plan.title, ...V.plan.tasks, V.unit, V.category]],
    ["admin", `${w.versionUrl}/report.xlsx`, [V.plan.title, ...V.plan.tasks, V.unit, V.category]],
    ["admin", `${w.reportBase}/participants.xlsx`, [...t1, ...t2, full(t1), V.trainee1.position, V.trainee2.position, V.unit, V.category, V.course.title]],
    ["admin", `${w.reportBase}/certificates.xlsx`, [full(t1), full(t2), V.unit, V.course.title, number, V.cert.revoke]],
  ];
  for (const [who, url, values] of exports) {
    const res = await get(who, url);
    expect(res.headers["content-type"]).toMatch(/spreadsheetml/);
    await expectXlsxSafe(res.body, values, url);
  }
});

test("CSV exports neutralise formulas and quote every field a ';' or tab could split", async () => {
  const { V, t1, t2, number } = fields();
  const full = (p: string[]) => p.join(" ");
  expectCsvSafe((await get("admin", `${w.reportBase}/participants.csv`)).body, [...t1, ...t2, full(t2), V.trainee1.position, V.trainee2.position, V.unit, V.category, V.course.title], "participants.csv");
  expectCsvSafe((await get("admin", `${w.reportBase}/certificates.csv`)).body, [full(t1), full(t2), V.unit, V.course.title, number, V.cert.revoke], "certificates.csv");
});

test("downloads named after typed text carry a safe Content-Disposition; the GIFT export is plain text", async () => {
  const { V, t1, Q } = fields();
  const c = w.course.id;
  const named: [Who, string, string][] = [
    ["trainer", `/courses/${c}/roster.xlsx`, V.course.title],
    ["admin", `/courses/${c}/certificates.pdf`, V.course.title],
    ["t1", `/certificates/${w.cert1.id}.pdf`, t1[2]],
    ["trainer", `/quizzes/${w.quiz.id}/results.xlsx`, Q.title.slice(0, 20)],
  ];
  for (const [who, url, part] of named) {
    const res = await get(who, url);
    expect(expectSafeDisposition(res.headers["content-disposition"], url)).toContain(part.replace(/[\\/]/g, "-"));
  }
  const [cat] = (await get("trainer", `/courses/${c}/questions`)).body.toString("utf8").match(/question-categories\/\d+\/export\.gift/) ?? [];
  const gift = await get("trainer", `/courses/${c}/${cat}`);
  expect(gift.headers["content-type"]).toBe("text/plain; charset=utf-8");
  expect(gift.headers["x-content-type-options"]).toBe("nosniff");
  expect(expectSafeDisposition(gift.headers["content-disposition"], "gift")).toContain(Q.category.slice(0, 10));
});
