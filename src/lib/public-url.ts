/**
 * The installation's one public address and every absolute link built from it (the certificate's QR,
 * the sample certificate, the kiosk's QR and link). Never the request's Host header: an administrator
 * browsing by localhost would print QR codes nobody can open, and a forged Host would put any domain
 * into a certificate, where the snapshot freezes it for ever.
 *
 * Precedence: the address an administrator saved (setup or Thông tin cơ quan, app_settings
 * "site.publicUrl") wins; PUBLIC_URL is only the default until one is saved, so the person who prints
 * the certificates can correct it without access to the server's environment.
 */
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { appSettings } from "../db/schema";
import { audited } from "./audit";
import { Conflict } from "./errors";
import { coreMessages as t } from "./messages";

export const PUBLIC_URL_KEY = "site.publicUrl";

/** Where an administrator corrects the address (the error page links there). */
export const PUBLIC_URL_FORM = { href: "/settings#dia-chi-cong-khai", label: t.publicUrl.fixLink };

export type PublicUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** localhost (and *.localhost), 127.0.0.0/8, ::1, 0.0.0.0, ::, and IPv4-mapped loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "0.0.0.0") return true;
  return h === "::1" || h === "::" || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(h);
}

/** Parses an address: http(s), a host, no credentials, query or fragment; no trailing slash. */
function parse(raw: string): { url: URL; text: string } | null {
  const s = raw.normalize("NFC").trim();
  if (/[?#\s]/.test(s)) return null;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  if (!/^https?:$/.test(url.protocol) || !url.hostname || url.username || url.password) return null;
  return { url, text: (url.origin + url.pathname).replace(/\/+$/, "") };
}

/** Checks an address typed into a form (or PUBLIC_URL): the normalised address or a Vietnamese message. */
export function checkPublicUrl(raw: string): PublicUrlCheck {
  const p = parse(raw);
  if (!p) return { ok: false, message: t.publicUrl.invalid };
  if (isLoopbackHost(p.url.hostname)) return { ok: false, message: t.publicUrl.loopbackField };
  return { ok: true, url: p.text };
}

/** `base` + `path` ("/verify/abc"), with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** The saved address, or null. */
export async function savedPublicUrl(db: Db): Promise<string | null> {
  const [row] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, PUBLIC_URL_KEY));
  return typeof row?.value === "string" ? row.value : null;
}

/** Saves an address already checked by {@link checkPublicUrl}, inside the caller's transaction when given one. */
export async function savePublicUrl(db: Db, url: string, actor: { id: number; ip?: string | null }): Promise<void> {
  await audited(
    db,
    (tx) => tx.insert(appSettings).values({ key: PUBLIC_URL_KEY, value: url })
      .onConflictDoUpdate({ target: appSettings.key, set: { value: sql`excluded.value`, updatedAt: new Date() } }),
    () => ({ actorId: actor.id, action: "settings.publicUrl", targetType: "app_settings", targetId: PUBLIC_URL_KEY, details: { url }, ip: actor.ip }),
  );
}

/** The address in force for one app: the saved one, else PUBLIC_URL (from config.ts). */
export class PublicAddress {
  constructor(
    private readonly db: Db,
    private readonly envDefault?: string,
  ) {}

  /** The address as configured (possibly loopback), or null when neither saved nor PUBLIC_URL. */
  async current(): Promise<string | null> {
    const saved = await savedPublicUrl(this.db);
    if (saved) return saved;
    return this.envDefault ? (parse(this.envDefault)?.text ?? null) : null;
  }

  /**
   * The base of absolute links.
   * @throws Conflict (with a link to the form) while the address is unset or loopback.
   */
  async base(): Promise<string> {
    const url = await this.current();
    if (!url) throw new Conflict(t.publicUrl.missing, PUBLIC_URL_FORM);
    if (isLoopbackHost(new URL(url).hostname)) throw new Conflict(t.publicUrl.loopback(url), PUBLIC_URL_FORM);
    return url;
  }

  /** An absolute link to `path`; throws like {@link base}. */
  async absoluteUrl(path: string): Promise<string> {
    return joinUrl(await this.base(), path);
  }
}
