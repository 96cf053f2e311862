/**
 * A throw-away database for the sample documents, the benchmarks and the tests that need a server of their
 * own: the product's embedded PostgreSQL server (production settings unless `settings` says otherwise) in a
 * temporary folder, migrated and seeded; `close()` stops the server and removes the folder.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fromEmbeddedServer, type DbHandle } from "../src/db/client";
import { startEmbeddedServer, type StartOptions } from "../src/db/embedded-server";
import { seedReferenceData } from "../src/db/reference-data";

export async function openScratchDb(opts: StartOptions = {}): Promise<DbHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "taphuan-scratch-db-"));
  const handle = fromEmbeddedServer(await startEmbeddedServer(dir, opts));
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
