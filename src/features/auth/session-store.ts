/**
 * The session store: connect-pg-simple's table and writes, with one change to reading. Every logged-in
 * request needs its session row and then its user row (passport checks the user is still active and
 * the session version unchanged). Here one statement reads both: the session row joined to the user its
 * passport key names. The user travels to passport's deserializeUser on the request (takePreloadedUser),
 * so a page costs one query less, and the check is as fresh as before (no cache, nothing to invalidate).
 * Under load, requests arriving together share that statement too. The same statement reads the
 * database snapshot, the version that page data cached for this request must match (lib/read-cache.ts).
 *
 * This leans on two packages' internals, so their versions are pinned exactly in package.json and
 * test/unit/session-store-contract.test.ts fails, naming what changed, if an upgrade moves them:
 * express-session calls `store.createSession(req, sess)` (marked private) with the very object `get`
 * returned, and copies only its enumerable properties into req.session; connect-pg-simple keeps sessions
 * in "session"(sid, sess, expire), never overrides createSession, and writes nothing on touch when
 * disableTouch is set. The public API has no hook from a store's read to the request it serves.
 */
import type { Request } from "express";
import type session from "express-session";
import connectPgSimple from "connect-pg-simple";
import type { SessionUser } from "../../lib/auth";
import type { QueryClient } from "../../db/client";
import { Batcher } from "../../lib/batcher";
import { setDataVersion } from "../../lib/read-cache";

/** The versions this store was written against (see above); the contract test compares them with node_modules. */
export const SESSION_STORE_WRITTEN_FOR = { "express-session": "1.19.0", "connect-pg-simple": "10.0.0" } as const;

/** A user row as the session read returns it, or null when the session holds no (existing) user. */
type PreloadedUser = (SessionUser & { active: boolean }) | null;

const PRELOADED = Symbol("taphuan.preloadedUser");
type WithPreloaded = Request & { [PRELOADED]?: { key: string; user: PreloadedUser } };

// The passport key is "id:sessionVersion" (passport.ts); a malformed one joins no user.
const READ_SESSION = `
  select s.sid, s.sess::text as sess, u.id, u.full_name, u.role, u.login, u.session_version, u.active, pg_current_snapshot()::text as snapshot
  from "session" s
  left join users u on u.id = case when s.sess->'passport'->>'user' ~ '^[0-9]{1,9}:' then split_part(s.sess->'passport'->>'user', ':', 1)::int end
  where s.sid = any($1::text[]) and s.expire >= to_timestamp($2)`;

interface SessionRow {
  sid: string;
  sess: string;
  id: number | null;
  full_name: string;
  role: SessionUser["role"];
  login: string | null;
  session_version: number;
  active: boolean;
  snapshot: string;
}

const USER_KEY = "__taphuanUser";
const SNAPSHOT_KEY = "__taphuanSnapshot";

/**
 * The user read with the session for this request, if the session's passport key is still `key`
 * (a login during the request changes it); undefined when it must be loaded the usual way.
 */
export function takePreloadedUser(req: Request, key: string): PreloadedUser | undefined {
  const r = req as WithPreloaded;
  const pre = r[PRELOADED];
  delete r[PRELOADED];
  return pre && pre.key === key ? pre.user : undefined;
}

export function createSessionStore(expressSession: typeof session, client: QueryClient, opts: { prune: boolean }): session.Store {
  const PgStore = connectPgSimple(expressSession);
  // Requests arriving together read their sessions in one statement (lib/batcher.ts).
  const reads = new Batcher<string, SessionRow | undefined>(async (sids) => {
    const { rows } = await client.query(READ_SESSION, [sids, Date.now() / 1000]);
    const bySid = new Map((rows as SessionRow[]).map((r) => [r.sid, r]));
    return sids.map((sid) => bySid.get(sid));
  });
  class SessionStore extends PgStore {
    override get(sid: string, fn: (err: unknown, sess?: session.SessionData | null) => void): void {
      reads.add(sid).then(
        (row) => {
          if (!row) return fn(null, null);
          let sess: session.SessionData & { [USER_KEY]?: PreloadedUser };
          try {
            // Parsed here, as text: each request gets its own object (two requests of one session in a group
            // must not share one), without the driver's parse and a copy.
            sess = JSON.parse(row.sess) as typeof sess;
          } catch {
            return this.destroy(sid, (err) => fn(err, null));
          }
          const user: PreloadedUser = row.id === null ? null : { id: row.id, fullName: row.full_name, role: row.role, login: row.login, sessionVersion: row.session_version, active: row.active };
          // Carried to createSession below, which takes it off before express-session sees the data.
          Object.defineProperty(sess, USER_KEY, { value: user, enumerable: false, configurable: true });
          Object.defineProperty(sess, SNAPSHOT_KEY, { value: row.snapshot, enumerable: false, configurable: true });
          fn(null, sess);
        },
        (err) => fn(err),
      );
    }

    override createSession(req: Request, sess: session.SessionData & { [USER_KEY]?: PreloadedUser; [SNAPSHOT_KEY]?: string }): session.Session & Partial<session.SessionData> {
      if (sess[SNAPSHOT_KEY] !== undefined) setDataVersion(req, sess[SNAPSHOT_KEY]);
      delete sess[SNAPSHOT_KEY];
      if (USER_KEY in sess) {
        const key = (sess as { passport?: { user?: unknown } }).passport?.user;
        if (typeof key === "string") (req as WithPreloaded)[PRELOADED] = { key, user: sess[USER_KEY] ?? null };
        delete sess[USER_KEY];
      }
      return super.createSession(req, sess);
    }
  }
  return new SessionStore({
    pool: client as never,
    tableName: "session",
    pruneSessionInterval: opts.prune ? 15 * 60 : false,
    // No "touch" of the stored session on every request (one UPDATE per page view): a session simply
    // lasts 8 hours from login, a working day.
    disableTouch: true,
  });
}
