/**
 * What the audit log page prints: the Vietnamese label of each action (lib/audit-actions.ts: audit()
 * accepts no action without one, and test/audit.test.ts scans the sources too), and details as
 * "Lý do: …; Số: …" instead of raw JSON.
 */
import { AUDIT_ACTION_LABELS, type AuditAction } from "../../lib/audit-actions";
import { textOf } from "../../lib/forms";
import { t } from "../../messages";

export { AUDIT_ACTION_LABELS };

/** The label of an action, or the raw name for one no longer written (old rows). */
export const actionLabel = (action: string): string => (Object.hasOwn(AUDIT_ACTION_LABELS, action) ? AUDIT_ACTION_LABELS[action as AuditAction] : action);

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
  const s = textOf(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
}

/** Details as lines "Lý do: Cấp nhầm", keys in Vietnamese where known; [] for none. */
export function detailLines(details: unknown): string[] {
  if (details === null || details === undefined) return [];
  if (typeof details !== "object" || Array.isArray(details)) return [valueText(details)];
  return Object.entries(details as Record<string, unknown>).map(([k, v]) => `${DETAIL_LABELS[k] ?? k}: ${valueText(v)}`);
}
