import type { Db } from "../db/client";
import { auditLog } from "../db/schema";
import type { AuditAction } from "./audit-actions";

export interface AuditEntry {
  actorId?: number | null;
  /** A key of AUDIT_ACTION_LABELS (lib/audit-actions.ts): an action without a label does not compile. */
  action: AuditAction;
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/**
 * Appends one row to the audit log (or several, in one statement). Pass the transaction that makes the
 * change it records, so that the change and its row commit or roll back together; only events that
 * change nothing else (a failed login) are written on their own.
 */
export async function audit(db: Db, e: AuditEntry | AuditEntry[]): Promise<void> {
  const entries = Array.isArray(e) ? e : [e];
  if (!entries.length) return;
  await db.insert(auditLog).values(entries.map((x) => ({
    actorId: x.actorId ?? null,
    action: x.action,
    targetType: x.targetType ?? null,
    targetId: x.targetId == null ? null : String(x.targetId),
    details: x.details ?? null,
    ip: x.ip ?? null,
  })));
}

/**
 * Runs `change` in a transaction (a savepoint inside the caller's) and appends the audit row `entry`
 * builds from its result in the same one: the change and its record commit or roll back together.
 */
export async function audited<T>(db: Db, change: (tx: Db) => Promise<T>, entry: (result: T) => AuditEntry): Promise<T> {
  return db.transaction(async (tx) => {
    const result = await change(tx);
    await audit(tx, entry(result));
    return result;
  });
}
