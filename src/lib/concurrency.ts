/**
 * At most `active` jobs of one kind run at once; up to `waiting` more wait their turn (first come, first
 * served), and any beyond that are refused at once with a 503 carrying the given message. Used around
 * memory-hungry work a request can trigger (parsing an uploaded spreadsheet), so that many uploads at once
 * cannot add up to more memory than a few of them. Our own few lines: the libraries that do this
 * (p-limit, p-queue) are not installed and have no "refuse when the line is too long".
 */
import { HttpError } from "./errors";

/** The line is full: try again later (503). */
export class BusyError extends HttpError {
  constructor(message: string) {
    super(503, message);
  }
}

export interface ConcurrencyLimit {
  /** Runs `job` now, or when a place frees up; throws BusyError when `waiting` jobs already wait. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs running and waiting now (for tests and logs). */
  counts(): { active: number; waiting: number };
}

export function concurrencyLimit(opts: { active: number; waiting: number; busyMessage: string }): ConcurrencyLimit {
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    // The place passes straight to the next in line, so `active` never drops and rises in between.
    if (next) next();
    else active--;
  };
  return {
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (active < opts.active) active++;
      else if (queue.length < opts.waiting) await new Promise<void>((resolve) => queue.push(resolve));
      else throw new BusyError(opts.busyMessage);
      try {
        return await job();
      } finally {
        release();
      }
    },
    counts: () => ({ active, waiting: queue.length }),
  };
}
