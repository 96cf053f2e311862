/**
 * Reads the configuration, opens and migrates the database, creates the first admin, listens. With
 * WORKERS > 1 this process does all but the listening, which N worker processes do (cluster.ts).
 */
import pino from "pino";
import { isWorker, runPrimary, workerDb } from "./cluster";
import { ConfigError, loadConfig, parseEnv, type Config } from "./config";
import { openDb, type DbHandle } from "./db/client";
import { EMBEDDED_DATABASE, EmbeddedServerError } from "./db/embedded-server";
import { DataDirLockedError, lockDataDir } from "./db/lock";
import { withStartupLock } from "./db/startup-lock";
import { seedReferenceData } from "./db/reference-data";
import { ensureFirstAdmin } from "./features/users/users.service";
import { backupWriter, listenForBackupRequests } from "./features/backup/backup.schedule";
import { startJobs } from "./jobs";
import { moveFilesIntoDatabase } from "./files-upgrade";
import { upgradeFromPglite } from "./pglite-upgrade";

async function main(): Promise<void> {
  if (isWorker()) {
    // A cluster worker: the primary did the start-up and holds DATA_DIR; it passed the database and secret.
    const config = loadConfig(process.env);
    // Ctrl-C reaches the whole process group: only the primary acts on it, stopping the workers (SIGTERM) first.
    process.on("SIGINT", () => undefined);
    await serve(workerDb(config), config, pino({ level: config.logLevel }), () => undefined, { signals: ["SIGTERM"] });
    return;
  }
  const early = parseEnv(process.env);
  // The lock comes first: even reading the session secret must not race another process.
  const release = early.databaseUrl ? () => undefined : lockDataDir(early.dataDir);
  process.on("exit", release);
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel });
  const handle = await openDb(config);
  // If the app dies without stopping it, the embedded server keeps running: ask it to stop on any exit.
  process.on("exit", () => handle.server?.stopNow());
  // Servers started at once on one database take turns for the steps that write (db/startup-lock.ts).
  const admin = await withStartupLock(handle.pool!, async () => {
    await handle.migrate();
    if (handle.kind === "embedded") {
      const upgraded = await upgradeFromPglite(handle, config.dataDir);
      if (upgraded) console.log(upgraded);
    }
    await seedReferenceData(handle.db);
    await moveFilesIntoDatabase(handle.db, config.dataDir);
    return ensureFirstAdmin(handle.db, { email: config.adminEmail, password: config.adminPassword });
  });
  if (admin?.password) {
    // Printed once, on the very first start; it is never stored in clear anywhere.
    console.log(`\n  Tài khoản quản trị đầu tiên: ${admin.login}\n  Mật khẩu (chỉ hiện một lần): ${admin.password}\n`);
  } else if (admin) {
    console.log(`Đã tạo tài khoản quản trị ${admin.login} từ TAPHUAN_ADMIN_EMAIL.`);
  }
  const stopBackups = listenForBackupRequests(backupWriter(handle, config.dataDir, config.backupKeep, logger));
  const listening = () =>
    console.log(`taphuan đang chạy tại http://${config.host ?? "localhost"}:${config.port} (cơ sở dữ liệu: ${handle.kind === "embedded" ? `PostgreSQL nhúng trong ${config.dataDir}/postgres` : "PostgreSQL"}${config.workers > 1 ? `, ${config.workers} tiến trình xử lý yêu cầu` : ""})`);
  if (config.workers > 1) {
    runPrimary({
      workers: config.workers, databaseUrl: config.databaseUrl ?? handle.server!.url(EMBEDDED_DATABASE), databaseKind: handle.kind, sessionSecret: config.sessionSecret,
      onListening: listening,
      onStop: () => {
        stopBackups();
        return handle.close().finally(release);
      },
    });
    return;
  }
  await serve(handle, config, logger, listening, { onStop: stopBackups, onClosed: release });
}

/** Creates the app, starts its jobs and listens (the one process, or each worker); SIGINT/SIGTERM close them and the database. */
async function serve(handle: DbHandle, config: Config, logger: pino.Logger, listening: () => void, hooks: { onStop?: () => void; onClosed?: () => void; signals?: NodeJS.Signals[] } = {}): Promise<void> {
  // Loaded here, not at the top: a cluster's primary never serves and is ~60 MB lighter without the app's modules.
  const { createApp } = await import("./app");
  const app = createApp({ handle, sessionSecret: config.sessionSecret, trustProxy: config.trustProxy, loginIpLimit: config.loginIpLimit, publicUrl: config.publicUrl, logger });
  // Every serving process takes its share of the background jobs (the queue gives each job to one of them).
  const jobs = await startJobs(handle, { dataDir: config.dataDir, logger, backup: { dailyAt: config.backupDailyAt, keep: config.backupKeep }, staleSeconds: config.jobStaleSeconds });
  // Express 5 passes a listen error (port taken) to this callback instead of throwing it.
  const onListen = (err?: Error) => {
    if (!err) return listening();
    console.error(`Không mở được cổng ${config.port}: ${err.message}`);
    process.exit(1);
  };
  // Without HOST, Node listens on every interface (IPv6 and IPv4).
  const server = config.host ? app.listen(config.port, config.host, onListen) : app.listen(config.port, onListen);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    hooks.onStop?.();
    server.close();
    void jobs.stop().catch(() => undefined).then(() => handle.close()).finally(() => {
      hooks.onClosed?.();
      process.exit(0);
    });
  };
  for (const signal of hooks.signals ?? ["SIGINT", "SIGTERM"]) process.on(signal, stop);
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof EmbeddedServerError) {
    console.error(err.message);
  } else {
    console.error("Không khởi động được taphuan:", err);
  }
  process.exit(1);
});
