import { BusyError, concurrencyLimit } from "../../src/lib/concurrency";

/** A job that runs until its `finish` is called. */
function gate() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { finish, job: async () => done };
}
const tick = () => new Promise((r) => setImmediate(r));

test("at most N jobs run at once, the next ones wait in order, any beyond the line are refused with a clear 503", async () => {
  const limit = concurrencyLimit({ active: 2, waiting: 1, busyMessage: "Máy chủ đang bận, vui lòng thử lại." });
  const started: string[] = [];
  const gates = [gate(), gate(), gate()];
  const run = (name: string, g: ReturnType<typeof gate>) => limit.run(async () => {
    started.push(name);
    await g.job();
    return name;
  });
  const a = run("a", gates[0]);
  const b = run("b", gates[1]);
  const c = run("c", gates[2]);
  await tick();
  expect(started).toEqual(["a", "b"]);
  expect(limit.counts()).toEqual({ active: 2, waiting: 1 });

  const refused = run("d", gate());
  await expect(refused).rejects.toBeInstanceOf(BusyError);
  await expect(refused).rejects.toMatchObject({ status: 503, message: "Máy chủ đang bận, vui lòng thử lại." });

  gates[1].finish();
  expect(await b).toBe("b");
  await tick();
  expect(started).toEqual(["a", "b", "c"]);
  expect(limit.counts()).toEqual({ active: 2, waiting: 0 });
  gates[0].finish();
  gates[2].finish();
  expect(await Promise.all([a, c])).toEqual(["a", "c"]);
  expect(limit.counts()).toEqual({ active: 0, waiting: 0 });
});

test("a job that fails frees its place", async () => {
  const limit = concurrencyLimit({ active: 1, waiting: 0, busyMessage: "bận" });
  await expect(limit.run(async () => { throw new Error("hỏng"); })).rejects.toThrow("hỏng");
  expect(await limit.run(async () => 42)).toBe(42);
  expect(limit.counts()).toEqual({ active: 0, waiting: 0 });
});
