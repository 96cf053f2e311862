/**
 * Text typed in a search box used in SQL LIKE/ILIKE: its % and _ (and the escape character \, PostgreSQL's
 * default) match themselves, so "50%" finds "50%" and not "500".
 */

/** `s` with LIKE's wildcards and backslash escaped. */
export const escapeLike = (s: string): string => s.replace(/[%_\\]/g, (c) => "\\" + c);

/** A LIKE pattern matching text that contains `s`. */
export const containsPattern = (s: string): string => `%${escapeLike(s)}%`;

/** A LIKE pattern matching text that starts with `s`. */
export const prefixPattern = (s: string): string => `${escapeLike(s)}%`;
