/**
 * Every file the app hands out goes through `sendDownload`: one Content-Disposition (built by the
 * `content-disposition` package), one cache rule, one set of MIME types.
 */
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

/** The bytes (or text) of a generated file, or the path of a stored one streamed from disk. */
export type Download = DownloadHeaders & ({ body: Uint8Array | string } | { path: string });

/** Sends a download: the headers above, then the body or the stored file. */
export function sendDownload(res: Response, d: Download): void {
  res.setHeader("Content-Disposition", dispositionHeader(d.fileName, d.disposition));
  res.setHeader("Cache-Control", d.cacheControl ?? "private, no-cache");
  res.type(d.type);
  if ("path" in d) {
    // dotfiles: DATA_DIR itself may sit under a hidden folder (~/.taphuan); stored names never start with a dot.
    res.sendFile(d.path, { dotfiles: "allow", cacheControl: false });
    return;
  }
  const { body } = d;
  res.send(typeof body === "string" || Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}
