/**
 * src/features/auth/session-store.ts relies on what express-session and connect-pg-simple do inside, not
 * on their documented API (see the comment at its top). Each test names one such thing, so an upgrade
 * that changes it fails here, loudly, rather than logged-in pages quietly costing an extra query or page
 * data being cached under no version.
 */
import fs from "node:fs";
import path from "node:path";
import express from "express";
import session from "express-session";
import connectPgSimple from "connect-pg-simple";
import request from "supertest";
import { createSessionStore, SESSION_STORE_WRITTEN_FOR } from "../../src/features/auth/session-store";

const root = path.join(__dirname, "..", "..");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

test("express-session and connect-pg-simple are the versions the store was written for, pinned exactly", () => {
  const pkg = readJson(path.join(root, "package.json"));
  for (const [name, version] of Object.entries(SESSION_STORE_WRITTEN_FOR)) {
    const installed = readJson(path.join(root, "node_modules", name, "package.json")).version;
    const why = `${name}: installed ${installed}, package.json "${pkg.dependencies[name]}", session-store.ts written for ${version}. Re-check what session-store.ts relies on (comment at its top), then update SESSION_STORE_WRITTEN_FOR.`;
    expect({ installed, pinned: pkg.dependencies[name], why }).toEqual({ installed: version, pinned: version, why });
  }
});

test("express-session hands the object store.get returned to store.createSession, and copies only enumerable properties", async () => {
  const seen: { sameObject?: boolean; hiddenInSession?: boolean; passport?: unknown } = {};
  let stored: session.SessionData | undefined;
  let returned: object | undefined;
  class Probe extends session.Store {
    get(_sid: string, fn: (err: unknown, s?: session.SessionData | null) => void) {
      if (!stored) return fn(null, null);
      returned = JSON.parse(JSON.stringify(stored));
      Object.defineProperty(returned, "hidden", { value: 1, enumerable: false, configurable: true });
      fn(null, returned as session.SessionData);
    }
    set(_sid: string, s: session.SessionData, fn?: (err?: unknown) => void) {
      stored = JSON.parse(JSON.stringify(s));
      fn?.();
    }
    destroy(_sid: string, fn?: (err?: unknown) => void) {
      fn?.();
    }
    override createSession(req: express.Request, s: session.SessionData) {
      seen.sameObject = s === returned;
      return super.createSession(req, s);
    }
  }
  const app = express();
  app.use(session({ store: new Probe(), secret: "bí mật", resave: false, saveUninitialized: false }));
  app.get("/in", (req, res) => {
    (req.session as unknown as { passport: unknown }).passport = { user: "7:1" };
    res.send("ok");
  });
  app.get("/page", (req, res) => {
    seen.hiddenInSession = "hidden" in req.session;
    seen.passport = (req.session as unknown as { passport: unknown }).passport;
    res.send("ok");
  });
  const agent = request.agent(app);
  await agent.get("/in").expect(200);
  await agent.get("/page").expect(200);
  expect(seen).toEqual({ sameObject: true, hiddenInSession: false, passport: { user: "7:1" } });
});

test("connect-pg-simple: createSession is express-session's, sessions live in session(sid, sess, expire), touch writes nothing", async () => {
  const PgStore = connectPgSimple(session);
  // The functions themselves are compared, never called unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  expect(PgStore.prototype.createSession).toBe(session.Store.prototype.createSession);
  const texts: string[] = [];
  const client = { query: async (text: string) => (texts.push(text), { rows: [] }) };
  const store = createSessionStore(session, client, { prune: false });
  const sess = { cookie: { originalMaxAge: 1000, expires: new Date(Date.now() + 1000) } } as unknown as session.SessionData;
  const done = (call: (fn: (err?: Error) => void) => void) => new Promise<void>((resolve, reject) => call((err) => (err ? reject(err) : resolve())));
  await done((fn) => store.set("abc", sess, fn));
  await done((fn) => store.touch!("abc", sess, fn));
  await done((fn) => store.destroy("abc", fn));
  expect(texts).toEqual([
    'INSERT INTO "session" (sess, expire, sid) SELECT $1, to_timestamp($2), $3 ON CONFLICT (sid) DO UPDATE SET sess=$1, expire=to_timestamp($2) RETURNING sid',
    'DELETE FROM "session" WHERE sid = $1',
  ]);
});
