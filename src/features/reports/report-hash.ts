/** Canonical JSON and SHA-256 of a frozen report, so a stored snapshot can be checked later. Pure. */
import { sha256Hex } from "../../lib/hash";

/** JSON with object keys sorted at every level: jsonb reorders keys, the hash must not care. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** What a frozen version's hash covers. */
export interface HashedVersion {
  planId: number;
  periodFrom: string;
  periodTo: string;
  version: number;
  previousId: number | null;
  figures: unknown;
  narrative: unknown;
  orgSnapshot: unknown;
  frozenBy: number;
  frozenAt: Date;
}

/** SHA-256 (hex) of a version's canonical JSON. */
export function versionHash(v: HashedVersion): string {
  return sha256Hex(canonicalJson({ ...v, frozenAt: v.frozenAt.toISOString() }));
}
