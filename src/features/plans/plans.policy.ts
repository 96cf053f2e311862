/** Who may edit training plans: one-line rules. */
import { roleRule } from "../../lib/policy";

/** Plans and their tasks: admins. */
export const managePlans = roleRule("plans.manage", "admin");
