/**
 * What the audit log page prints: a Vietnamese label for every action name written anywhere in src
 * (test/audit.test.ts scans the sources to keep it so), and details as "Lý do: …; Số: …" instead of raw JSON.
 */
import { t } from "../../lib/messages";

/** Every action the app writes. Labels other branches add to t.audit.actions are used too. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  login: "Đăng nhập", "login.failed": "Đăng nhập sai", "login.locked": "Đăng nhập khi bị khóa", "password.change": "Đổi mật khẩu", "password.change.failed": "Đổi mật khẩu: sai mật khẩu hiện tại",
  "user.create": "Tạo người dùng", "user.update": "Sửa người dùng", "user.role": "Đổi vai trò", "user.activate": "Mở khóa tài khoản",
  "user.deactivate": "Khóa tài khoản", "user.password_reset": "Đặt lại mật khẩu", "user.merge": "Gộp hồ sơ",
  "settings.org": "Đổi thông tin cơ quan", "unit.create": "Thêm đơn vị", "unit.update": "Sửa đơn vị",
  "category.create": "Thêm đối tượng học viên", "category.update": "Sửa đối tượng học viên",
  "plan.create": "Tạo kế hoạch", "plan.update": "Sửa kế hoạch",
  "course.create": "Tạo khóa học", "course.update": "Sửa khóa học", "session.add": "Thêm buổi học", "session.update": "Sửa buổi học", "session.cancel": "Hủy buổi học",
  "material.upload": "Tải lên tài liệu", "material.delete": "Xóa tài liệu",
  "enrollment.self": "Tự đăng ký", "enrollment.add": "Thêm vào lớp", "enrollment.cancel": "Hủy đăng ký", "enrollment.approve": "Duyệt đăng ký",
  "enrollment.reject": "Từ chối đăng ký", "import.confirm": "Nhập danh sách học viên",
  "attendance.settings": "Đổi cài đặt điểm danh",
  "question_category.create": "Thêm nhóm câu hỏi", "question_category.rename": "Đổi tên nhóm câu hỏi",
  "question.create": "Thêm câu hỏi", "question.update": "Sửa câu hỏi", "question.archive": "Gỡ câu hỏi khỏi ngân hàng", "question.import": "Nhập câu hỏi từ tệp",
  "quiz.create": "Tạo bài kiểm tra", "quiz.update": "Sửa bài kiểm tra", "quiz.questions": "Chọn câu hỏi cho bài kiểm tra",
  "completion.rule": "Đổi điều kiện hoàn thành", "completion.approval": "Giảng viên xác nhận hoàn thành",
  "certificate.issue": "Cấp giấy chứng nhận", "certificate.reissue": "Cấp lại giấy chứng nhận", "certificate.revoke": "Thu hồi giấy chứng nhận",
  "certificate.issue_all": "Cấp giấy chứng nhận cho cả lớp",
  "certificate.settings": "Đổi cài đặt giấy chứng nhận", "certificate.seal": "Tải lên ảnh con dấu", "certificate.seal.remove": "Gỡ ảnh con dấu",
  "report.narrative": "Sửa phần lời báo cáo", "report.freeze": "Chốt báo cáo", "report.reopen": "Mở lại báo cáo đã chốt",
};

/** The label of an action, or the raw name when nobody labelled it (the test prevents that). */
export const actionLabel = (action: string): string => AUDIT_ACTION_LABELS[action] ?? t.audit.actions[action] ?? action;

const DETAIL_LABELS: Record<string, string> = {
  reason: "Lý do", number: "Số", previousNumber: "Số cũ", previousId: "Mã giấy cũ", afterRevocationOf: "Cấp lại sau thu hồi giấy mã",
  courseId: "Mã khóa học", userId: "Mã người", planId: "Mã kế hoạch", materialId: "Mã tài liệu", version: "Phiên bản",
  name: "Tên", title: "Tiêu đề", role: "Vai trò", from: "Từ", to: "Thành", before: "Trước", after: "Sau", into: "Gộp vào",
  approved: "Xác nhận", status: "Trạng thái", source: "Nguồn", count: "Số lượng", rows: "Số dòng", file: "Tệp", fileName: "Tệp",
  size: "Dung lượng (byte)", bytes: "Dung lượng (byte)", sha: "SHA-256", sha256: "SHA-256", dates: "Ngày", categories: "Nhóm",
  moved: "Đã chuyển", promoted: "Được lên từ danh sách chờ", input: "Nội dung", result: "Kết quả", updatedAt: "Cập nhật lúc",
  createdUserIds: "Tài khoản mới", enrolledUserIds: "Vào lớp", waitlistedUserIds: "Danh sách chờ",
  created: "Tạo mới", enrolled: "Vào lớp", waitlisted: "Danh sách chờ", already: "Đã có", invalid: "Dòng lỗi",
  minAttendanceRate: "Tỷ lệ chuyên cần tối thiểu", countExcused: "Tính vắng có phép", requiredQuizId: "Bài kiểm tra bắt buộc",
  completionApprovalRequired: "Cần giảng viên xác nhận", issued: "Đã cấp", failed: "Không cấp được",
};

const MAX_VALUE = 120;

function valueText(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "boolean") return v ? t.common.yes : t.common.no;
  if (Array.isArray(v)) return v.length ? v.map(valueText).join(", ") : "—";
  if (typeof v === "object") return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${DETAIL_LABELS[k] ?? k}: ${valueText(x)}`).join(", ");
  const s = String(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
}

/** Details as lines "Lý do: Cấp nhầm", keys in Vietnamese where known; [] for none. */
export function detailLines(details: unknown): string[] {
  if (details === null || details === undefined) return [];
  if (typeof details !== "object" || Array.isArray(details)) return [valueText(details)];
  return Object.entries(details as Record<string, unknown>).map(([k, v]) => `${DETAIL_LABELS[k] ?? k}: ${valueText(v)}`);
}
