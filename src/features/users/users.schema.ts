import { z } from "zod";
import { GENDERS, ROLES } from "../../db/schema";
import {
  intParam, namePart, optionalCccd, optionalDate, optionalEmail, optionalPhone, optionalText,
} from "../../lib/forms";
import { t } from "../../messages";
import { passwordProblem } from "../../lib/password-strength";
import { newPassword } from "../auth";

const loginField = z
  .preprocess((v) => (v == null ? "" : v), z.string())
  .transform((s) => s.normalize("NFC").trim().toLowerCase())
  .pipe(z.string().max(120, t.validation.tooLong).regex(/^$|^[a-z0-9._@+-]{3,120}$/, t.validation.login));

const optionalCode = z.preprocess((v) => (v == null ? "" : v), z.string()).transform((s) => s.trim() || null);

/** Fields shared by the create and edit forms. */
const personFields = {
  ho: namePart(true),
  tenDem: namePart(false),
  ten: namePart(true),
  login: loginField,
  email: optionalEmail,
  phone: optionalPhone,
  role: z.enum(ROLES, { message: t.validation.role }),
  dateOfBirth: optionalDate,
  gender: z.preprocess((v) => (v === "" || v == null ? null : v), z.enum(GENDERS, { message: t.validation.gender }).nullable()),
  ethnicityCode: optionalCode,
  position: optionalText(200),
  unitCode: optionalCode,
  categoryId: z.preprocess((v) => (v === "" || v == null ? null : Number(v)), z.number().int().positive().nullable()),
  cccd: optionalCccd,
};

export const userCreateSchema = z.object({ ...personFields, password: newPassword }).superRefine((v, ctx) => {
  const problem = passwordProblem(v.password, [v.login, v.email, v.phone, v.cccd, `${v.ho} ${v.tenDem ?? ""} ${v.ten}`]);
  if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: t.auth.passwordProblems[problem] });
});
export const userUpdateSchema = z.object(personFields);
export type UserInput = z.infer<typeof userUpdateSchema>;

export const userListQuery = z.object({
  q: z.preprocess((v) => (typeof v === "string" ? v : ""), z.string()).transform((s) => s.normalize("NFC").trim().slice(0, 100)),
  role: z.enum(ROLES).optional().catch(undefined),
  page: intParam(1),
});
