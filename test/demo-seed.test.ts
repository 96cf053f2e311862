import { count, eq } from "drizzle-orm";
import { users } from "../src/db/schema";
import { seedDemo } from "../seeds/demo";
import { createTestDb } from "./helpers/db";

// 65 argon2 hashes: slow when the machine is busy.
jest.setTimeout(180000);

test("seed:demo adds 5 trainers and 60 varied trainees, and nothing twice", async () => {
  const handle = await createTestDb();
  try {
    const first = await seedDemo(handle);
    expect(first.added).toBe(65);
    const second = await seedDemo(handle);
    expect(second).toEqual({ added: 0, password: null });
    const trainees = await handle.db.select().from(users).where(eq(users.role, "trainee"));
    expect(trainees).toHaveLength(60);
    expect(new Set(trainees.map((u) => u.gender))).toEqual(new Set(["Nam", "Nữ"]));
    expect(new Set(trainees.map((u) => u.unitCode)).size).toBeGreaterThan(5);
    expect(new Set(trainees.map((u) => u.ethnicityCode)).size).toBeGreaterThan(1);
    expect(trainees.every((u) => u.fullName === u.fullName.normalize("NFC"))).toBe(true);
    const [{ n }] = await handle.db.select({ n: count() }).from(users).where(eq(users.role, "trainer"));
    expect(n).toBe(5);
  } finally {
    await handle.close();
  }
});
