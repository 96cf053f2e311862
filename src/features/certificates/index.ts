/** What other features use of certificates: the number pattern (the first-run setup asks for it). */
export { getCertificateSettings, saveNumberPattern } from "./certificate-settings";
export { validatePattern } from "./numbering";
