/** What other features use of users: one person, the person form's lists, class members without an account. */
export { countWithoutAccount } from "./accounts.service";
export { getUser, personFormOptions } from "./users.service";
export { manageUsers } from "./users.policy";
