import type { Request } from "express";
import { ReadCache, cachedRead, setDataVersion } from "../../src/lib/read-cache";

const counter = () => {
  let n = 0;
  return { load: async () => ({ n: ++n, list: [1, 2] }), calls: () => n };
};

test("same version: one load shared by every reader, concurrent ones included; a new version loads again", async () => {
  const cache = new ReadCache({ maxEntries: 10, maxAgeMs: 60_000, freeze: false });
  const c = counter();
  const [a, b] = await Promise.all([cache.read("v1", "k", c.load), cache.read("v1", "k", c.load)]);
  expect(a).toBe(b);
  expect(await cache.read("v1", "k", c.load)).toBe(a);
  expect(c.calls()).toBe(1);
  expect((await cache.read("v2", "k", c.load)).n).toBe(2);
  expect((await cache.read("v2", "other", c.load)).n).toBe(3);
});

test("entries expire after maxAgeMs; the oldest-used go first past maxEntries; a failed load is not kept", async () => {
  const cache = new ReadCache({ maxEntries: 2, maxAgeMs: 30, freeze: false });
  const c = counter();
  await cache.read("v", "a", c.load);
  await cache.read("v", "b", c.load);
  await cache.read("v", "a", c.load); // a is now the most recent
  await cache.read("v", "c", c.load); // evicts b
  expect(cache.size).toBe(2);
  expect(c.calls()).toBe(3);
  await cache.read("v", "a", c.load);
  expect(c.calls()).toBe(3);
  await cache.read("v", "b", c.load);
  expect(c.calls()).toBe(4);
  await new Promise((r) => setTimeout(r, 40));
  await cache.read("v", "b", c.load);
  expect(c.calls()).toBe(5);
  await expect(cache.read("v", "bad", () => Promise.reject(new Error("hỏng")))).rejects.toThrow("hỏng");
  expect((await cache.read("v", "bad", c.load)).n).toBe(6);
});

test("frozen values: a caller that mutates shared data fails loudly (on under Jest)", async () => {
  const cache = new ReadCache({ maxEntries: 10, maxAgeMs: 60_000, freeze: true });
  const v = await cache.read("v", "k", async () => ({ list: [{ x: 1 }] }));
  expect(() => v.list.push({ x: 2 })).toThrow(TypeError);
  expect(() => {
    v.list[0].x = 2;
  }).toThrow(TypeError);
});

test("cachedRead: only GET requests that carry a version use the cache", async () => {
  const cache = new ReadCache({ maxEntries: 10, maxAgeMs: 60_000, freeze: false });
  const req = (method: string, version?: string) => {
    const r = { method, app: { locals: { readCache: cache } } } as unknown as Request;
    if (version) setDataVersion(r, version);
    return r;
  };
  const c = counter();
  await cachedRead(req("GET", "v"), "k", c.load);
  await cachedRead(req("GET", "v"), "k", c.load);
  expect(c.calls()).toBe(1);
  await cachedRead(req("POST", "v"), "k", c.load); // a request that may have written: fresh data
  await cachedRead(req("GET"), "k", c.load); // no session read, no version
  expect(c.calls()).toBe(3);
});
