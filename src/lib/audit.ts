import type { Db } from "../db/client";
import { auditLog } from "../db/schema";

export interface AuditEntry {
  actorId?: number | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends one row to the audit log (inside the caller's transaction when given one). */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: e.actorId ?? null,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId == null ? null : String(e.targetId),
    details: e.details ?? null,
    ip: e.ip ?? null,
  });
}
