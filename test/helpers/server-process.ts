/** Starts src/server.ts (or another script) as a real child process (as `npm start` would) for start-up, restart and crash tests. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

export interface ServerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves when `text` appears in the output; rejects if the process exits first or after `ms`. */
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
}

export function startServer(env: Record<string, string>): ServerProcess {
  return startScript("src/server.ts", [], env);
}

/** Runs a TypeScript file of the project (path from the root) with tsx, as its own process. */
export function startScript(script: string, args: string[], env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString("utf8");
    listeners.forEach((l) => l());
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => {
    listeners.forEach((l) => l());
    resolve(code);
  }));
  return {
    child,
    output: () => out,
    exited,
    waitFor(text, ms = 90000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (typeof text === "string" ? out.includes(text) : text.test(out)) {
            cleanup();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`server exited before "${text}":\n${out}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timeout waiting for "${text}":\n${out}`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}
