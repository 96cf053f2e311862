/** What other features use of the organisation settings. */
export { addOrgSettings, documentOrgOn, orgSettingsOn, type OrgSnapshot } from "./settings.service";
export { orgFields, publicUrlField, withSignerRule } from "./settings.schema";
export { SIGNER_CHOICES, signerProblem } from "./signer-rules";
