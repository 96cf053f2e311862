/** A change and its audit row commit or roll back together (lib/audit.ts: audited). */
import { and, eq } from "drizzle-orm";
import { auditLog, participantCategories } from "../src/db/schema";
import { createCategory, updateCategory } from "../src/features/units/units.service";
import { audited, type AuditEntry } from "../src/lib/audit";
import { makeUser, useTestApp } from "./helpers/app";

const { ctx } = useTestApp();

const categoryNamed = async (name: string) => (await ctx.handle.db.select().from(participantCategories).where(eq(participantCategories.name, name)))[0];
const auditRows = (action: "category.create" | "category.update", targetId: number) =>
  ctx.handle.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.targetId, String(targetId))));

test("a change and its audit row are written together", async () => {
  const admin = await makeUser(ctx, "admin");
  await createCategory(ctx.handle.db, { name: "Đối tượng ghi nhật ký", sortOrder: 90 }, { id: admin.id, ip: "10.0.0.1" });
  const c = await categoryNamed("Đối tượng ghi nhật ký");
  expect(c).toBeDefined();
  expect(await auditRows("category.create", c.id)).toEqual([expect.objectContaining({ actorId: admin.id, ip: "10.0.0.1" })]);
});

test("when the audit row cannot be written, the change is rolled back", async () => {
  // actor_id references users: an actor that does not exist makes the audit insert fail after the change.
  await expect(createCategory(ctx.handle.db, { name: "Đối tượng không được ghi", sortOrder: 91 }, { id: 987_654, ip: null })).rejects.toThrow();
  expect(await categoryNamed("Đối tượng không được ghi")).toBeUndefined();
  const admin = await makeUser(ctx, "admin");
  await createCategory(ctx.handle.db, { name: "Đối tượng giữ tên", sortOrder: 92 }, { id: admin.id });
  const c = await categoryNamed("Đối tượng giữ tên");
  await expect(updateCategory(ctx.handle.db, c.id, { name: "Đối tượng đổi tên" }, { id: 987_654 })).rejects.toThrow();
  expect((await categoryNamed("Đối tượng giữ tên"))?.id).toBe(c.id);
  expect(await auditRows("category.update", c.id)).toEqual([]);
});

test("when the change fails after writing, its audit row is not kept either", async () => {
  const admin = await makeUser(ctx, "admin");
  let id = 0;
  await expect(
    audited(
      ctx.handle.db,
      async (tx) => {
        [{ id }] = await tx.insert(participantCategories).values({ name: "Đối tượng nửa chừng", sortOrder: 93 }).returning();
        throw new Error("hỏng giữa chừng");
      },
      () => ({ actorId: admin.id, action: "category.create", targetType: "category", targetId: id }),
    ),
  ).rejects.toThrow("hỏng giữa chừng");
  expect(id).toBeGreaterThan(0);
  expect(await categoryNamed("Đối tượng nửa chừng")).toBeUndefined();
  expect(await auditRows("category.create", id)).toEqual([]);
});

test("an action without a Vietnamese label does not compile (npx tsc checks this file)", () => {
  // @ts-expect-error "course.delete" is not a key of AUDIT_ACTION_LABELS (lib/audit-actions.ts)
  const unlabelled: AuditEntry = { action: "course.delete" };
  const labelled: AuditEntry = { action: "course.update" };
  expect([unlabelled.action, labelled.action]).toEqual(["course.delete", "course.update"]);
});
