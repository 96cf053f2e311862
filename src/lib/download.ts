/**
 * Every file the app hands out goes through `sendDownload`: one Content-Disposition (built by the
 * `content-disposition` package), one cache rule, one set of MIME types.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { create as contentDisposition } from "content-disposition";
import type { Response } from "express";
import { stripDiacritics } from "./vietnamese";

export const PDF_MIME = "application/pdf";
export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
export const CSV_MIME = "text/csv; charset=utf-8";
export const TEXT_MIME = "text/plain; charset=utf-8";

/**
 * Content-Disposition keeping a Vietnamese file name: `filename*` (RFC 8187, UTF-8) for browsers, plus a
 * plain-ASCII `filename` for old clients ("Bài giảng – 1.pdf" → "Bai giang - 1.pdf"). Names built from
 * typed text (a course title "Lớp 1/2026") lose path separators and control characters first, so no
 * client can read a folder or a second header line out of them.
 */
export function dispositionHeader(typed: string, type: "attachment" | "inline" = "attachment"): string {
  const name = typed.replace(/[\\/]/g, "-").replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
  const ascii = stripDiacritics(name).replace(/[\u2010-\u2015]/g, "-").replace(/[^\x20-\x7e]|["\\]/g, "_");
  return contentDisposition(name, { type, fallback: ascii });
}

interface DownloadHeaders {
  /** The name the browser saves it under, Vietnamese welcome. */
  fileName: string;
  /** One of the *_MIME constants above, or a stored file's detected type. */
  type: string;
  /** "inline" opens it in the browser (the sign-in sheet); default "attachment". */
  disposition?: "attachment" | "inline";
  /** Default "private, no-cache"; "no-store" for files that must not stay on the computer (passwords, reports). */
  cacheControl?: string;
}

/**
 * A file kept in the database (lib/file-store.ts): its chunks, read one at a time as the client takes
 * them, its size (Content-Length, so a cut download is seen as cut) and its SHA-256 (the ETag).
 */
export interface StreamedFile {
  chunks: AsyncIterable<Uint8Array>;
  size: number;
  sha256: string;
  /** Bytes start..end (inclusive) alone, for a Range request (a resumed download); without it the file is sent whole. */
  range?: (start: number, end: number) => AsyncIterable<Uint8Array>;
}

/** The bytes (or text) of a generated file, or a stored file streamed chunk by chunk. */
export type Download = DownloadHeaders & ({ body: Uint8Array | string } | { file: StreamedFile });

/**
 * Sends a download: the headers above, then the body, or the stored file's chunks with back-pressure (the
 * next chunk is read when the socket has taken the previous one). A browser that has the file already
 * (If-None-Match with its SHA-256) gets 304. Resolves when the file has been sent; a stored file that
 * breaks off midway (deleted meanwhile, client gone) ends the connection, the headers being out already.
 */
export function sendDownload(res: Response, d: DownloadHeaders & { body: Uint8Array | string }): void;
export function sendDownload(res: Response, d: DownloadHeaders & { file: StreamedFile }): Promise<void>;
export function sendDownload(res: Response, d: Download): void | Promise<void> {
  res.setHeader("Content-Disposition", dispositionHeader(d.fileName, d.disposition));
  res.setHeader("Cache-Control", d.cacheControl ?? "private, no-cache");
  res.type(d.type);
  if ("file" in d) return streamFile(res, d.file);
  const { body } = d;
  res.send(typeof body === "string" || Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

async function streamFile(res: Response, file: StreamedFile): Promise<void> {
  const etag = `"${file.sha256}"`;
  res.setHeader("ETag", etag);
  if (res.req.fresh) {
    res.status(304).end();
    return;
  }
  let body = file.chunks;
  let length = file.size;
  const wanted = file.range ? rangeOf(res, etag, file.size) : null;
  if (wanted === "unsatisfiable") {
    res.status(416).setHeader("Content-Range", `bytes */${file.size}`).end();
    return;
  }
  if (file.range) res.setHeader("Accept-Ranges", "bytes");
  if (wanted && file.range) {
    res.status(206).setHeader("Content-Range", `bytes ${wanted.start}-${wanted.end}/${file.size}`);
    body = file.range(wanted.start, wanted.end);
    length = wanted.end - wanted.start + 1;
  }
  res.setHeader("Content-Length", String(length));
  if (res.req.method === "HEAD") {
    res.end();
    return;
  }
  // pipeline stops reading chunks when the client goes away; whatever broke, the connection is closed.
  await pipeline(Readable.from(body, { highWaterMark: 1 }), res).catch(() => res.destroy());
}

/**
 * The one byte range a request asks for (Range: bytes=…), or null to send the whole file: no Range, an
 * If-Range naming another version, several ranges, or a malformed header. "unsatisfiable": past the end.
 */
function rangeOf(res: Response, etag: string, size: number): { start: number; end: number } | "unsatisfiable" | null {
  const req = res.req;
  if (!req.headers.range) return null;
  const ifRange = req.headers["if-range"];
  if (ifRange && ifRange !== etag) return null;
  const ranges = req.range(size);
  if (ranges === -1) return "unsatisfiable";
  if (ranges === -2 || ranges === undefined || ranges.type !== "bytes" || ranges.length !== 1) return null;
  return { start: ranges[0].start, end: ranges[0].end };
}
