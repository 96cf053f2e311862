/**
 * Visible text of reports and the dashboard (part of `t` as t.reports, see src/lib/messages.ts), including
 * the text printed in the DOCX/XLSX exports. Pure data and small text builders: no I/O.
 */
import { formatDecimal } from "../../lib/vietnamese";
import type { Period } from "./report-types";

const ROMAN = ["I", "II", "III", "IV"];
const n = (x: number) => formatDecimal(x, 0);
const proseDate = (iso: string) => {
  const [y, mo, d] = iso.split("-").map(Number);
  return `ngày ${String(d).padStart(2, "0")} tháng ${mo <= 2 ? String(mo).padStart(2, "0") : mo} năm ${y}`;
};
const shortDate = (iso: string) => iso.split("-").reverse().join("/");
/** dd/mm/yyyy HH:MM in Vietnam's time (UTC+7), whatever the server's time zone. */
const vnDateTime = (d: Date) => {
  const v = new Date(d.getTime() + 7 * 3600_000).toISOString();
  return `${shortDate(v.slice(0, 10))} ${v.slice(11, 16)}`;
};

/** "năm 2025", "6 tháng đầu năm 2025", "quý III năm 2025", "từ ngày 01 tháng 3 năm 2025 đến ngày 31 tháng 5 năm 2025". */
function periodLabel(p: Period): string {
  if (p.kind === "year") return `năm ${p.year}`;
  if (p.kind === "half") return `6 tháng ${p.part === 1 ? "đầu" : "cuối"} năm ${p.year}`;
  if (p.kind === "quarter") return `quý ${ROMAN[(p.part ?? 1) - 1]} năm ${p.year}`;
  return `từ ${proseDate(p.from)} đến ${proseDate(p.to)}`;
}

export const reportsMessages = {
  title: "Báo cáo",
  dashboard: "Tổng quan",
  indexIntro: "Chọn kế hoạch và kỳ báo cáo. Số liệu được tính trực tiếp từ dữ liệu khóa học, điểm danh và giấy chứng nhận.",
  plan: "Kế hoạch",
  noPlans: "Chưa có kế hoạch nào.",
  period: "Kỳ báo cáo",
  periodLabel,
  vnDateTime,
  periodShort: (p: Period) => (p.kind === "range" ? `${shortDate(p.from)} – ${shortDate(p.to)}` : periodLabel(p)),
  year: "Năm",
  parts: { year: "Cả năm", h1: "6 tháng đầu năm", h2: "6 tháng cuối năm", q1: "Quý I", q2: "Quý II", q3: "Quý III", q4: "Quý IV", range: "Khoảng thời gian tự chọn" } as Record<string, string>,
  fromDate: "Từ ngày (dd/mm/yyyy)",
  toDate: "Đến ngày (dd/mm/yyyy)",
  show: "Xem báo cáo",
  badPeriod: "Kỳ báo cáo không hợp lệ: kiểm tra năm hoặc khoảng ngày (ngày đầu không sau ngày cuối, tối đa 10 năm).",
  asOf: (d: string) => `Số liệu tính đến ngày ${shortDate(d)}.`,
  live: "Bản nháp — số liệu trực tiếp từ dữ liệu hiện tại",
  frozenBanner: (v: number, at: string, by: string) => `Đã chốt phiên bản ${v} lúc ${at} (người chốt: ${by}). Số liệu của phiên bản này không bao giờ thay đổi.`,
  reopenedBanner: (v: number) => `Đang soạn phiên bản mới (mở lại từ phiên bản ${v}).`,
  viewFrozen: "Xem phiên bản đã chốt và thay đổi so với dữ liệu hiện tại",
  unknown: "Chưa xác định",
  genders: { Nam: "Nam", "Nữ": "Nữ" } as Record<string, string>,
  total: "Tổng",
  tt: "TT",

  figures: {
    "t1.conferences": "Số hội nghị đã tổ chức",
    "t1.sessions": "Số buổi hội nghị",
    "t1.participantTimes": "Lượt người tham dự",
    "t1.uniquePersons": "Số người tham dự (mỗi người tính một lần)",
    "t1.personSessions": "Lượt buổi có mặt",
    "t3.classes": "Số lớp bồi dưỡng, tập huấn",
    "t3.sessions": "Số buổi học",
    "t3.trainingDays": "Số ngày học (cộng theo từng lớp)",
    "t3.calendarDays": "Số ngày có lớp học (ngày lịch)",
    "t3.participantTimes": "Lượt học viên tham gia",
    "t3.uniquePersons": "Số học viên (mỗi người tính một lần)",
    "t3.personSessions": "Lượt buổi có mặt",
    "t3.classesEnded": "Số lớp kết thúc trong kỳ",
    "t3.enrolledInEnded": "Lượt học viên của các lớp kết thúc trong kỳ",
    "t3.completed": "Lượt học viên hoàn thành khóa học",
    "t3.certified": "Số giấy chứng nhận đã cấp",
    "overall.participantTimes": "Tổng lượt người (nhiệm vụ 1 và 3)",
    "overall.uniquePersons": "Tổng số người (mỗi người tính một lần)",
    "t4.total": "Tổng kinh phí",
    "t4.state": "Ngân sách nhà nước",
    "t4.business": "Doanh nghiệp",
    "t4.social": "Tổ chức xã hội",
    "t4.other": "Nguồn khác",
  } as Record<string, string>,
  measures: {
    t1Times: "Hội nghị: lượt người",
    t1Persons: "Hội nghị: số người",
    t3Times: "Bồi dưỡng: lượt học viên",
    t3Persons: "Bồi dưỡng: số học viên",
    completed: "Hoàn thành",
    certified: "Được cấp GCN",
  } as Record<string, string>,
  dimensions: {
    category: "Theo đối tượng",
    unit: "Theo đơn vị (đơn vị cũ gộp vào đơn vị hiện nay)",
    unitRecorded: "Theo đơn vị (như đã ghi nhận)",
    gender: "Theo giới tính",
    ethnicity: "Theo dân tộc",
  } as Record<string, string>,
  dimensionColumn: { category: "Đối tượng", unit: "Đơn vị hiện nay", unitRecorded: "Đơn vị (ghi nhận)", gender: "Giới tính", ethnicity: "Dân tộc" } as Record<string, string>,
  sheetNames: { summary: "Tổng hợp", category: "Theo đối tượng", unit: "Theo đơn vị", unitRecorded: "Theo đơn vị (ghi nhận)", gender: "Theo giới tính", ethnicity: "Theo dân tộc", funding: "Kinh phí", months: "Theo tháng", task2: "Nhiệm vụ 2" } as Record<string, string>,
  fundingSources: { state: "Ngân sách nhà nước", business: "Doanh nghiệp", social: "Tổ chức xã hội", other: "Nguồn khác" } as Record<string, string>,
  taskHeading: (num: number) => `Nhiệm vụ ${num}`,
  overallGroup: "Chung cho nhiệm vụ 1 và 3",
  task2Title: "Sản xuất nội dung (số liệu nhập tay)",
  figure: "Chỉ tiêu",
  value: "Số liệu",
  drillHint: "Bấm vào một số liệu để xem danh sách phía sau.",
  definitionsTitle: "Cách tính",
  definitions: [
    "Chỉ tính các buổi không bị hủy, diễn ra trong kỳ và đã đến giờ bắt đầu vào lúc tính số liệu (buổi học muộn hơn trong ngày chưa được tính).",
    "Có mặt: điểm danh P (có mặt) hoặc L (đi muộn); E (vắng có phép) được tính là có mặt nếu khóa học cài đặt như vậy. Chỉ tính người đã được ghi danh.",
    "Lượt người: mỗi người được tính một lần cho mỗi hội nghị, lớp học mà người đó có mặt ít nhất một buổi trong kỳ.",
    "Số người: mỗi người chỉ được tính một lần trong kỳ, dù tham dự nhiều hội nghị, lớp học.",
    "Hoàn thành: học viên của lớp có buổi cuối trong kỳ, đạt quy định hoàn thành (tỷ lệ có mặt trên toàn bộ các buổi theo lịch, bài kiểm tra bắt buộc, xác nhận của giảng viên).",
    "Giấy chứng nhận: tính theo ngày cấp lần đầu trong kỳ; giấy cấp lại chỉ tính một lần; giấy đã thu hồi không tính.",
    "Kinh phí: các khoản kinh phí của hội nghị, lớp học có buổi đầu tiên trong kỳ.",
    "Phân loại theo thông tin hiện tại của từng người; đơn vị cũ (trước sắp xếp năm 2025) được gộp vào đơn vị mới.",
  ],

  // Narrative form
  narrativeTitle: "Nội dung nhập tay",
  narrativeIntro: "Số hiệu văn bản, số liệu nhiệm vụ 2 và các phần nhận xét được lưu cùng báo cáo và in vào tệp DOCX.",
  documentNumber: "Số, ký hiệu (VD: 15/BC-UBND)",
  reportDate: "Ngày ký (dd/mm/yyyy, để trống: ngày chốt)",
  radioProgrammes: "Số chương trình phát thanh đã sản xuất",
  radioNote: "Nhiệm vụ 2: nội dung, kết quả",
  results: "I. Kết quả: đánh giá chung (in trước các số liệu)",
  limitations: "II. Tồn tại, hạn chế",
  directions: "III. Phương hướng, nhiệm vụ thời gian tới",
  recommendations: "IV. Kiến nghị, đề xuất",
  saveNarrative: "Lưu nội dung",
  narrativeSaved: "Đã lưu nội dung báo cáo.",
  badNumber: "Nhập một số nguyên không âm",
  locked: "Báo cáo kỳ này đã chốt. Muốn sửa, hãy mở lại để tạo phiên bản mới.",

  // Exports
  exports: "Tải về",
  docx: "Báo cáo (DOCX)",
  xlsx: "Bảng số liệu (XLSX)",
  participantsCsv: "Người tham gia: tệp CSV để nhập vào hệ thống khác",
  participantsXlsx: "Danh sách người tham gia theo CCCD (XLSX)",
  certificatesCsv: "Giấy chứng nhận: tệp CSV để nhập vào hệ thống khác",
  certificatesXlsx: "Danh sách giấy chứng nhận theo CCCD (XLSX)",
  csvNote: "Để xem, in hoặc sửa, hãy dùng tệp XLSX. Tệp CSV chỉ dùng để nhập vào hệ thống khác: mở trực tiếp bằng Excel hoặc LibreOffice sẽ làm mất số 0 đầu của số CCCD.",
  exportNote: "Danh sách theo CCCD phục vụ cơ sở dữ liệu quốc gia về cán bộ, công chức; có số CCCD (dữ liệu cá nhân), chỉ quản trị viên được tải.",
  qualityBeforeExport: (k: number) => `Có ${k} vấn đề về dữ liệu cần xem trước khi xuất báo cáo.`,

  // Freeze and versions
  freeze: "Chốt báo cáo",
  freezeConfirm: "Chốt báo cáo? Số liệu, nội dung và thông tin cơ quan sẽ được lưu cố định; muốn sửa phải mở lại thành phiên bản mới.",
  frozen: (v: number) => `Đã chốt báo cáo (phiên bản ${v}).`,
  alreadyFrozen: "Báo cáo kỳ này đã được chốt (có thể bởi người khác cùng lúc). Hãy tải lại trang.",
  reopen: "Mở lại (tạo phiên bản mới)",
  reopenConfirm: "Mở lại báo cáo? Phiên bản đã chốt vẫn giữ nguyên; bạn sẽ soạn và chốt một phiên bản mới.",
  reopened: (v: number) => `Đã mở lại báo cáo từ phiên bản ${v}; phiên bản mới sẽ được tạo khi chốt.`,
  notLatest: "Chỉ mở lại được phiên bản chốt mới nhất, khi chưa có bản đang soạn.",
  versions: "Các phiên bản đã chốt",
  versionTitle: (v: number) => `Phiên bản ${v}`,
  version: "Phiên bản",
  frozenAt: "Thời điểm chốt",
  frozenBy: "Người chốt",
  sha256: "Mã băm SHA-256",
  integrityOk: "Nội dung lưu trữ khớp mã băm.",
  integrityBad: "CẢNH BÁO: nội dung lưu trữ không khớp mã băm lúc chốt.",
  docxSha: "Mã băm tệp DOCX lúc chốt",
  diffTitle: "Thay đổi của dữ liệu hiện tại so với phiên bản đã chốt",
  diffNone: "Dữ liệu hiện tại cho cùng số liệu như phiên bản đã chốt.",
  diffFrozen: "Đã chốt",
  diffLive: "Hiện tại",
  diffDelta: "Chênh lệch",
  backToReport: "Về báo cáo của kỳ",
  narrativeShown: "Nội dung đã chốt",
  figuresFrozen: "Số liệu đã chốt",

  // Drill-down
  drillTitle: "Danh sách phía sau số liệu",
  drillFilter: (dim: string, label: string) => `${dim}: ${label}`,
  drillLive: "Danh sách lấy từ dữ liệu hiện tại.",
  course: "Hội nghị / lớp học",
  kind: "Loại",
  kinds: { training: "Lớp bồi dưỡng", conference: "Hội nghị" } as Record<string, string>,
  dates: "Thời gian",
  sessionsCol: "Số buổi trong kỳ",
  daysCol: "Số ngày trong kỳ",
  date: "Ngày",
  person: "Họ và tên",
  dateOfBirth: "Ngày sinh",
  gender: "Giới tính",
  ethnicity: "Dân tộc",
  unit: "Đơn vị",
  unitNow: "Đơn vị hiện nay",
  category: "Đối tượng",
  position: "Chức vụ",
  cccd: "Số CCCD",
  attended: "Số buổi có mặt trong kỳ",
  coursesCount: "Số hội nghị, lớp",
  completion: "Kết quả",
  certificateNumber: "Số GCN",
  issued: "Ngày cấp lần đầu",
  source: "Nguồn",
  amount: "Số tiền",
  note: "Ghi chú",
  rowsCount: (k: number) => `${n(k)} dòng`,

  // Data quality
  qualityTitle: "Kiểm tra dữ liệu trước khi xuất",
  qualityOk: "Không phát hiện vấn đề nào.",
  qualityDetails: "Xem chi tiết",
  quality: {
    sessions: "Buổi đã qua nhưng chưa điểm danh",
    missing: "Người tham gia thiếu thông tin (đối tượng, đơn vị, giới tính, ngày sinh, dân tộc, CCCD)",
    unknownUnits: "Đơn vị chưa xác định khi nhập danh sách",
    certificates: "Giấy chứng nhận đã cấp nhưng chưa đạt quy định hoàn thành",
    duplicates: "Có thể trùng người (cùng CCCD, hoặc cùng họ tên và ngày sinh)",
  } as Record<string, string>,
  missingFields: { categoryId: "đối tượng", unitCode: "đơn vị", gender: "giới tính", dateOfBirth: "ngày sinh", ethnicityCode: "dân tộc", cccd: "CCCD" } as Record<string, string>,
  missingCol: "Thiếu",
  unitAsImportedCol: "Đơn vị ghi trong danh sách",
  sessionCol: "Buổi",
  reasonCol: "Lý do",
  duplicateReason: { cccd: "Cùng số CCCD", name: "Cùng họ tên và ngày sinh" } as Record<string, string>,
  fix: "Sửa",
  merge: "Gộp",

  // Dashboard
  dashboardTitle: (year: number) => `Tổng quan năm ${year}`,
  dashboardIntro: "Số liệu mọi hội nghị, lớp học trong năm (kể cả khóa học chưa gắn với kế hoạch), tính đến hôm nay.",
  kpi: {
    conferences: "Hội nghị", classes: "Lớp bồi dưỡng", participantTimes: "Lượt người tham gia", uniquePersons: "Số người",
    completed: "Lượt hoàn thành", certified: "Giấy chứng nhận", funding: "Kinh phí",
  } as Record<string, string>,
  chartMonths: "Lượt người tham gia theo tháng",
  chartCategory: "Lượt người theo đối tượng",
  chartUnit: "Lượt người theo đơn vị (đơn vị hiện nay)",
  chartCompletion: "Tỷ lệ hoàn thành của các lớp đã kết thúc",
  seriesT1: "Hội nghị",
  seriesT3: "Bồi dưỡng, tập huấn",
  seriesTimes: "Lượt người",
  completedLabel: "Hoàn thành",
  notCompletedLabel: "Chưa hoàn thành",
  completionRate: (pct: string, done: number, all: number) => `${pct} (${n(done)}/${n(all)} lượt học viên)`,
  monthLabel: (key: string) => `T${Number(key.slice(5, 7))}/${key.slice(0, 4)}`,
  openReport: "Mở báo cáo năm",

  // The DOCX report
  doc: {
    numberLine: (num: string) => `Số: ${num.trim() || "…/BC-…"}`,
    title: "BÁO CÁO",
    subject: (planTitle: string, p: Period) => `Kết quả thực hiện ${planTitle} ${periodLabel(p)}`,
    intro: (issuingBody: string, planTitle: string, p: Period) => `${issuingBody} báo cáo kết quả thực hiện ${planTitle} ${periodLabel(p)} như sau:`,
    asOf: (d: string) => `(Số liệu tính đến ${proseDate(d)}.)`,
    section: (i: number, title: string) => `${ROMAN[i]}. ${title.toLocaleUpperCase("vi")}`,
    sections: ["Kết quả thực hiện", "Tồn tại, hạn chế", "Phương hướng, nhiệm vụ thời gian tới", "Kiến nghị, đề xuất"],
    task: (num: number, title: string) => `${num}. ${title}`,
    task1: (f: { conferences: number; sessions: number; participantTimes: number; uniquePersons: number }) =>
      `Tổ chức ${n(f.conferences)} hội nghị quán triệt, phổ biến (${n(f.sessions)} buổi) với ${n(f.participantTimes)} lượt người tham dự (${n(f.uniquePersons)} người).`,
    task2: (programmes: number | null) => (programmes == null ? "" : `Sản xuất ${n(programmes)} chương trình phát thanh.`),
    task3: (f: { classes: number; sessions: number; trainingDays: number; participantTimes: number; uniquePersons: number; completed: number; certified: number }) =>
      `Tổ chức ${n(f.classes)} lớp bồi dưỡng, tập huấn với ${n(f.sessions)} buổi học (${n(f.trainingDays)} ngày học); ${n(f.participantTimes)} lượt học viên tham gia (${n(f.uniquePersons)} người); ${n(f.completed)} lượt học viên hoàn thành khóa học; cấp ${n(f.certified)} giấy chứng nhận.`,
    task4: (total: string, parts: string[]) => `Tổng kinh phí thực hiện ${total}${parts.length ? `, trong đó: ${parts.join("; ")}` : ""}.`,
    overall: (times: number, persons: number) => `Tổng cộng ${n(times)} lượt người tham gia hội nghị và lớp học (${n(persons)} người, mỗi người tính một lần).`,
    annexRef: "Chi tiết tại Phụ lục kèm theo.",
    none: "(Chưa có nội dung.)",
    closing: (planTitle: string, p: Period, issuingBody: string) => `Trên đây là báo cáo kết quả thực hiện ${planTitle} ${periodLabel(p)} của ${issuingBody}./.`,
    recipients: "Nơi nhận:",
    defaultRecipients: ["Như trên;", "Lưu: VT."],
    annex: "Phụ lục",
    annexTitle: "SỐ LIỆU THỐNG KÊ",
    annexOf: (num: string, date: string) => `(Kèm theo Báo cáo số ${num.trim() || "…/BC-…"} ${date})`,
    table: (i: number, title: string) => `Biểu ${i}. ${title}`,
    summaryTable: "Số liệu tổng hợp",
    fundingTable: "Kinh phí theo nguồn",
    frozenNote: (v: number, sha: string) => `Phiên bản ${v} đã chốt; mã kiểm tra SHA-256: ${sha}`,
    draftNote: "Bản nháp, số liệu chưa chốt.",
    docTitle: (p: Period) => `Báo cáo kết quả thực hiện kế hoạch ${periodLabel(p)}`,
  },

  // CCCD-keyed exports
  exportCols: {
    participants: ["Số CCCD", "Họ và tên", "Họ", "Tên đệm", "Tên", "Ngày sinh", "Giới tính", "Mã dân tộc", "Dân tộc", "Chức vụ", "Mã đơn vị", "Đơn vị", "Đơn vị hiện nay", "Đối tượng", "Số lượt tham gia", "Hội nghị, lớp đã tham gia", "Ghi chú"],
    certificates: ["Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị", "Số giấy chứng nhận", "Khóa bồi dưỡng", "Ngày cấp", "Trạng thái", "Ghi chú"],
  },
  noCccd: "Chưa có số CCCD",
  certStatuses: { valid: "Còn hiệu lực", revoked: "Đã thu hồi", superseded: "Đã được cấp lại" } as Record<string, string>,
  participantsSheet: "Người tham gia",
  certificatesSheet: "Giấy chứng nhận",
};
