/** Who runs the first-run setup: one-line rules. */
import { roleRule } from "../../lib/policy";

/** The first-run setup: admins. */
export const runSetup = roleRule("setup.run", "admin");
