/**
 * XLSX and DOCX files are ZIP archives. A "zip bomb" is tiny on disk and huge once inflated; exceljs
 * would inflate it all into memory. Before handing an archive to a parser we unpack it ourselves, with
 * fflate, within hard limits, and the parser gets the archive rebuilt from what we unpacked.
 *
 * Why the rebuilt copy: fflate inflates each entry into a buffer of the size the central directory
 * declares and never past it, so the sizes we add up before inflating bound the memory here. But
 * declared sizes can lie (an entry may inflate far beyond them) and another parser would trust the
 * deflate stream instead; the rebuilt archive holds only the bytes we inflated, so it cannot.
 */
import { unzipSync, zipSync, type Unzipped, type Zippable } from "fflate";

/** The archive inflates beyond the limit. */
export class ZipBombError extends Error {}
/** Not a ZIP archive, or a damaged one. */
export class ZipFormatError extends Error {}

/**
 * The entries of `buf`, inflated: at least one, at most `maxEntries` of them and `maxBytes` in total.
 * @throws ZipFormatError when the archive is malformed, ZipBombError when it is over a limit.
 */
export function unzipWithinLimits(buf: Uint8Array, maxBytes = 100 * 1024 * 1024, maxEntries = 10_000): Unzipped {
  let count = 0;
  let total = 0;
  let entries: Unzipped;
  try {
    entries = unzipSync(buf, {
      // Called for each central-directory entry before it is inflated: refusing here inflates nothing more.
      filter: (f) => {
        if (++count > maxEntries) throw new ZipBombError("too many entries");
        if (!f.name) throw new ZipFormatError("entry without a name");
        if (f.compression !== 0 && f.compression !== 8) throw new ZipFormatError(`unsupported compression method ${f.compression}`);
        // A stored entry is a slice of the upload; a deflated one is inflated into originalSize bytes.
        total += f.compression === 0 ? f.size : f.originalSize;
        if (total > maxBytes) throw new ZipBombError("inflates beyond the limit");
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ZipBombError || e instanceof ZipFormatError) throw e;
    throw new ZipFormatError("not a zip archive, or a damaged one");
  }
  // An Office file always has parts; no entries means a damaged end record (or nothing worth parsing).
  if (count === 0) throw new ZipFormatError("no entries");
  return entries;
}

/**
 * The archive rebuilt (entries stored, not compressed) from its entries inflated within the limits:
 * give this copy, never the upload, to the parser.
 * @throws ZipFormatError when the archive is malformed, ZipBombError when it is over a limit.
 */
export function assertZipWithinLimits(buf: Uint8Array, maxBytes = 100 * 1024 * 1024, maxEntries = 10_000): Buffer {
  const entries = unzipWithinLimits(buf, maxBytes, maxEntries);
  const stored: Zippable = {};
  for (const [name, data] of Object.entries(entries)) stored[name] = [data, { level: 0 }];
  return Buffer.from(zipSync(stored, { mtime: new Date(Date.UTC(2000, 0, 1)) }));
}
