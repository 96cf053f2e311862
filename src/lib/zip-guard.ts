/**
 * XLSX and DOCX files are ZIP archives. A "zip bomb" is tiny on disk and huge once inflated; exceljs
 * would inflate it all into memory. Before handing an archive to a parser we inflate every entry
 * ourselves with a hard output limit (sizes declared in the archive can lie, so they are not trusted).
 */
import zlib from "node:zlib";

/** The archive inflates beyond the limit. */
export class ZipBombError extends Error {}
/** Not a ZIP archive, or a damaged one. */
export class ZipFormatError extends Error {}

const EOCD_SIG = 0x06054b50;
const CDIR_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

/**
 * Throws ZipFormatError when the archive is malformed, ZipBombError when it inflates to more than `maxBytes` in total
 * (or has more than `maxEntries` entries).
 */
export function assertZipWithinLimits(buf: Buffer, maxBytes = 100 * 1024 * 1024, maxEntries = 10_000): void {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError("not a zip archive");
  const entries = buf.readUInt16LE(eocd + 10);
  if (entries > maxEntries) throw new ZipBombError("too many entries");
  let p = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDIR_SIG) throw new ZipFormatError("bad central directory");
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    p += 46 + nameLen + extraLen + commentLen;
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== LOCAL_SIG) throw new ZipFormatError("bad local header");
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    const data = buf.subarray(dataStart, dataStart + compressedSize);
    const room = maxBytes - total;
    if (method === 0) {
      total += data.length;
    } else if (method === 8) {
      try {
        total += zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, room) }).length;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) throw new ZipBombError("inflates beyond the limit");
        throw new ZipFormatError("corrupt entry");
      }
    } else {
      throw new ZipFormatError(`unsupported compression method ${method}`);
    }
    if (total > maxBytes) throw new ZipBombError("inflates beyond the limit");
  }
}
