/**
 * File uploads. multer keeps the file in memory, then the CSRF token (sent as the `_csrf` field or the
 * x-csrf-token header) is checked, then the type is checked by content (not by name or browser claim).
 * Only an accepted file is ever stored (in the database: lib/file-store.ts).
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import multer from "multer";
import { fileTypeFromBuffer } from "file-type";
import { invalidCsrfTokenError, isRequestValid, registerUploadRoute } from "./csrf";
import { HttpError } from "./errors";

export interface UploadOptions {
  /** The Express path of the POST route this chain serves: the only kind of route that may receive multipart (lib/csrf.ts). */
  route: string;
  field: string;
  maxBytes: number;
  /** Accepted MIME types as detected from the bytes, e.g. "application/pdf". */
  allowed: string[];
  /** Message shown when the detected type is not allowed. */
  typeMessage: string;
  sizeMessage: string;
  /** Text formats (CSV, GIFT) have no magic number: allow them when the bytes are valid UTF-8 text. */
  allowText?: boolean;
}

export interface CheckedFile {
  buffer: Buffer;
  originalName: string;
  mime: string;
  size: number;
}

declare module "express-serve-static-core" {
  interface Request {
    checkedFile?: CheckedFile;
  }
}

// C0, DEL and C1 controls; bidirectional marks and overrides, which make "tài liệu<U+202E>fdp.exe" show as "tài liệuexe.pdf".
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Browsers send the file name as latin1 bytes of UTF-8; decode it, drop path parts, control and
 * bidirectional characters. A name left empty, or only dots (".", ".."), becomes "tep-tai-len".
 */
export function safeOriginalName(raw: string): string {
  const decoded = Buffer.from(raw, "latin1").toString("utf8");
  const name = (decoded.includes("\uFFFD") ? raw : decoded).normalize("NFC");
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(UNSAFE_IN_NAME, "").trim().slice(0, 200);
  return /^[.\s]*$/.test(clean) ? "tep-tai-len" : clean;
}

function looksLikeText(buf: Buffer): boolean {
  if (buf.includes(0)) return false;
  return !buf.toString("utf8").includes("\uFFFD");
}

/** Middleware chain for one uploaded file; sets req.checkedFile or responds with an HttpError. */
export function uploadSingle(opts: UploadOptions): RequestHandler[] {
  registerUploadRoute(opts.route);
  const parse = multer({ storage: multer.memoryStorage(), limits: { fileSize: opts.maxBytes, files: 1, fields: 100, fieldSize: 100_000 } }).single(opts.field);
  const parseWithMessages: RequestHandler = (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError && err.code === "LIMIT_FILE_SIZE") return next(new HttpError(413, opts.sizeMessage));
      return next(err);
    });
  const checkCsrf: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    // The file is only in memory: refusing here leaves nothing behind.
    if (!isRequestValid(req)) {
      req.file = undefined;
      return next(invalidCsrfTokenError);
    }
    next();
  };
  const checkType: RequestHandler = async (req, _res, next) => {
    const file = req.file;
    if (!file) return next();
    const detected = await fileTypeFromBuffer(file.buffer);
    let mime: string | undefined = detected?.mime;
    if (!mime && opts.allowText && looksLikeText(file.buffer)) mime = "text/plain";
    if (!mime || !opts.allowed.includes(mime)) return next(new HttpError(415, opts.typeMessage));
    req.checkedFile = { buffer: file.buffer, originalName: safeOriginalName(file.originalname), mime, size: file.size };
    next();
  };
  return [parseWithMessages, checkCsrf, checkType];
}
