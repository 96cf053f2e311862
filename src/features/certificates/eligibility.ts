/**
 * Whether a trainee completed a course (and may get a certificate), with a one-line Vietnamese
 * explanation for rosters: "Có mặt 9/12 buổi (75%, cần 80%); bài kiểm tra 65% < 70% → chưa đạt".
 */
import { formatDecimal } from "../../lib/vietnamese";

/** Completion rule, a course setting. */
export interface CompletionRule {
  /** 0..1 */
  minAttendanceRate: number;
  /** Applied when counting attendance (see attendanceRate); recorded here for the rule's completeness. */
  countExcused: boolean;
  quizRequired: boolean;
  /** Percent, 0..100; needed when quizRequired. */
  quizPassMark?: number;
  approvalRequired: boolean;
}

/** Inputs of {@link evaluateCompletion}. */
export interface CompletionInput {
  rule: CompletionRule;
  /** Over all scheduled sessions, as attendanceRate computes it with rule.countExcused. */
  attendance: { attended: number; scheduled: number };
  /** Best (or counted) attempt in percent; null when the trainee has no attempt. */
  quizPercent: number | null;
  /** Trainer's confirmation; null while pending. */
  approved: boolean | null;
}

/** Result of {@link evaluateCompletion}. */
export interface CompletionResult {
  eligible: boolean;
  /** Unmet conditions, each a short Vietnamese phrase; empty when eligible. */
  reasons: string[];
  /** Every checked condition and the verdict on one line. */
  summary: string;
}

// Tolerates float noise such as 0.29 * 100 = 28.999999999999996 in comparisons and rounding.
const EPSILON = 1e-9;

// One decimal with a decimal comma, ",0" dropped: 75 → "75%", 91.666 → "91,7%".
function percentText(value: number, roundDown = false): string {
  const tenths = roundDown ? Math.floor(value * 10 + EPSILON) : Math.round(value * 10);
  return `${formatDecimal(tenths / 10, 1)}%`;
}

// The value as printed beside its threshold, never contradicting the verdict: 79.96% below 80% must
// not read "80%", so a failing value that rounds up to the threshold is rounded down instead.
function shownValue(value: number, threshold: number, passed: boolean): string {
  const limit = percentText(threshold);
  return !passed && percentText(value) === limit ? percentText(value, true) : percentText(value);
}

// "value op threshold" (quiz grades).
function comparison(value: number, threshold: number, passed: boolean): string {
  return `${shownValue(value, threshold, passed)} ${passed ? "≥" : "<"} ${percentText(threshold)}`;
}

const capitalise = (s: string): string => s.charAt(0).toLocaleUpperCase("vi") + s.slice(1);

/**
 * Evaluates the completion rule. A course with no scheduled session cannot be completed.
 * A required quiz without a pass mark fails (with a reason) rather than passing silently.
 * @throws RangeError when the attendance counts are negative, fractional or attended > scheduled.
 */
export function evaluateCompletion(input: CompletionInput): CompletionResult {
  const { rule, attendance, quizPercent, approved } = input;
  const { attended, scheduled } = attendance;
  if (![attended, scheduled].every((n) => Number.isInteger(n) && n >= 0) || attended > scheduled) {
    throw new RangeError("attendance counts must be integers with 0 ≤ attended ≤ scheduled");
  }
  const parts: { text: string; ok: boolean }[] = [];

  if (scheduled === 0) {
    parts.push({ text: "chưa có buổi học nào theo lịch", ok: false });
  } else {
    const ratePct = (attended / scheduled) * 100;
    const minPct = rule.minAttendanceRate * 100;
    const ok = ratePct + EPSILON >= minPct;
    // One way only: sessions attended and the attendance rate against the rule ("có mặt 2/4 buổi (50%, cần 75%)").
    parts.push({ text: `có mặt ${attended}/${scheduled} buổi (${shownValue(ratePct, minPct, ok)}, cần ${percentText(minPct)})`, ok });
  }

  if (rule.quizRequired) {
    if (rule.quizPassMark === undefined || !Number.isFinite(rule.quizPassMark)) {
      parts.push({ text: "khóa học chưa đặt điểm đạt bài kiểm tra", ok: false });
    } else if (quizPercent === null) {
      parts.push({ text: "chưa làm bài kiểm tra", ok: false });
    } else {
      const ok = quizPercent + EPSILON >= rule.quizPassMark;
      parts.push({ text: `bài kiểm tra ${comparison(quizPercent, rule.quizPassMark, ok)}`, ok });
    }
  }

  if (rule.approvalRequired) {
    if (approved === null) parts.push({ text: "chờ giảng viên xác nhận", ok: false });
    else parts.push({ text: approved ? "giảng viên đã xác nhận" : "giảng viên không xác nhận", ok: approved });
  }

  const reasons = parts.filter((p) => !p.ok).map((p) => capitalise(p.text));
  const eligible = reasons.length === 0;
  const summary = `${capitalise(parts.map((p) => p.text).join("; "))} → ${eligible ? "đạt" : "chưa đạt"}`;
  return { eligible, reasons, summary };
}
