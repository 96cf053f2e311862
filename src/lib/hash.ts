/** SHA-256 as lowercase hex: file and document check codes, upload identities, report versions. */
import { createHash } from "node:crypto";

/** The SHA-256 of bytes, or of a string's UTF-8 bytes, as 64 lowercase hex digits. */
export const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** The same digest in base64 (shorter, for in-memory keys). */
export const sha256Base64 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("base64");
