/** What other features use of certificates: the number pattern (the first-run setup asks for it), the completion rule (reports). */
export { getCertificateSettings, saveNumberPattern } from "./certificate-settings";
export { evaluateCompletion, type CompletionResult } from "./eligibility";
export { validatePattern } from "./numbering";
export { ISSUE_TASK, issueTask } from "./issue-jobs";
