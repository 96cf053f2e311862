import { and, desc, eq, gte, ilike, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client";
import { auditLog, users } from "../../db/schema";
import { vnDayStart } from "../../lib/time";
import { containsPattern, prefixPattern } from "../../lib/like";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  person: string;
  action: string;
  from: string | null;
  to: string | null;
  page: number;
}

const target = alias(users, "target_user");

/**
 * Audit rows, newest first. `person` matches the actor's or the target user's name or login;
 * `action` is a prefix ("login" finds login, login.failed, login.locked). Dates are Vietnam calendar days.
 */
export async function listAudit(db: Db, f: AuditFilters) {
  const conds: SQL[] = [];
  if (f.person) {
    const like = containsPattern(f.person);
    conds.push(or(ilike(users.fullName, like), ilike(users.login, like), ilike(target.fullName, like), ilike(auditLog.targetId, like))!);
  }
  if (f.action) conds.push(ilike(auditLog.action, prefixPattern(f.action)));
  if (f.from) conds.push(gte(auditLog.at, vnDayStart(f.from)));
  if (f.to) conds.push(lt(auditLog.at, new Date(vnDayStart(f.to).getTime() + 86_400_000)));
  const where = conds.length ? and(...conds) : undefined;
  const base = db
    .select({ id: auditLog.id })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(target, and(eq(auditLog.targetType, "user"), eq(sql`${target.id}::text`, auditLog.targetId)));
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(base.where(where).as("filtered"));
  const rows = await db
    .select({
      id: auditLog.id, at: auditLog.at, action: auditLog.action, targetType: auditLog.targetType, targetId: auditLog.targetId,
      details: auditLog.details, ip: auditLog.ip, actorName: users.fullName, actorLogin: users.login, targetName: target.fullName,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(target, and(eq(auditLog.targetType, "user"), eq(sql`${target.id}::text`, auditLog.targetId)))
    .where(where)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE)
    .offset((f.page - 1) * AUDIT_PAGE_SIZE);
  const actions = (await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action)).map((r) => r.action);
  return { rows, total, page: f.page, pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)), actions };
}
