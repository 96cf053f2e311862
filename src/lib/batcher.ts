/**
 * Groups calls that arrive together into one database statement ("group commit"). The database spends
 * most of a short statement's time on fixed costs (and embedded PGlite runs one statement at a time on
 * the server's only thread), so under load it pays to ask once for many: calls made while a statement
 * is running wait for it, then go together in the next one. A lone call goes at once (after the
 * current event-loop turn, so that calls of the same turn join it).
 *
 * `run` gets the waiting items and must return one result per item, in the same order; if it throws,
 * every call of that group gets the error.
 */
export class Batcher<In, Out> {
  private queue: { item: In; resolve(r: Out): void; reject(e: unknown): void }[] = [];
  private running = false;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly maxGroup = 250,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
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
