/** One zod schema per form: helpers to parse a body and collect field messages in Vietnamese. */
import type { Request } from "express";
import { z } from "zod";
import { coreMessages as t } from "./messages";
import { ValidationError } from "./errors";
import { capitaliseName, cleanText, parseViDate } from "./vietnamese";

export type FieldErrors = Record<string, string>;
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * A request's form body, typed at the boundary: the fields as body-parser or multer give them (strings, arrays
 * for repeated fields, nested objects for `a[b]` names). Passed on as Express gives it: still undefined at run time
 * when no body was parsed (parseForm reads that as {}), so only read fields with `?.` when that can happen.
 */
export const formBody = (req: Request): Record<string, unknown> => req.body as Record<string, unknown>;

/** Parses `body` with `schema`; on failure returns the first message per field. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, data: r.data };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const key = issue.path.map(String).join(".") || "_form";
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * The POST half of a form route: parses `body` with `schema`, then runs `save` with the data. When the
 * form is invalid, or `save` throws a ValidationError (a unique field taken, a date out of range), `fail`
 * re-renders the form with the field messages (the caller's 422 page) and the answer is undefined; any
 * other error propagates. `const saved = await submitForm(...); if (!saved) return;` then redirect.
 */
export async function submitForm<S extends z.ZodType, T>(
  schema: S, body: unknown, fail: (errors: FieldErrors) => unknown, save: (data: z.infer<S>) => Promise<T>,
): Promise<{ value: T } | undefined> {
  const form = parseForm(schema, body);
  if (!form.ok) {
    await fail(form.errors);
    return undefined;
  }
  return saveOrRerender(fail, () => save(form.data));
}

/** submitForm's second half, for forms not read by one zod schema: a ValidationError from `save` goes to `fail`. */
export async function saveOrRerender<T>(fail: (errors: FieldErrors) => unknown, save: () => Promise<T>): Promise<{ value: T } | undefined> {
  try {
    return { value: await save() };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    await fail(e.fields);
    return undefined;
  }
}

/** A submitted or stored value as text, as `String()` gives it (a repeated field joins with ","); "" when missing. */
// eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended conversion; a nested field's "[object Object]" then fails validation.
export const textOf = (v: unknown): string => (v == null ? "" : String(v));

const str = z.preprocess((v) => (v == null ? "" : v), z.string());

/** Trimmed NFC text, required. */
export const requiredText = (max = 200) =>
  str.transform(cleanText).pipe(z.string().min(1, t.validation.required).max(max, t.validation.tooLong));

/** Trimmed NFC text, empty → null. */
export const optionalText = (max = 200) =>
  str.transform(cleanText).pipe(z.string().max(max, t.validation.tooLong)).transform((s) => s || null);

/** A name part with every syllable capitalised. */
export const namePart = (required: boolean) =>
  str.transform(capitaliseName).pipe(required ? z.string().min(1, t.validation.required).max(60, t.validation.tooLong) : z.string().max(60, t.validation.tooLong));

/** dd/mm/yyyy (or ISO) → ISO date string; empty → null. */
export const optionalDate = str.transform(cleanText).transform((s, ctx) => {
  if (!s) return null;
  const iso = parseViDate(s);
  if (!iso) {
    ctx.addIssue({ code: "custom", message: t.validation.date });
    return z.NEVER;
  }
  return iso;
});

export const requiredDate = optionalDate.refine((v) => v !== null, t.validation.required) as unknown as z.ZodType<string>;

export const optionalEmail = str.transform(cleanText).transform((s, ctx) => {
  if (!s) return null;
  if (!z.email().safeParse(s).success) {
    ctx.addIssue({ code: "custom", message: t.validation.email });
    return z.NEVER;
  }
  return s.toLowerCase();
});

export const optionalPhone = str.transform((s) => s.replace(/[\s.\-()]/g, "")).transform((s, ctx) => {
  if (!s) return null;
  const digits = s.replace(/^\+84/, "0");
  if (!/^\d{9,11}$/.test(digits)) {
    ctx.addIssue({ code: "custom", message: t.validation.phone });
    return z.NEVER;
  }
  return digits;
});

export const optionalCccd = str.transform((s) => s.replace(/\s/g, "")).transform((s, ctx) => {
  if (!s) return null;
  if (!/^\d{12}$/.test(s)) {
    ctx.addIssue({ code: "custom", message: t.validation.cccd });
    return z.NEVER;
  }
  return s;
});

/** A checkbox: present → true. */
export const checkbox = z.preprocess((v) => v === "on" || v === "1" || v === "true" || v === true, z.boolean());

/** Positive integer from a form or query string, with a default. */
export const intParam = (def: number, min = 1, max = 1_000_000) =>
  z.preprocess((v) => (v === undefined || v === "" ? def : Number(v)), z.number().int().min(min).max(max)).catch(def);
