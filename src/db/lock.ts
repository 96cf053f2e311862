/**
 * One taphuan process per DATA_DIR: it owns the embedded server, the session secret and the uploaded files
 * there. We hold a lock file with our pid; a lock whose pid no longer runs (killed server) is taken over.
 * Holding it also tells the embedded server's start (embedded-server.ts) that a PostgreSQL still running
 * on this cluster was left by a killed app, not started by a living one.
 */
import fs from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {}

/** True while a process with this pid exists (whoever owns it). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock or throws DataDirLockedError; returns a function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "taphuan.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new DataDirLockedError(
          `Thư mục dữ liệu ${dataDir} đang được một tiến trình taphuan khác (pid ${pid}) sử dụng. ` +
            `Hãy dừng tiến trình đó hoặc dùng DATA_DIR khác.`,
        );
      }
      fs.unlinkSync(file); // stale lock from a killed process
    }
  }
  throw new DataDirLockedError(`Không lấy được khóa thư mục dữ liệu ${dataDir}.`);
}
