/**
 * Certificate settings kept in app_settings (not dated: each certificate copies what it used into its
 * snapshot): the number pattern and series, printer offsets and border, and the signature/seal PNG.
 * Seal images live in DATA_DIR/settings named by their SHA-256 and are never deleted, because issued
 * certificates name the image they were printed with.
 */
import fs from "node:fs";
import path from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import { imageSize } from "image-size";
import { PDFDocument } from "pdf-lib";
import type { Db } from "../../db/client";
import { appSettings } from "../../db/schema";
import { audit } from "../../lib/audit";
import { HttpError, ValidationError } from "../../lib/errors";
import { sha256Hex } from "../../lib/hash";
import { certificatesMessages as m } from "./certificates.messages";

type Actor = { id: number; ip?: string | null };

export const KEYS = {
  pattern: "certificate.numberPattern",
  series: "certificate.series",
  print: "certificate.print",
  seal: "certificate.seal",
} as const;

/** Fits the seeded example body (an Ủy ban nhân dân); the first-run setup asks for the real one. */
export const DEFAULT_PATTERN = "{seq}/GCN-UBND";
// The series names the register's counter, not what is printed: it stays as it was, so an installation
// that never saved its settings keeps numbering on from where it was.
export const DEFAULT_SERIES = "GCN-VHTT";
export const SEAL_MAX_BYTES = 2 * 1024 * 1024;
/**
 * Widest and tallest seal image, in pixels. A PNG is decoded to 4 bytes a pixel: a 140 kB 6000×6000 image
 * took the server to 812 MB. 2000 px is 17 cm at 300 dpi, far more than the signature space.
 */
export const SEAL_MAX_PX = 2000;

export interface PrintSettings {
  offsetXmm: number;
  offsetYmm: number;
  border: boolean;
}

export interface CertificateSettings {
  pattern: string;
  series: string;
  print: PrintSettings;
  /** SHA-256 of the current seal image, or null. */
  sealSha256: string | null;
}

const DEFAULT_PRINT: PrintSettings = { offsetXmm: 0, offsetYmm: 0, border: true };

/** Current settings, defaults filled in. */
export async function getCertificateSettings(db: Db): Promise<CertificateSettings> {
  const rows = await db.select().from(appSettings).where(inArray(appSettings.key, Object.values(KEYS)));
  const get = (k: string) => rows.find((r) => r.key === k)?.value;
  const print = (get(KEYS.print) ?? {}) as Partial<PrintSettings>;
  const seal = get(KEYS.seal) as { sha256?: string } | null | undefined;
  return {
    pattern: typeof get(KEYS.pattern) === "string" ? (get(KEYS.pattern) as string) : DEFAULT_PATTERN,
    series: typeof get(KEYS.series) === "string" ? (get(KEYS.series) as string) : DEFAULT_SERIES,
    print: { ...DEFAULT_PRINT, ...print },
    sealSha256: seal?.sha256 ?? null,
  };
}

async function put(db: Db, key: string, value: unknown): Promise<void> {
  await db
    .insert(appSettings)
    .values({ key, value })
    .onConflictDoUpdate({ target: appSettings.key, set: { value: sql`excluded.value`, updatedAt: new Date() } });
}

/** Saves pattern, series and print settings (already validated by the form schema). */
export async function saveCertificateSettings(db: Db, input: { pattern: string; series: string; print: PrintSettings }, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    await put(tx, KEYS.pattern, input.pattern);
    await put(tx, KEYS.series, input.series);
    await put(tx, KEYS.print, input.print);
    await audit(tx, { actorId: actor.id, action: "certificate.settings", targetType: "app_settings", targetId: "certificate", details: { ...input }, ip: actor.ip });
  });
}

/** Saves only the number pattern (the first-run setup asks for it; already validated). */
export async function saveNumberPattern(db: Db, pattern: string, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    await put(tx, KEYS.pattern, pattern);
    await audit(tx, { actorId: actor.id, action: "certificate.settings", targetType: "app_settings", targetId: KEYS.pattern, details: { pattern }, ip: actor.ip });
  });
}

const sealDir = (dataDir: string) => path.join(dataDir, "settings");
const sealFile = (dataDir: string, sha: string) => path.join(sealDir(dataDir), `seal-${sha}.png`);

/** Refuses, from the PNG header alone (nothing decoded), an image wider or taller than SEAL_MAX_PX. */
function assertSealDimensions(png: Buffer): void {
  let size: { width: number; height: number };
  try {
    size = imageSize(png);
  } catch {
    throw new ValidationError({ seal: m.sealUnreadable }, m.sealUnreadable);
  }
  if (size.width <= SEAL_MAX_PX && size.height <= SEAL_MAX_PX) return;
  const message = m.sealTooManyPixels(size.width, size.height, SEAL_MAX_PX);
  throw new ValidationError({ seal: message }, message);
}

/**
 * Stores a seal PNG (content-addressed) and makes it the current one.
 * @throws ValidationError when the image is larger than SEAL_MAX_PX or pdf-lib cannot embed it (the renderer would fail later).
 */
export async function saveSeal(db: Db, dataDir: string, png: Buffer, actor: Actor): Promise<string> {
  assertSealDimensions(png);
  try {
    await (await PDFDocument.create()).embedPng(png);
  } catch {
    throw new ValidationError({ seal: m.sealUnreadable }, m.sealUnreadable);
  }
  const sha = sha256Hex(png);
  const file = sealFile(dataDir, sha);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(sealDir(dataDir), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, png, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  await db.transaction(async (tx) => {
    await put(tx, KEYS.seal, { sha256: sha });
    await audit(tx, { actorId: actor.id, action: "certificate.seal", targetType: "app_settings", targetId: KEYS.seal, details: { sha256: sha, bytes: png.length }, ip: actor.ip });
  });
  return sha;
}

/** Stops using a seal for new certificates; the file stays for reprints of issued ones. */
export async function removeSeal(db: Db, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(appSettings).where(eq(appSettings.key, KEYS.seal));
    await audit(tx, { actorId: actor.id, action: "certificate.seal.remove", targetType: "app_settings", targetId: KEYS.seal, ip: actor.ip });
  });
}

/**
 * The bytes of a stored seal image.
 * @throws HttpError 500 with a clear message when the file is gone (an issued certificate names it).
 */
export function readSeal(dataDir: string, sha: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(sha)) throw new HttpError(500, m.sealMissing);
  try {
    return fs.readFileSync(sealFile(dataDir, sha));
  } catch {
    throw new HttpError(500, m.sealMissing);
  }
}

/** Reads each distinct seal once (bulk prints share one image across hundreds of pages). */
export function sealReader(dataDir: string): (sha: string | null) => Buffer | undefined {
  const cache = new Map<string, Buffer>();
  return (sha) => {
    if (!sha) return undefined;
    let bytes = cache.get(sha);
    if (!bytes) cache.set(sha, (bytes = readSeal(dataDir, sha)));
    return bytes;
  };
}
