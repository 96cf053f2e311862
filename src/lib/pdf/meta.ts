/**
 * Reproducible PDF metadata: fixed dates, producer and file ID derived from the input, so the same
 * input always yields the same bytes ("reprinting gives the same bytes").
 */
import { PDFDocument, PDFHexString } from "pdf-lib";
import { sha256Hex } from "../hash";
import { isoToUtcDate } from "./dates";

/** Producer/creator written into every document. */
export const PDF_PRODUCER = "taphuan pdf toolkit (pdf-lib 1.17.1)";

/** Stable JSON: object keys sorted, byte arrays replaced by their SHA-256. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = key === "" ? v : this[key]; // before Buffer#toJSON
    if (raw instanceof Uint8Array) return `sha256:${sha256Hex(raw)}`;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return v;
  });
}

/** A new document with no automatic (time-dependent) metadata. */
export async function createDocument(): Promise<PDFDocument> {
  return PDFDocument.create({ updateMetadata: false });
}

/**
 * Set title, producer, creator, creation/modification date (UTC midnight of `dateIso`) and the trailer
 * /ID (first 16 bytes of SHA-256 of `input`'s stable JSON).
 */
export function setReproducibleMetadata(doc: PDFDocument, title: string, dateIso: string, input: unknown): void {
  const date = isoToUtcDate(dateIso);
  doc.setTitle(title.normalize("NFC"));
  doc.setProducer(PDF_PRODUCER);
  doc.setCreator(PDF_PRODUCER);
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  const id = sha256Hex(stableJson(input)).slice(0, 32).toUpperCase();
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
}
