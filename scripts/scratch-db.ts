/**
 * A throw-away database for the sample documents and the benchmarks: the product's embedded PostgreSQL
 * server (production settings) in a temporary folder, migrated and seeded; `close()` stops the server
 * and removes the folder.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fromEmbeddedServer, type DbHandle } from "../src/db/client";
import { startEmbeddedServer } from "../src/db/embedded-server";
import { seedReferenceData } from "../src/db/reference-data";

export async function openScratchDb(): Promise<DbHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-scratch-db-"));
  const handle = fromEmbeddedServer(await startEmbeddedServer(dir));
  await handle.migrate();
  await seedReferenceData(handle.db);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
