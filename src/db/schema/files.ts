import { customType, index, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** PostgreSQL bytea as a Node Buffer (node-postgres reads bytea as a Buffer). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/**
 * Files kept in the database (issue #18: every app server sees the same files): course materials, seal
 * images, uploads waiting for their confirmation. The bytes are in file_chunks (src/lib/file-store.ts), so a
 * download is streamed a chunk at a time. `kind` says who owns the file; `name`, when set, is the key the
 * owner finds it by (a seal's SHA-256, a pending upload's random name): unique per kind.
 */
export const storedFiles = pgTable(
  "stored_files",
  {
    id: serial("id").primaryKey(),
    kind: text("kind").notNull(),
    name: text("name"),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    mime: text("mime").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Rows without a name never conflict (NULLs are distinct).
    uniqueIndex("stored_files_kind_name_idx").on(t.kind, t.name),
    index("stored_files_kind_created_idx").on(t.kind, t.createdAt),
  ],
);

/** The bytes of a stored file: chunks 0..n-1 of CHUNK_SIZE bytes (the last one shorter). */
export const fileChunks = pgTable(
  "file_chunks",
  {
    fileId: integer("file_id").notNull().references(() => storedFiles.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.fileId, t.seq] })],
);
