/**
 * The real server for the benchmarks: `dist/server.js` (built first, as `npm start` runs it, with its Node
 * flags) in a child process, on a temporary DATA_DIR's embedded database or on a PostgreSQL server, with
 * WORKERS processes; and a throw-away database on the machine's PostgreSQL server for the latter.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import pkg from "../package.json";

const ROOT = path.resolve(__dirname, "..");
/** The Node flags of `npm start` (package.json): the app's memory is then the production figure. */
export const START_FLAGS = pkg.scripts.start.split(" ").filter((a) => a.startsWith("--"));
/** The machine's PostgreSQL server (trust auth), unless BENCH_DATABASE_URL names another. */
export const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Builds dist/ (once per bench run). */
export function build(): void {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts dist/server.js with `env` (DATA_DIR or DATABASE_URL, WORKERS…); resolves once it says it is
 * running (with WORKERS > 1: once every worker listens). BENCH_CPU_PROF=dir writes V8 CPU profiles there.
 */
export function startAppServer(env: Record<string, string>): Promise<ChildProcess> {
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const child = spawn(process.execPath, [...START_FLAGS, ...prof, "dist/server.js"], {
    cwd: ROOT,
    // NODE_CLUSTER_SCHED_POLICY=none (passed on) lets workers accept connections themselves instead of the primary handing them round.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "silent", LOGIN_IP_LIMIT: "100000", ...pick(process.env, "NODE_CLUSTER_SCHED_POLICY"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes("taphuan đang chạy")) resolve(child);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

const pick = (env: NodeJS.ProcessEnv, name: string) => (env[name] ? { [name]: env[name] } : {});

/** SIGTERM (the server stops its workers and its embedded database; a SIGKILL would leave that running). */
export async function stopAppServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** A new empty database on POSTGRES_URL's server; returns its URL and a function that drops it. */
export function benchDatabase(name: string): { url: string; drop(): void } {
  const server = new URL(POSTGRES_URL);
  const args = ["-h", server.hostname, "-p", server.port || "5432", "-U", decodeURIComponent(server.username || "postgres")];
  const env = { ...process.env, ...(server.password ? { PGPASSWORD: decodeURIComponent(server.password) } : {}) };
  execFileSync("dropdb", [...args, "--if-exists", name], { env, stdio: "ignore" }); // left by a killed run
  execFileSync("createdb", [...args, name], { env });
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => execFileSync("dropdb", [...args, "--if-exists", name], { env }) };
}
