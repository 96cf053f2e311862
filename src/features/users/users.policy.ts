/** Who may manage people's accounts: one-line rules (class accounts follow courses.policy.ts's manageCourse). */
import { roleRule } from "../../lib/policy";

/** The people list, editing, locking, password resets and merging duplicates are the office's (admins). */
export const manageUsers = roleRule("users.manage", "admin");
