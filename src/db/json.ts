/**
 * Building blocks for reading a row and its lists in one statement: `jsonList` is a subquery giving the
 * rows of a table as a JSON array of objects with the same keys and values Drizzle's select gives
 * (columns of type text, number, boolean and date; not timestamps, which JSON turns into strings).
 */
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/** json_build_object('id', t.id, 'courseId', t.course_id, …) over every column of `table`. */
export function jsonRow(table: PgTable): SQL {
  const pairs = Object.entries(getTableColumns(table)).map(([key, column]) => sql`${sql.raw(`'${key}'`)}, ${column}`);
  return sql`json_build_object(${sql.join(pairs, sql`, `)})`;
}

/** `(select coalesce(json_agg(<item> order by …), '[]') from …)`: `from` holds the from/where part. */
export function jsonList<T>(item: SQL, from: SQL, orderBy?: SQL): SQL<T[]> {
  return sql<T[]>`(select coalesce(json_agg(${item}${orderBy ? sql` order by ${orderBy}` : sql``}), '[]'::json) ${from})`;
}
