/** Who may edit the reference lists (units, participant categories): one-line rules. */
import { roleRule } from "../../lib/policy";

/** Units and participant categories: admins. */
export const manageUnits = roleRule("units.manage", "admin");
