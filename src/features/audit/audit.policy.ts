/** Who may read the audit log: one-line rules. */
import { roleRule } from "../../lib/policy";

/** The audit log: admins. */
export const readAudit = roleRule("audit.read", "admin");
