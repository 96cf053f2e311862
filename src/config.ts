import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const boolish = z
  .enum(["", "0", "1", "true", "false", "yes", "no"], { message: "phải là 0/1, true/false hoặc yes/no" })
  .transform((v) => ["1", "true", "yes"].includes(v));

const WORKERS_MESSAGE = "phải là số nguyên từ 1 đến 64 (số tiến trình xử lý yêu cầu)";

const envSchema = z.object({
  PORT: z.coerce.number({ message: "phải là một số" }).int().min(1).max(65535).default(3000),
  HOST: z
    .string()
    .regex(/^[0-9A-Za-z.:-]+$/, { message: "phải là một địa chỉ IP hoặc tên máy, ví dụ 127.0.0.1" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: "phải bắt đầu bằng postgres:// hoặc postgresql://" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SESSION_SECRET: z.string().min(32, { message: "phải dài ít nhất 32 ký tự" }).optional(),
  TRUST_PROXY: boolish.default(false),
  TAPHUAN_ADMIN_EMAIL: z.email({ message: "không phải địa chỉ email hợp lệ" }).optional(),
  TAPHUAN_ADMIN_PASSWORD: z.string().min(10, { message: "phải dài ít nhất 10 ký tự" }).optional(),
  LOGIN_IP_LIMIT: z.coerce.number().int().min(1).default(50),
  BACKUP_DAILY_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: "phải có dạng HH:MM, ví dụ 02:00" }).optional().or(z.literal("").transform(() => undefined)),
  BACKUP_KEEP: z.coerce.number({ message: "phải là một số" }).int().min(1).max(3650).default(14),
  JOB_STALE_SECONDS: z.coerce.number({ message: "phải là một số" }).int().min(1, { message: "phải từ 1 đến 3600" }).max(3600, { message: "phải từ 1 đến 3600" }).default(30),
  PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s?#]+$/, { message: "phải là địa chỉ http:// hoặc https://, ví dụ https://taphuan.thanhhoa.gov.vn" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  WORKERS: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number({ error: WORKERS_MESSAGE }).int({ error: WORKERS_MESSAGE }).min(1, { error: WORKERS_MESSAGE }).max(64, { error: WORKERS_MESSAGE }).optional(),
  ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = {
  port: number;
  /**
   * Address to listen on: all interfaces by default; 127.0.0.1 when TRUST_PROXY is set, so that nobody can
   * reach the port directly and forge the X-Forwarded-For header the proxy would otherwise set.
   */
  host?: string;
  dataDir: string;
  databaseUrl?: string;
  sessionSecret: string;
  trustProxy: boolean;
  adminEmail?: string;
  adminPassword?: string;
  /** Login attempts one IP may make in 15 minutes, across all logins. */
  loginIpLimit: number;
  logLevel: string;
  /** Daily automatic backup time (Vietnam time, HH:MM) or undefined for none. */
  backupDailyAt?: string;
  /** How many automatic backups to keep. */
  backupKeep: number;
  /** Seconds without a heartbeat after which another process takes over a dead process's jobs. */
  jobStaleSeconds: number;
  /**
   * Default public address for absolute links (QR codes); an address saved by an administrator in the
   * setup or organisation settings wins over it (lib/public-url.ts).
   */
  publicUrl?: string;
  /** Server processes answering requests (node's cluster when > 1; src/cluster.ts). */
  workers: number;
};

export class ConfigError extends Error {}

/** Parses the environment once. Throws ConfigError naming the bad variable. */
export function parseEnv(env: NodeJS.ProcessEnv): Omit<Config, "sessionSecret"> & { sessionSecret?: string } {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Cấu hình không hợp lệ:\n  ${lines.join("\n  ")}`);
  }
  const e = r.data;
  return {
    port: e.PORT,
    host: e.HOST ?? (e.TRUST_PROXY ? "127.0.0.1" : undefined),
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    sessionSecret: e.SESSION_SECRET,
    trustProxy: e.TRUST_PROXY,
    adminEmail: e.TAPHUAN_ADMIN_EMAIL,
    adminPassword: e.TAPHUAN_ADMIN_PASSWORD,
    loginIpLimit: e.LOGIN_IP_LIMIT,
    logLevel: e.LOG_LEVEL,
    backupDailyAt: e.BACKUP_DAILY_AT,
    backupKeep: e.BACKUP_KEEP,
    jobStaleSeconds: e.JOB_STALE_SECONDS,
    publicUrl: e.PUBLIC_URL,
    // One process unless asked: a second one costs ~190 MB and, on two cores shared with the database
    // server, gained little (BENCHMARKS.md, "Several processes on one machine").
    workers: e.WORKERS ?? 1,
  };
}

/** Full configuration; without SESSION_SECRET a random one is generated once and kept in DATA_DIR. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const partial = parseEnv(env);
  return { ...partial, sessionSecret: partial.sessionSecret ?? readOrCreateSecret(partial.dataDir) };
}

function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = crypto.randomBytes(48).toString("base64url");
    fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  }
}
