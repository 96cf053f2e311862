/** Roster import, writing: the bulk inserts of a confirmation (new trainees, their enrollments), in batches. */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { enrollments, users, type EnrollmentStatus } from "../../db/schema";
import type { CheckedRow } from "./import.rows";

const CHUNK = 2500;
function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Optional hooks of importRoster. */
export interface ImportHooks {
  /** Awaited inside the transaction after each batch of rows is written (the crash test stops the job there). */
  afterBatch?: () => unknown;
}

/*
 * Bulk inserts send the rows as ONE JSON parameter expanded by json_to_recordset: on PGlite a
 * 1,000-row multi-VALUES insert (16,000 parameters) takes ~0.6 s, the JSON form ~0.06 s.
 */

/**
 * New trainee records (ids allocated by the caller): no login, no password. A unit name that named no
 * unit (left unmapped in the preview) is kept as typed in unit_as_imported, for the data checks.
 */
export async function insertPeople(tx: Db, rows: { id: number; row: CheckedRow }[], hooks: ImportHooks): Promise<void> {
  for (const part of chunks(rows)) {
    const json = JSON.stringify(part.map(({ id, row: { person: p, unknownUnit } }) => ({
      id, ho: p.ho, ten_dem: p.tenDem, ten: p.ten, full_name: p.fullName, email: p.email, phone: p.phone, date_of_birth: p.dateOfBirth, birth_year: p.birthYear, gender: p.gender,
      ethnicity_code: p.ethnicityCode, position: p.position, unit_code: p.unitCode, category_id: p.categoryId, cccd: p.cccd,
      unit_as_imported: unknownUnit,
    })));
    await tx.execute(sql`
      insert into ${users} (id, ho, ten_dem, ten, full_name, login, password_hash, role, email, phone, date_of_birth, birth_year, gender, ethnicity_code, position, unit_code, category_id, cccd, unit_as_imported)
      select id, ho, ten_dem, ten, full_name, null, null, 'trainee', email, phone, date_of_birth, birth_year, gender, ethnicity_code, position, unit_code, category_id, cccd, unit_as_imported
      from json_to_recordset(${json}::json) as x(id int, ho text, ten_dem text, ten text, full_name text, email text, phone text, date_of_birth date,
        birth_year int, gender text, ethnicity_code text, position text, unit_code text, category_id int, cccd text, unit_as_imported text)`);
    await hooks.afterBatch?.();
  }
}

/**
 * New enrollment rows from an import. `queue` is the place on the waitlist among this import's
 * newcomers (null when seated): waitlisted_at is `since` plus one microsecond per place, keeping the file's order.
 */
export async function insertEnrollments(
  tx: Db, courseId: number, since: string, rows: { userId: number; status: EnrollmentStatus; queue: number | null }[], hooks: ImportHooks,
): Promise<void> {
  for (const part of chunks(rows)) {
    const json = JSON.stringify(part.map((r) => ({ user_id: r.userId, status: r.status, queue: r.queue })));
    await tx.execute(sql`
      insert into ${enrollments} (course_id, user_id, status, source, requested_at, waitlisted_at)
      select ${courseId}::int, user_id, status, 'import', now(), case when queue is null then null else ${since}::timestamptz + queue * interval '1 microsecond' end
      from json_to_recordset(${json}::json) as x(user_id int, status text, queue int)`);
    await hooks.afterBatch?.();
  }
}

