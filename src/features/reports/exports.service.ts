/**
 * Lists keyed by CCCD for the national database of officials: the report's participants and the
 * certificates issued in the period, as CSV or XLSX. CCCD is personal data: admins only (routes).
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { compareRosterNames, formatDate } from "../../lib/vietnamese";
import { toCsv } from "./csv";
import { reportParticipants } from "./quality-rules";
import type { Facts } from "./report-facts";
import type { Period } from "./report-types";
import { buildListXlsx } from "./report-xlsx";
import { reportsMessages as m } from "./reports.messages";
import { VN_ISSUED_DATE } from "./reports.gather";

type Row = Record<string, unknown>;
type Cell = string | number | null;
const rowsOf = <T = Row>(r: unknown): T[] => (r as { rows: T[] }).rows;

/** People with a CCCD first, in CCCD order; then those without, in roster (name) order. */
function byCccd<T extends { cccd: string | null; ho: string; tenDem: string; ten: string }>(a: T, b: T): number {
  if (a.cccd && b.cccd) return a.cccd < b.cccd ? -1 : a.cccd > b.cccd ? 1 : 0;
  if (a.cccd || b.cccd) return a.cccd ? -1 : 1;
  return compareRosterNames(a, b);
}

/** One row per participant of the report (see reportParticipants), keyed by CCCD. */
export function participantRows(f: Facts): Cell[][] {
  const label = (dim: "category" | "unit" | "unitRecorded" | "ethnicity" | "gender", key: string) => (key ? f.labels[dim].get(key) ?? key : "");
  const attendedBy = new Map<number, typeof f.pairs>();
  for (const x of f.pairs) if (x.attendedInPeriod > 0) attendedBy.set(x.person.id, [...(attendedBy.get(x.person.id) ?? []), x]);
  return reportParticipants(f)
    .sort(byCccd)
    .map((p) => {
      const attended = attendedBy.get(p.id) ?? [];
      return [
        p.cccd ?? "", p.fullName, p.ho, p.tenDem, p.ten, formatDate(p.dateOfBirth), label("gender", p.dims.gender), p.ethnicityCode ?? "", label("ethnicity", p.dims.ethnicity),
        p.position ?? "", p.unitCode ?? "", label("unitRecorded", p.dims.unitRecorded), label("unit", p.dims.unit), label("category", p.dims.category),
        attended.length, attended.map((x) => x.course.title).join("; "), p.cccd ? "" : m.noCccd,
      ];
    });
}

type CertificateRow = {
  number: string; status: string; issued: string; revoke_reason: string | null; reissue_reason: string | null; title: string;
  ho: string; ten_dem: string | null; ten: string; full_name: string; dob: string | null; gender: string | null; cccd: string | null; unit_name: string | null;
};

/** Certificates (any status) of the plan's training classes issued in the period, keyed by CCCD. */
export async function certificateRows(db: Db, planId: number, period: Period): Promise<Cell[][]> {
  const rows = rowsOf<CertificateRow>(await db.execute(sql`
    select ct.number, ct.status, (${VN_ISSUED_DATE})::text as issued, ct.revoke_reason, ct.reissue_reason, c.title,
      u.ho, u.ten_dem, u.ten, u.full_name, u.date_of_birth::text as dob, u.gender, u.cccd, un.name as unit_name
    from certificates ct
    join courses c on c.id = ct.course_id
    join plan_tasks pt on pt.id = c.plan_task_id and pt.plan_id = ${planId}
    join users u on u.id = ct.user_id
    left join units un on un.code = u.unit_code
    where ${VN_ISSUED_DATE} between ${period.from} and ${period.to}
    order by ct.issued_at, ct.id`));
  const people = rows.map((r) => ({ row: r, cccd: r.cccd == null ? null : String(r.cccd), ho: String(r.ho), tenDem: String(r.ten_dem ?? ""), ten: String(r.ten) }));
  return people.sort(byCccd).map(({ row: r, cccd }) => [
    cccd ?? "", String(r.full_name), formatDate(r.dob), String(r.gender ?? ""), String(r.unit_name ?? ""), String(r.number), String(r.title),
    formatDate(String(r.issued)), m.certStatuses[String(r.status)] ?? String(r.status),
    [cccd ? "" : m.noCccd, String(r.revoke_reason ?? r.reissue_reason ?? "")].filter(Boolean).join("; "),
  ]);
}

/** Column kinds of the XLSX lists: the CCCD (first) stays text, dates are date cells, counts numbers. */
const LIST_KINDS = {
  participants: { 0: "text", 5: "date", 14: "int" },
  certificates: { 0: "text", 2: "date", 7: "date" },
} as const;

/** A list as CSV (for importing into other systems) or XLSX (for people: keeps the CCCD's leading zero). */
export async function listFile(format: "csv" | "xlsx", kind: "participants" | "certificates", rows: Cell[][], creator: string): Promise<Buffer> {
  const header = m.exportCols[kind];
  if (format === "csv") return toCsv(header, rows);
  return buildListXlsx(kind === "participants" ? m.participantsSheet : m.certificatesSheet, header, rows, { creator, kinds: LIST_KINDS[kind] });
}
