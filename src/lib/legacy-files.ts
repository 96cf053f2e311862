/**
 * What the versions before files moved into the database (issue #18) left under DATA_DIR: each owner
 * (materials, seal images, pending uploads) moves its own files in at start-up (src/files-upgrade.ts);
 * these are the helpers they share.
 */
import fs from "node:fs";

/** A temp file of those versions' writes (".<32 hex>.tmp"): only ever left by a process killed between write and rename. */
export const isTempFileName = (name: string): boolean => /^\.[0-9a-f]{32}\.tmp$/.test(name);

/** Removes a folder of an older version once nothing is left in it. */
export function removeIfEmpty(dir: string): void {
  try {
    if (!fs.readdirSync(dir).length) fs.rmdirSync(dir);
  } catch {
    // gone already, or not empty any more
  }
}
