/** Who may change the organisation's settings: one-line rules. */
import { roleRule } from "../../lib/policy";

/** Organisation settings and the public address: admins. */
export const manageSettings = roleRule("settings.manage", "admin");
