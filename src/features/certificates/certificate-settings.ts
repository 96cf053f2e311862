/**
 * Certificate settings kept in app_settings (not dated: each certificate copies what it used into its
 * snapshot): the number pattern and series, printer offsets and border, and the signature/seal PNG.
 * Seal images are stored files in the database (lib/file-store.ts, kind "seal") named by their SHA-256
 * and never deleted, because issued certificates name the image they were printed with.
 */
import fs from "node:fs";
import path from "node:path";
import { eq, inArray, sql } from "drizzle-orm";
import { imageSize } from "image-size";
import { LRUCache } from "lru-cache";
import { PDFDocument } from "pdf-lib";
import type { Db } from "../../db/client";
import { appSettings } from "../../db/schema";
import { audit } from "../../lib/audit";
import { HttpError, ValidationError } from "../../lib/errors";
import { findFile, putFile, readFile } from "../../lib/file-store";
import { sha256Hex } from "../../lib/hash";
import { drainLegacyFolder } from "../../lib/legacy-files";
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
  const settings: CertificateSettings = {
    pattern: typeof get(KEYS.pattern) === "string" ? (get(KEYS.pattern) as string) : DEFAULT_PATTERN,
    series: typeof get(KEYS.series) === "string" ? (get(KEYS.series) as string) : DEFAULT_SERIES,
    print: { ...DEFAULT_PRINT, ...print },
    sealSha256: seal?.sha256 ?? null,
  };
  return settings;
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
 * Stores a seal PNG (content-addressed: an image already stored is not stored again) and makes it the
 * current one, in one transaction.
 * @throws ValidationError when the image is larger than SEAL_MAX_PX or pdf-lib cannot embed it (the renderer would fail later).
 */
export async function saveSeal(db: Db, png: Buffer, actor: Actor): Promise<string> {
  assertSealDimensions(png);
  try {
    await (await PDFDocument.create()).embedPng(png);
  } catch {
    throw new ValidationError({ seal: m.sealUnreadable }, m.sealUnreadable);
  }
  const sha = sha256Hex(png);
  await db.transaction(async (tx) => {
    await putFile(tx, png, { kind: "seal", name: sha, mime: "image/png" });
    await put(tx, KEYS.seal, { sha256: sha });
    await audit(tx, { actorId: actor.id, action: "certificate.seal", targetType: "app_settings", targetId: KEYS.seal, details: { sha256: sha, bytes: png.length }, ip: actor.ip });
  });
  return sha;
}

/** Stops using a seal for new certificates; the image stays for reprints of issued ones. */
export async function removeSeal(db: Db, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(appSettings).where(eq(appSettings.key, KEYS.seal));
    await audit(tx, { actorId: actor.id, action: "certificate.seal.remove", targetType: "app_settings", targetId: KEYS.seal, ip: actor.ip });
  });
}

const SHA256 = /^[0-9a-f]{64}$/;
/**
 * Seal images read from the database, by SHA-256. An image never changes under its hash, so every process
 * may keep it: a bulk print reads each seal once. At most 16 MB (a seal is at most 2 MB).
 */
const seals = new LRUCache<string, Buffer>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (b) => b.length });

/**
 * The bytes of a stored seal image.
 * @throws HttpError 500 with a clear message when it is not stored (an issued certificate names it).
 */
export async function loadSeal(db: Db, sha: string): Promise<Buffer> {
  let bytes = seals.get(sha);
  if (bytes) return bytes;
  const file = SHA256.test(sha) ? await findFile(db, "seal", sha) : undefined;
  if (!file) throw new HttpError(500, m.sealMissing);
  seals.set(sha, (bytes = await readFile(db, file)));
  return bytes;
}

/** Reads each distinct seal once (bulk prints share one image across hundreds of pages). */
export function sealReader(db: Db): (sha: string | null) => Promise<Buffer | undefined> {
  return async (sha) => (sha ? loadSeal(db, sha) : undefined);
}

/** Where the versions before files moved into the database kept seal images: DATA_DIR/settings/seal-<sha256>.png. */
const legacySealDir = (dataDir: string) => path.join(dataDir, "settings");
const LEGACY_SEAL = /^seal-([0-9a-f]{64})\.png$/;
const LEGACY_SEAL_TEMP = /^seal-[0-9a-f]{64}\.png\.\d+\.tmp$/;

/**
 * Start-up step: the seal images of DATA_DIR/settings are stored in the database under their name's hash
 * (issued certificates name them), then deleted from disk with the temp files of an interrupted save.
 * Other files are left alone. Safe to kill and run again. Returns how many were moved.
 */
export function moveSealFiles(db: Db, dataDir: string): Promise<number> {
  return drainLegacyFolder(legacySealDir(dataDir), async (name, file) => {
    const sha = LEGACY_SEAL.exec(name)?.[1];
    if (!sha) return LEGACY_SEAL_TEMP.test(name) ? "delete" : "keep";
    await putFile(db, fs.readFileSync(file), { kind: "seal", name: sha, mime: "image/png" });
    return "moved";
  });
}
