/** Who may see reports and the dashboard: one-line rules. */
import { roleRule } from "../../lib/policy";

/** Reports, their exports and versions, and the dashboard: admins. */
export const readReports = roleRule("reports.read", "admin");
