/**
 * Freezing a report, its exports read back (DOCX via JSZip, XLSX via exceljs), byte-for-byte stability
 * after the data changes, the difference view, re-opening into a new version, and the CCCD-keyed lists.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import type { Test } from "supertest";
import { auditLog, reportVersions } from "../src/db/schema";
import { addOrgSettings } from "../src/features/settings/settings.service";
import { verifyVersion } from "../src/features/reports/reports.service";
import { todayIso } from "../src/lib/time";
import { useTestApp } from "./helpers/app";
import { buildKnownDataset } from "./reports.fixture";

jest.setTimeout(120000);
const Y = 2025;
const { ctx, admin } = useTestApp({ as: ["admin"] });
let data: Awaited<ReturnType<typeof buildKnownDataset>>;
let base: string;

beforeAll(async () => {
  data = await buildKnownDataset(ctx, admin.user.id, Y);
  base = `/reports/${data.planId}/${Y}`;
});

/** GET a file as bytes. */
async function download(req: Test): Promise<{ status: number; type: string; disposition: string; body: Buffer }> {
  const res = await req.buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on("data", (c: Buffer) => chunks.push(c));
    r.on("end", () => cb(null, Buffer.concat(chunks)));
  });
  return { status: res.status, type: String(res.headers["content-type"]), disposition: String(res.headers["content-disposition"]), body: res.body as Buffer };
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
/** The visible text of a DOCX part (w:t runs joined by "|"). */
async function docxText(bytes: Buffer, part = "word/document.xml"): Promise<{ xml: string; text: string }> {
  const xml = await (await JSZip.loadAsync(bytes)).file(part)!.async("string");
  return { xml, text: [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("|") };
}
const isNfc = (s: string) => s === s.normalize("NFC");
/** The XML of every footer of a DOCX. */
async function footersOf(bytes: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(bytes);
  return Promise.all(Object.keys(zip.files).filter((f) => /^word\/footer\d+\.xml$/.test(f)).map((f) => zip.file(f)!.async("string")));
}

let v1Docx: Buffer;
let v1Id: number;

test("an admin types the narrative and freezes the report: figures, narrative, org snapshot, who, when, SHA-256", async () => {
  const narrative = {
    _csrf: admin.csrf, documentNumber: "15/BC-UBND", reportDate: "", radioProgrammes: "24",
    radioNote: "Phát sóng 24 chương trình trên Đài truyền thanh các xã.", results: "Các nhiệm vụ cơ bản hoàn thành.",
    limitations: "Một số xã chưa điểm danh kịp thời.".normalize("NFD"), directions: "Tiếp tục bồi dưỡng cán bộ cơ sở.", recommendations: "Đề nghị bổ sung kinh phí.",
  };
  expect((await admin.agent.post(`${base}/narrative`).type("form").send(narrative)).status).toBe(302);
  const frozen = await admin.agent.post(`${base}/freeze`).type("form").send({ _csrf: admin.csrf });
  expect(frozen.status).toBe(302);
  expect(frozen.headers.location).toMatch(/^\/reports\/versions\/\d+$/);
  v1Id = Number(frozen.headers.location.split("/").pop());
  const [v] = await ctx.handle.db.select().from(reportVersions).where(eq(reportVersions.id, v1Id));
  expect(v).toMatchObject({ planId: data.planId, periodFrom: `${Y}-01-01`, periodTo: `${Y}-12-31`, version: 1, previousId: null, frozenBy: admin.user.id });
  expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(verifyVersion(v)).toBe(true);
  expect(v.figures).toMatchObject({ task1: { participantTimes: 6, uniquePersons: 5 }, task3: { completed: 2, certified: 3 } });
  expect(v.narrative).toMatchObject({ documentNumber: "15/BC-UBND", radioProgrammes: 24, limitations: "Một số xã chưa điểm danh kịp thời." });
  expect(v.orgSnapshot).toMatchObject({ signerName: "Lê Quang Trung", placeName: "Triệu Sơn" });
  const [log] = await ctx.handle.db.select().from(auditLog).where(eq(auditLog.action, "report.freeze"));
  expect(log).toMatchObject({ actorId: admin.user.id, targetId: String(v1Id) });

  // Frozen: the narrative can no longer be changed and a second freeze is refused.
  expect((await admin.agent.post(`${base}/narrative`).type("form").send({ ...narrative, results: "khác" })).status).toBe(409);
  const again = await admin.agent.post(`${base}/freeze`).type("form").send({ _csrf: admin.csrf });
  expect(again.headers.location).toBe(base);
  expect(await ctx.handle.db.select().from(reportVersions)).toHaveLength(1);
  const page = await admin.agent.get(base);
  expect(page.text).toContain("Đã chốt phiên bản 1");
});

test("the DOCX opens and holds the administrative layout, in NFC", async () => {
  const file = await download(admin.agent.get(`/reports/versions/${v1Id}/report.docx`));
  expect(file.status).toBe(200);
  expect(file.type).toContain("wordprocessingml");
  expect(file.disposition).toContain(`bao-cao-${Y}-v1.docx`);
  v1Docx = file.body;
  const [v] = await ctx.handle.db.select().from(reportVersions).where(eq(reportVersions.id, v1Id));
  expect(sha(v1Docx)).toBe(v.docxSha256);

  const { xml, text } = await docxText(v1Docx);
  expect(isNfc(xml)).toBe(true);
  for (const expected of [
    "ỦY BAN NHÂN DÂN TỈNH THANH HÓA", "ỦY BAN NHÂN DÂN XÃ TRIỆU SƠN", "Số: 15/BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    `Triệu Sơn, ngày ${todayIso(v.frozenAt).slice(8, 10)} tháng`, "BÁO CÁO", `Kết quả thực hiện Kế hoạch triển khai Quyết định số 1191/QĐ-TTg`, `năm ${Y}`,
    "I. KẾT QUẢ THỰC HIỆN", "Các nhiệm vụ cơ bản hoàn thành.",
    "Tổ chức 3 hội nghị quán triệt, phổ biến (4 buổi) với 6 lượt người tham dự (5 người).",
    "Sản xuất 24 chương trình phát thanh.",
    "Tổ chức 3 lớp bồi dưỡng, tập huấn với 6 buổi học (5 ngày học); 6 lượt học viên tham gia (4 người); 2 lượt học viên hoàn thành khóa học; cấp 3 giấy chứng nhận.",
    "Tổng kinh phí thực hiện 31.500.000 đ, trong đó: ngân sách nhà nước 26.000.000 đ; doanh nghiệp 3.000.000 đ; tổ chức xã hội 2.000.000 đ; nguồn khác 500.000 đ.",
    "II. TỒN TẠI, HẠN CHẾ", "Một số xã chưa điểm danh kịp thời.", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", "IV. KIẾN NGHỊ, ĐỀ XUẤT",
    "Nơi nhận:", "- Thường trực Đảng ủy xã;", "- Lưu: VT, VH-XH.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Quang Trung",
    "Phụ lục", "(Kèm theo Báo cáo số 15/BC-UBND ngày", "Biểu 1. Số liệu tổng hợp", "Theo đơn vị (đơn vị cũ gộp vào đơn vị hiện nay)", "Xã Triệu Sơn", "Kinh phí theo nguồn",
  ]) expect(text).toContain(expected);
  // Unit roll-up row of the annex: Xã Triệu Sơn | 4 | 3 | 4 | 2 | 2 | 2.
  expect(text).toContain("Xã Triệu Sơn|4|3|4|2|2|2");
  // A4 portrait, margins 20/20/30/15 mm, then a landscape annex; Times New Roman.
  expect(xml).toMatch(/<w:pgSz w:w="1190[56]" w:h="1683[78]" w:orient="portrait"\/><w:pgMar w:top="113[34]" w:right="85[01]" w:bottom="113[34]" w:left="170[01]"/);
  expect(xml).toMatch(/w:orient="landscape"/);
  expect(xml).toContain('w:ascii="Times New Roman"');
  // NĐ 30: "Số: …" on the row of the place and date (the header's second row).
  const numberRow = [...xml.matchAll(/<w:tr[ >].*?<\/w:tr>/g)].map((r) => r[0]).find((r) => r.includes("Số: 15/BC-UBND"));
  expect(numberRow).toContain("Triệu Sơn, ngày");
  // The SHA-256 of the frozen version: small (8 pt), on the first page only, in no other footer.
  const footers = await footersOf(v1Docx);
  const withSha = footers.filter((f) => f.includes(v.sha256));
  expect(withSha).toHaveLength(1);
  expect(withSha[0]).toContain('<w:sz w:val="16"/>');
  expect(xml.match(/<w:footerReference w:type="first"/g)).toHaveLength(1);
  expect(xml).toContain("<w:titlePg/>");
  const styles = (await docxText(v1Docx, "word/styles.xml")).xml;
  expect(styles).toContain('w:ascii="Times New Roman"');
  const core = (await docxText(v1Docx, "docProps/core.xml")).xml;
  expect(core).toContain(`<dcterms:created xsi:type="dcterms:W3CDTF">${v.frozenAt.toISOString().replace(/\.\d{3}Z$/, "Z")}</dcterms:created>`);
});

test("the XLSX opens with one sheet per table, numbers as numbers, text in NFC", async () => {
  const file = await download(admin.agent.get(`/reports/versions/${v1Id}/report.xlsx`));
  expect(file.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.body as unknown as ArrayBuffer);
  expect(wb.worksheets.map((w) => w.name)).toEqual(["Tổng hợp", "Theo đối tượng", "Theo đơn vị", "Theo đơn vị (ghi nhận)", "Theo giới tính", "Theo dân tộc", "Kinh phí", "Theo tháng"]);
  const unit = wb.getWorksheet("Theo đơn vị")!;
  const rows = unit.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
  expect(rows[2]).toEqual(["TT", "Đơn vị hiện nay", "Hội nghị: lượt người", "Hội nghị: số người", "Bồi dưỡng: lượt học viên", "Bồi dưỡng: số học viên", "Hoàn thành", "Được cấp GCN"]);
  expect(rows.find((r) => r[1] === "Xã Triệu Sơn")).toEqual([2, "Xã Triệu Sơn", 4, 3, 4, 2, 2, 2]);
  expect(rows.find((r) => r[1] === "Tổng")).toEqual([undefined, "Tổng", 6, 5, 6, 4, 2, 3]);
  const funding = wb.getWorksheet("Kinh phí")!;
  // Title and subtitle merged across the table, a blank row, the header (row 4), then the rows.
  expect(funding.getRow(5).values).toEqual([undefined, 1, "Ngân sách nhà nước", 26_000_000]);
  expect(funding.getCell("C5").numFmt).toBe('#,##0 "đ"');
  const shared = await (await JSZip.loadAsync(file.body)).file("xl/sharedStrings.xml")!.async("string");
  expect(isNfc(shared)).toBe(true);
  expect(shared).toContain("Lượt học viên hoàn thành khóa học");
  // Reproducible too.
  const again = await download(admin.agent.get(`/reports/versions/${v1Id}/report.xlsx`));
  expect(again.body.equals(file.body)).toBe(true);
});

test("after the data changes, the frozen DOCX is byte-for-byte the same and the difference view shows the change", async () => {
  // F finally shows up at conference 5; the organisation gets a new signer from today.
  await data.mark(data.courses.conf5.sessions[0].id, data.people.F, "P");
  await addOrgSettings(ctx.handle.db, {
    validFrom: todayIso(), managingBody: "Ủy ban nhân dân xã Triệu Sơn", issuingBody: "Phòng Văn hóa - Xã hội", placeName: "Triệu Sơn",
    signerPrefix: "KT. CHỦ TỊCH", signerTitle: "PHÓ CHỦ TỊCH", signerName: "Nguyễn Văn Mới", reportRecipients: "Sở Văn hóa, Thể thao và Du lịch;\nLưu: VT.",
  }, { id: admin.user.id });

  const now = await download(admin.agent.get(`/reports/versions/${v1Id}/report.docx`));
  expect(now.body.equals(v1Docx)).toBe(true);
  const live = await download(admin.agent.get(`${base}/report.docx`));
  const liveText = (await docxText(live.body)).text;
  // A draft prints no check code and no note in its footers.
  expect((await footersOf(live.body)).join("")).not.toMatch(/SHA-256|Bản nháp/);
  expect(liveText).toContain("với 7 lượt người tham dự (6 người)");
  expect(liveText).toContain("Nguyễn Văn Mới");
  expect((await docxText(v1Docx)).text).not.toContain("Nguyễn Văn Mới");

  const page = await admin.agent.get(`/reports/versions/${v1Id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain("Nội dung lưu trữ khớp mã băm.");
  expect(page.text).toMatch(/Lượt người tham dự<\/a><\/td>\s*<td[^>]*>6<\/td>\s*<td[^>]*>7<\/td>\s*<td[^>]*>\+1<\/td>/);
  expect(page.text).toMatch(/Số người tham dự \(mỗi người tính một lần\)<\/a><\/td>\s*<td[^>]*>5<\/td>\s*<td[^>]*>6<\/td>/);
  expect(page.text).toContain("Theo đơn vị (đơn vị cũ gộp vào đơn vị hiện nay) — Xã Hợp Tiến — Hội nghị: lượt người");
  expect(page.text).not.toContain("Tổng kinh phí</a>"); // funding did not change
});

test("re-opening creates a new version on the next freeze; the old one stays and both are logged", async () => {
  const reopen = await admin.agent.post(`/reports/versions/${v1Id}/reopen`).type("form").send({ _csrf: admin.csrf });
  expect(reopen.headers.location).toBe(base);
  const page = await admin.agent.get(base);
  expect(page.text).toContain("Đang soạn phiên bản mới (mở lại từ phiên bản 1)");
  expect(page.text).toContain("Một số xã chưa điểm danh kịp thời."); // the narrative starts from version 1's
  // Re-opening twice is refused.
  const twice = await admin.agent.post(`/reports/versions/${v1Id}/reopen`).type("form").send({ _csrf: admin.csrf });
  expect(twice.headers.location).toBe(`/reports/versions/${v1Id}`);
  const frozen = await admin.agent.post(`${base}/freeze`).type("form").send({ _csrf: admin.csrf });
  const v2Id = Number(frozen.headers.location.split("/").pop());
  const [v2] = await ctx.handle.db.select().from(reportVersions).where(eq(reportVersions.id, v2Id));
  expect(v2).toMatchObject({ version: 2, previousId: v1Id });
  expect(v2.figures).toMatchObject({ task1: { participantTimes: 7, uniquePersons: 6 } });
  expect(v2.orgSnapshot).toMatchObject({ signerName: "Nguyễn Văn Mới" });
  expect((await download(admin.agent.get(`/reports/versions/${v1Id}/report.docx`))).body.equals(v1Docx)).toBe(true);
  const actions = (await ctx.handle.db.select().from(auditLog)).map((a) => a.action).filter((a) => a.startsWith("report."));
  expect(actions.filter((a) => a === "report.freeze")).toHaveLength(2);
  expect(actions.filter((a) => a === "report.reopen")).toHaveLength(1);
  // Only the latest version can be re-opened.
  expect((await admin.agent.post(`/reports/versions/${v1Id}/reopen`).type("form").send({ _csrf: admin.csrf })).headers.location).toBe(`/reports/versions/${v1Id}`);
  const v2page = await admin.agent.get(`/reports/versions/${v2Id}`);
  expect(v2page.text).toContain("Dữ liệu hiện tại cho cùng số liệu như phiên bản đã chốt.");
});

test("the lists by CCCD are offered as XLSX; the CSV is labelled as the file for importing into other systems", async () => {
  const page = (await admin.agent.get(base)).text;
  expect(page).toMatch(new RegExp(`<a class="button" href="${base}/participants.xlsx">Danh sách người tham gia theo CCCD \\(XLSX\\)</a>`));
  expect(page).toMatch(new RegExp(`<a href="${base}/participants.csv">Người tham gia: tệp CSV để nhập vào hệ thống khác</a>`));
  expect(page).toMatch(new RegExp(`<a href="${base}/certificates.csv">Giấy chứng nhận: tệp CSV để nhập vào hệ thống khác</a>`));
  expect(page).toContain("mở trực tiếp bằng Excel hoặc LibreOffice sẽ làm mất số 0 đầu của số CCCD");
  expect(page.indexOf("certificates.xlsx")).toBeLessThan(page.indexOf("participants.csv"));
});

test("participants and certificates keyed by CCCD, as CSV and XLSX, formulas neutralised", async () => {
  const csv = await download(admin.agent.get(`${base}/participants.csv`));
  expect(csv.status).toBe(200);
  expect(csv.type).toContain("text/csv");
  const text = csv.body.toString("utf8");
  expect(text.startsWith("\uFEFFSố CCCD,Họ và tên,")).toBe(true);
  const lines = text.slice(1).trim().split("\r\n");
  // A, B, C, E, F (attended by now) by CCCD; D without a CCCD last.
  expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["038075000006", "038080000001", "038085000002", "038085000099", "038090000003", ""]);
  expect(lines[2]).toContain("Nguyễn Văn An,Nguyễn,Văn,An,02/01/1980,Nam,01,Kinh,'=1+2,TS-DANLUC,Xã Dân Lực,Xã Triệu Sơn,Cán bộ cấp xã,4,");
  expect(lines[6]).toContain("Chưa có số CCCD");

  const xlsx = await download(admin.agent.get(`${base}/participants.xlsx`));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  expect(ws.getCell("A2").value).toBe("038075000006");
  expect(ws.getCell("A2").numFmt).toBe("@");
  expect(ws.getCell("J3").value).toBe("'=1+2");
  // Dates are date cells shown dd/mm/yyyy; the count is a number.
  expect(ws.getCell("F3").value).toEqual(new Date(Date.UTC(1980, 0, 2)));
  expect(ws.getCell("F3").numFmt).toBe("dd/mm/yyyy");
  expect(ws.getCell("O3").value).toBe(4);

  const certs = (await download(admin.agent.get(`${base}/certificates.csv`))).body.toString("utf8").slice(1).trim().split("\r\n");
  // Issued in Y: A class 1, C class 1, B class 1 (revoked), A class 2 (since re-issued in Y + 1).
  expect(certs).toHaveLength(5);
  expect(certs.slice(1).map((l) => l.split(",")[0])).toEqual(["038080000001", "038080000001", "038085000002", "038090000003"]);
  expect(certs.join("\n")).toContain("Đã thu hồi,Cấp nhầm");
  expect(certs.join("\n")).toContain("Đã được cấp lại");
  const certXlsx = await download(admin.agent.get(`${base}/certificates.xlsx`));
  const cwb = new ExcelJS.Workbook();
  await cwb.xlsx.load(certXlsx.body as unknown as ArrayBuffer);
  expect(cwb.worksheets[0].name).toBe("Giấy chứng nhận");
  expect(cwb.worksheets[0].rowCount).toBe(5);
});
