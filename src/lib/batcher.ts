/**
 * Groups calls that arrive together into one database statement ("group commit"). The database spends
 * most of a short statement's time on fixed costs, and every commit waits for its flush to the disk (the
 * embedded server has fsync on), so under load it pays to ask once for many (measured first on PGlite, the
 * embedded database until issue #16; kept for the flushes, see BENCHMARKS.md "Embedded PostgreSQL"): calls made while a statement
 * is running wait for it, then go together in the next one. A call arriving when nothing runs waits
 * `lingerMs` (2 ms) for others: when 200 phones open new connections at once, the server accepts them
 * a few at a time, and without that pause each would cost a statement of its own (bench:checkin, burst
 * on new connections: slowest 0.9–1.1 s without, 0.25–0.55 s with; sustained rate up too).
 *
 * `run` gets the waiting items and must return one result per item, in the same order; if it throws,
 * every call of that group gets the error.
 *
 * Why our own: DataLoader (the usual library) groups the calls of one event-loop tick, then runs the
 * next tick's group at once; here a group forms while the previous statement runs (and lingers), which
 * is what makes a rush cost a few statements instead of one per tick. The whole rule is this class.
 */
export class Batcher<In, Out> {
  private queue: { item: In; resolve(r: Out): void; reject(e: unknown): void }[] = [];
  private running = false;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly maxGroup = 250,
    private readonly lingerMs = 2,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setTimeout(() => void this.drain(), this.lingerMs);
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const results = await this.run(group.map((g) => g.item));
        group.forEach((g, i) => g.resolve(results[i]));
      } catch (e) {
        for (const g of group) g.reject(e);
      }
    }
    this.running = false;
  }
}
