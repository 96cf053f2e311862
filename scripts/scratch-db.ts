/**
 * A throw-away database for the sample documents and the benchmarks: the product's embedded PostgreSQL
 * server (production settings) in a temporary folder, migrated and seeded; `close()` stops the server
 * and removes the folder.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { fromPool, type DbHandle } from "../src/db/client";
import { startEmbeddedServer, type EmbeddedServer } from "../src/db/embedded-server";
import { seedReferenceData } from "../src/db/reference-data";

export async function openScratchDb(): Promise<DbHandle & { server: EmbeddedServer }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-scratch-db-"));
  const server = await startEmbeddedServer(dir);
  const pool = new pg.Pool({ ...server.connection, max: 10 });
  pool.on("error", () => undefined); // the server's shutdown ends connections pool.end() has not closed yet
  const handle = fromPool(pool, "embedded");
  await handle.migrate();
  await seedReferenceData(handle.db);
  return {
    ...handle,
    server,
    close: async () => {
      await handle.close();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
