/**
 * First-run setup: a fresh installation's admin is led to it; documents and issuing refuse until it is
 * done; the seeded example names no UBND huyện; the signer must match the issuing body.
 */
import { eq } from "drizzle-orm";
import { DEFAULT_ORG } from "../src/db/reference-data";
import { appSettings, auditLog, orgSettings, planTasks } from "../src/db/schema";
import { DEFAULT_PATTERN } from "../src/features/certificates/certificate-settings";
import { signerProblem } from "../src/features/settings/signer-rules";
import { orgSettingsOn } from "../src/features/settings/settings.service";
import { t } from "../src/messages";
import { isSetupDone, SETUP_KEY } from "../src/lib/setup-state";
import { todayIso } from "../src/lib/time";
import { loginAs, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

jest.setTimeout(120000);
const { ctx, admin } = useTestApp({ setup: false, as: ["admin"] });
const db = () => ctx.handle.db;

const VALID = {
  managingBody: "Ủy ban nhân dân tỉnh Thanh Hóa", issuingBody: "Ủy ban nhân dân xã Triệu Sơn", placeName: "Triệu Sơn",
  signerPrefix: "KT. CHỦ TỊCH", signerTitle: "PHÓ CHỦ TỊCH", signerName: "Hoàng Văn Định", pattern: "{seq}/GCN-UBND", publicUrl: "https://taphuan.trieuson.thanhhoa.gov.vn/",
};
const post = (body: Record<string, string>) => admin.agent.post("/setup").type("form").send({ _csrf: admin.csrf, ...body });

test("the seeded example names no UBND huyện, and its signer fits its body", async () => {
  const seeded = await orgSettingsOn(db(), todayIso());
  for (const o of [DEFAULT_ORG, seeded]) {
    expect(`${o.managingBody} ${o.issuingBody} ${o.reportRecipients}`).not.toMatch(/huyện/i);
    expect(signerProblem(o)).toBeNull();
  }
  expect(seeded.issuingBody).toMatch(/^Ủy ban nhân dân xã /);
  expect(DEFAULT_PATTERN).not.toMatch(/VHTT/);
});

test("a fresh installation's admin is led to the setup; other people are not", async () => {
  const home = await admin.agent.get("/");
  expect(home.status).toBe(302);
  expect(home.headers.location).toBe("/setup");
  const page = await admin.agent.get("/setup");
  expect(page.status).toBe(200);
  expect(page.text).toContain(t.setup.title);
  for (const name of ["managingBody", "issuingBody", "placeName", "signerPrefix", "signerTitle", "signerName", "pattern", "publicUrl"]) expect(page.text).toContain(`name="${name}"`);
  const trainer = await loginAs(ctx, "trainer");
  expect((await trainer.agent.get("/")).status).toBe(200);
  expect((await trainer.agent.get("/setup")).status).toBe(403);
});

test("documents and issuing refuse with a clear message and a link to the setup until it is done", async () => {
  const course = await makeCourse(ctx, admin.user.id);
  const [task] = await db().select().from(planTasks).limit(1);
  const year = todayIso().slice(0, 4);
  const gets = [
    `/courses/${course.id}/roster.pdf`, `/courses/${course.id}/roster.xlsx`, "/certificates/register.pdf",
    "/certificates/settings/sample.pdf", `/reports/${task.planId}/${year}/report.docx`,
  ];
  for (const url of gets) {
    const res = await admin.agent.get(url);
    expect([url, res.status]).toEqual([url, 409]);
    expect(res.text).toContain(t.setup.required);
    expect(res.text).toContain('href="/setup"');
  }
  const issue = await admin.agent.post(`/courses/${course.id}/certificates`).type("form").send({ _csrf: admin.csrf, userId: String(admin.user.id) });
  expect(issue.status).toBe(409);
  expect(issue.text).toContain(t.setup.required);
  const json = await admin.agent.get(`/courses/${course.id}/roster.pdf`).set("Accept", "application/json");
  expect(json.body).toEqual({ error: t.setup.required, link: "/setup" });
});

test("the signer must match the body: a Phòng signed by a CHỦ TỊCH is refused and nothing is written", async () => {
  const before = await db().select().from(orgSettings);
  const audits = (await db().select().from(auditLog)).length;
  const wrong = await post({ ...VALID, issuingBody: "Phòng Văn hóa - Xã hội" });
  expect(wrong.status).toBe(422);
  expect(wrong.text).toContain(t.settings.signerMismatch("Phòng Văn hóa - Xã hội", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "TRƯỞNG PHÒNG; KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG").replace(/"/g, "&#34;"));
  const ubnd = await post({ ...VALID, signerPrefix: "KT. TRƯỞNG PHÒNG", signerTitle: "PHÓ TRƯỞNG PHÒNG" });
  expect(ubnd.status).toBe(422);
  expect(ubnd.text).toContain("Người ký không khớp cơ quan ban hành");
  // The organisation form checks the same rule.
  const settings = await admin.agent.post("/settings").type("form").send({ _csrf: admin.csrf, validFrom: "01/01/2027", ...VALID, issuingBody: "Phòng Văn hóa - Xã hội" });
  expect(settings.status).toBe(422);
  expect(settings.text).toContain("Người ký không khớp cơ quan ban hành");
  const loopback = await post({ ...VALID, publicUrl: "http://localhost:3000" });
  expect(loopback.status).toBe(422);
  expect(loopback.text).toContain(t.publicUrl.loopbackField);
  const pattern = await post({ ...VALID, pattern: "GCN-UBND" });
  expect(pattern.status).toBe(422);
  expect(await db().select().from(orgSettings)).toEqual(before);
  expect((await db().select().from(auditLog)).length).toBe(audits);
  expect(await isSetupDone(db())).toBe(false);
});

test("completing the setup saves the body, signer, pattern and address; documents print with them", async () => {
  const res = await post(VALID);
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe("/");
  expect(await isSetupDone(db())).toBe(true);
  // On a fresh installation the setup takes the example's place for every date.
  expect(await orgSettingsOn(db(), "2021-01-01")).toMatchObject({ issuingBody: VALID.issuingBody, signerName: "Hoàng Văn Định" });
  const keys = Object.fromEntries((await db().select().from(appSettings)).map((r) => [r.key, r.value]));
  expect(keys).toMatchObject({ "certificate.numberPattern": "{seq}/GCN-UBND", "site.publicUrl": "https://taphuan.trieuson.thanhhoa.gov.vn" });
  expect(keys[SETUP_KEY]).toMatchObject({ by: admin.user.id });
  expect((await admin.agent.get("/")).status).toBe(200);
  expect((await admin.agent.get("/setup")).headers.location).toBe("/settings");
  const course = await makeCourse(ctx, admin.user.id);
  expect((await admin.agent.get(`/courses/${course.id}/roster.pdf`)).status).toBe(200);
  expect((await admin.agent.get("/certificates/settings/sample.pdf")).status).toBe(200);
  const again = await post({ ...VALID, signerName: "Người Khác" });
  expect(again.headers.location).toBe("/settings");
  expect((await orgSettingsOn(db(), todayIso())).signerName).toBe("Hoàng Văn Định");
  expect(await db().select().from(appSettings).where(eq(appSettings.key, SETUP_KEY))).toHaveLength(1);
});
