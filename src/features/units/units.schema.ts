import { z } from "zod";
import { optionalDate, requiredText } from "../../lib/forms";
import { t } from "../../messages";

const optionalCode = z.preprocess((v) => (v == null ? "" : v), z.string()).transform((s) => s.trim().toUpperCase() || null);

export const unitSchema = z
  .object({
    name: requiredText(200),
    type: z.enum(["tinh", "huyen", "xa", "thi_tran", "phuong", "co_quan"], { message: t.validation.unknown }),
    parentCode: optionalCode,
    validFrom: optionalDate,
    validTo: optionalDate,
    mergedInto: optionalCode,
  })
  .refine((u) => !u.validFrom || !u.validTo || u.validFrom <= u.validTo, { path: ["validTo"], message: "Ngày hết hiệu lực phải sau ngày bắt đầu" });

export const unitCreateSchema = z.intersection(
  z.object({ code: z.preprocess((v) => (v == null ? "" : v), z.string()).transform((s) => s.trim().toUpperCase()).pipe(z.string().regex(/^[A-Z0-9_-]{1,32}$/, "Mã gồm 1–32 chữ in, số, gạch ngang")) }),
  unitSchema,
);

export type UnitInput = z.infer<typeof unitSchema>;

export const categorySchema = z.object({
  name: requiredText(200),
  sortOrder: z.preprocess((v) => (v === "" || v == null ? 0 : Number(v)), z.number({ message: "Phải là số" }).int().min(0).max(100000)),
});
