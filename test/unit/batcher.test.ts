import { Batcher } from "../../src/lib/batcher";

test("calls arriving together go together; calls made while a group runs go in the next group; results keep their order", async () => {
  const groups: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const b = new Batcher<number, number>(async (items) => {
    groups.push(items);
    if (groups.length === 1) await gate;
    return items.map((x) => x * 10);
  });
  const first = [b.add(1), b.add(2), b.add(3)];
  await new Promise((r) => setTimeout(r, 20)); // the group starts after its 2 ms linger
  expect(groups).toEqual([[1, 2, 3]]);
  const second = [b.add(4), b.add(5)]; // while the first group runs
  release();
  expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
  expect(groups).toEqual([[1, 2, 3], [4, 5]]);
  expect(await b.add(6)).toBe(60); // a lone call later goes on its own
  expect(groups).toHaveLength(3);
});

test("groups are at most maxGroup long", async () => {
  const sizes: number[] = [];
  const b = new Batcher<number, number>(async (items) => (sizes.push(items.length), items), 2);
  expect(await Promise.all([1, 2, 3, 4, 5].map((x) => b.add(x)))).toEqual([1, 2, 3, 4, 5]);
  expect(sizes).toEqual([2, 2, 1]);
});

test("an error reaches every call of its group, and later calls still run", async () => {
  let fail = true;
  const b = new Batcher<number, number>(async (items) => {
    if (fail) throw new Error("mất kết nối");
    return items;
  });
  const results = await Promise.allSettled([b.add(1), b.add(2)]);
  expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  fail = false;
  expect(await b.add(3)).toBe(3);
});

test("a call waits lingerMs for others before its statement", async () => {
  const groups: number[][] = [];
  const b = new Batcher<number, number>(async (items) => (groups.push(items), items), 250, 30);
  const first = b.add(1);
  await new Promise((r) => setTimeout(r, 5));
  const second = b.add(2); // 5 ms later: still within the linger
  expect(await Promise.all([first, second])).toEqual([1, 2]);
  expect(groups).toEqual([[1, 2]]);
});
