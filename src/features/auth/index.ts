/** What other features use of auth: the new-password field rule. */
export { newPassword } from "./auth.schema";
