/**
 * Page data shared between requests while the database has not changed.
 *
 * The key to staleness is the database's own snapshot (`pg_current_snapshot()`): it names every
 * transaction that has written and not yet finished, and the next one to start. Two equal snapshots see
 * exactly the same data, and any commit, by this process, another server process or a background job,
 * changes it. The session store reads it in the same statement as the session (no extra query), so each
 * request carries the snapshot of its start ("version"), and an entry loaded after that point is valid
 * for every request carrying the same version. Nothing has to be invalidated by hand, and several server
 * processes on one PostgreSQL database stay correct.
 *
 * Rules for callers (see cachedRead): only GET requests read through the cache (a request that writes
 * then reads would carry the version from before its own write); loaders read the database only, never
 * the clock or files (time-dependent logic runs on the cached rows afterwards); keys name every input;
 * cached values are shared and must not be mutated (frozen under Jest to catch it).
 */
import type { Request } from "express";
import { LRUCache } from "lru-cache";

interface Entry {
  version: string;
  value: Promise<unknown>;
}

/** Least-recently-used eviction and expiry are lru-cache's; what is ours is the version check and sharing a load. */
export class ReadCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(private readonly opts: { maxEntries: number; maxAgeMs: number; freeze: boolean }) {
    this.entries = new LRUCache<string, Entry>({ max: opts.maxEntries, ttl: opts.maxAgeMs });
  }

  /** The value for `key` at database `version`: cached, being loaded by another request, or loaded now. */
  read<T>(version: string, key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key); // undefined once older than maxAgeMs
    if (hit && hit.version === version) return hit.value as Promise<T>;
    const value = load().then((v) => (this.opts.freeze ? deepFreeze(v) : v));
    const entry: Entry = { version, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.peek(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const VERSION = Symbol("taphuan.dataVersion");
type WithVersion = Request & { [VERSION]?: string };

/** Records the database snapshot read at the start of this request (the session store calls it). */
export function setDataVersion(req: Request, version: string): void {
  (req as WithVersion)[VERSION] = version;
}

/**
 * Page data through the app's ReadCache: `key` must name every input of `load` (ids, role, filters).
 * Loads directly when the request is not a GET or carries no version (no session read).
 */
export function cachedRead<T>(req: Request, key: string, load: () => Promise<T>): Promise<T> {
  const version = (req as WithVersion)[VERSION];
  const cache = req.app.locals.readCache as ReadCache | undefined;
  if (!cache || version === undefined || (req.method !== "GET" && req.method !== "HEAD")) return load();
  return cache.read(version, key, load);
}

/**
 * HTML of `view` rendered with what `load` returns, cached like page data: for long lists whose rendering
 * costs more than their query (a trainee's schedule). The view sees app.locals (t, vi) and the loaded
 * data only, never the request's user, CSRF token or flash messages.
 */
export function cachedHtml(req: Request, key: string, view: string, load: () => Promise<Record<string, unknown>>): Promise<string> {
  return cachedRead(req, key, async () => {
    const data = await load();
    return new Promise<string>((resolve, reject) => req.app.render(view, data, (err, html) => (err ? reject(err) : resolve(html))));
  });
}

/** A loader through the cache (or not): services that read page data take one from their route. */
export type Read = <T>(key: string, load: () => Promise<T>) => Promise<T>;
export const uncached: Read = (_key, load) => load();
export const readerFor = (req: Request): Read => (key, load) => cachedRead(req, key, load);
