/**
 * Rewrites an Office file (a zip) so that the same content always gives the same bytes: every entry's
 * time is a fixed one, the core properties' created/modified dates are set to it, and entries are
 * re-deflated in their original order. docx and exceljs stamp "now" into both places; a frozen report
 * must come out byte-for-byte the same whenever it is downloaded. The zip itself is fflate's.
 */
import { unzipSync, zipSync, type Zippable } from "fflate";
import { vnParts } from "../../lib/time";

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Reads every entry of a zip, in the order of its central directory (our own files only: no limits). */
export function readZip(zip: Buffer): ZipEntry[] {
  return Object.entries(unzipSync(zip)).map(([name, data]) => ({ name, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }));
}

/**
 * The moment `at` in Vietnam's time as a Date whose local fields read that time: fflate writes an entry's
 * DOS time from the Date's local fields, and the file must not depend on the server's zone. (A Vietnam time
 * that falls in the server zone's daylight-saving gap would move an hour; UTC and Asia/Ho_Chi_Minh, the
 * usual server zones here, have no such gap.)
 */
function vietnamWallClock(at: Date): Date {
  const d = vnParts(at);
  const year = Math.min(Math.max(d.year, 1980), 2099); // the DOS date's range, as fflate accepts it
  return new Date(year, d.month - 1, d.day, d.hour, d.minute, d.second);
}

/** Writes entries in the given order, all with the same time; empty entries (folders) are stored. */
export function writeZip(entries: ZipEntry[], at: Date): Buffer {
  const files: Zippable = {};
  for (const e of entries) files[e.name] = [new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength), { level: e.data.length ? 9 : 0 }];
  return Buffer.from(zipSync(files, { mtime: vietnamWallClock(at) }));
}

/** Sets dcterms:created/modified in docProps/core.xml and rewrites the zip with `at` as every entry's time. */
export function reproducibleOfficeFile(file: Buffer, at: Date): Buffer {
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  const entries = readZip(file).map((e) => {
    if (e.name !== "docProps/core.xml") return e;
    const xml = e.data.toString("utf8").replace(/(<dcterms:(created|modified)\b[^>]*>)[^<]*(<\/dcterms:\2>)/g, `$1${stamp}$3`);
    return { name: e.name, data: Buffer.from(xml, "utf8") };
  });
  return writeZip(entries, at);
}
