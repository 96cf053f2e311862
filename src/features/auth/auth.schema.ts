import { z } from "zod";
import { t } from "../../messages";
import { MIN_PASSWORD_LENGTH } from "../../lib/password-strength";

export const loginSchema = z.object({
  login: z.string().trim().min(1, t.validation.required).max(200),
  password: z.string().min(1, t.validation.required).max(500),
});

export const newPassword = z.string().min(MIN_PASSWORD_LENGTH, t.auth.passwordTooShort).max(200, t.validation.tooLong);

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, t.validation.required),
    newPassword,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: t.auth.passwordMismatch });
