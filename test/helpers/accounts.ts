/** People as a roster import leaves them (no login, no password), enrolled in a course. */
import { addParticipant } from "../../src/features/enrollment/enrollment.service";
import { users } from "../../src/db/schema";
import { joinFullName, splitFullName } from "../../src/lib/vietnamese";
import type { TestContext } from "./app";

export async function enrollWithoutLogin(ctx: TestContext, courseId: number, fullNames: string[], over: { email?: string } = {}) {
  const people = [];
  for (const fullName of fullNames) {
    const name = splitFullName(fullName);
    const [u] = await ctx.handle.db
      .insert(users)
      .values({ ...name, fullName: joinFullName(name), login: null, passwordHash: null, email: over.email ?? null, role: "trainee", unitCode: "X-TRIEUSON" })
      .returning();
    await addParticipant(ctx.handle.db, courseId, u.id, "import", null);
    people.push(u);
  }
  return people;
}
