/**
 * What the versions before files moved into the database (issue #18) left under DATA_DIR: each owner
 * (materials, seal images, pending uploads) moves its own files in at start-up (src/files-upgrade.ts);
 * these are the helpers they share.
 */
import fs from "node:fs";
import path from "node:path";

/** A temp file of those versions' writes (".<32 hex>.tmp"): only ever left by a process killed between write and rename. */
export const isTempFileName = (name: string): boolean => /^\.[0-9a-f]{32}\.tmp$/.test(name);

/** What a file of an older version's folder turned out to be. */
export type LegacyFile = "moved" | "delete" | "keep";

/**
 * Empties a folder of an older version into the database: `each` moves a file in ("moved") or says it is
 * debris ("delete": temp files, files no row names) or not taphuan's ("keep": left alone). Moved and
 * debris files leave the disk, then the folder once empty. A file gone meanwhile (another process moved
 * it) is skipped. Safe to kill and run again. Returns how many files were moved.
 */
export async function drainLegacyFolder(dir: string, each: (name: string, file: string) => Promise<LegacyFile>): Promise<number> {
  if (!fs.existsSync(dir)) return 0;
  let moved = 0;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    let what: LegacyFile;
    try {
      what = await each(name, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw e;
    }
    if (what === "keep") continue;
    if (what === "moved") moved++;
    fs.rmSync(file, { force: true });
  }
  removeIfEmpty(dir);
  return moved;
}

/** Removes a folder of an older version once nothing is left in it. */
function removeIfEmpty(dir: string): void {
  try {
    if (!fs.readdirSync(dir).length) fs.rmdirSync(dir);
  } catch {
    // gone already, or not empty any more
  }
}
