/** Reads the configuration, opens and migrates the database, creates the first admin, listens. */
import pino from "pino";
import { createApp } from "./app";
import { ConfigError, loadConfig, parseEnv } from "./config";
import { openDb } from "./db/client";
import { EmbeddedServerError } from "./db/embedded-server";
import { DataDirLockedError, lockDataDir } from "./db/lock";
import { seedReferenceData } from "./db/reference-data";
import { ensureFirstAdmin } from "./features/users/users.service";
import { backupWriter, listenForBackupRequests } from "./features/backup/backup.schedule";
import { startJobs } from "./jobs";
import { moveFilesIntoDatabase } from "./files-upgrade";
import { upgradeFromPglite } from "./pglite-upgrade";

async function main(): Promise<void> {
  const early = parseEnv(process.env);
  // The lock comes first: even reading the session secret must not race another process.
  const release = early.databaseUrl ? () => undefined : lockDataDir(early.dataDir);
  process.on("exit", release);
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel });
  const handle = await openDb(config);
  // If the app dies without stopping it, the embedded server keeps running: ask it to stop on any exit.
  process.on("exit", () => handle.server?.stopNow());
  await handle.migrate();
  if (handle.kind === "embedded") {
    const upgraded = await upgradeFromPglite(handle, config.dataDir);
    if (upgraded) console.log(upgraded);
  }
  await seedReferenceData(handle.db);
  await moveFilesIntoDatabase(handle.db, config.dataDir);
  const admin = await ensureFirstAdmin(handle.db, { email: config.adminEmail, password: config.adminPassword });
  if (admin?.password) {
    // Printed once, on the very first start; it is never stored in clear anywhere.
    console.log(`\n  Tài khoản quản trị đầu tiên: ${admin.login}\n  Mật khẩu (chỉ hiện một lần): ${admin.password}\n`);
  } else if (admin) {
    console.log(`Đã tạo tài khoản quản trị ${admin.login} từ TAPHUAN_ADMIN_EMAIL.`);
  }
  const app = createApp({ handle, dataDir: config.dataDir, sessionSecret: config.sessionSecret, trustProxy: config.trustProxy, loginIpLimit: config.loginIpLimit, publicUrl: config.publicUrl, logger });
  const stopBackups = listenForBackupRequests(backupWriter(handle, config.dataDir, config.backupKeep, logger));
  const jobs = await startJobs(handle, { dataDir: config.dataDir, logger, backup: { dailyAt: config.backupDailyAt, keep: config.backupKeep }, staleSeconds: config.jobStaleSeconds });
  const listening = () =>
    console.log(`taphuan đang chạy tại http://${config.host ?? "localhost"}:${config.port} (cơ sở dữ liệu: ${handle.kind === "embedded" ? `PostgreSQL nhúng trong ${config.dataDir}/postgres` : "PostgreSQL"})`);
  // Without HOST, Node listens on every interface (IPv6 and IPv4).
  const server = config.host ? app.listen(config.port, config.host, listening) : app.listen(config.port, listening);
  const stop = () => {
    stopBackups();
    server.close();
    void jobs.stop().catch(() => undefined).then(() => handle.close()).finally(() => {
      release();
      process.exit(0);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof EmbeddedServerError) {
    console.error(err.message);
  } else {
    console.error("Không khởi động được taphuan:", err);
  }
  process.exit(1);
});
