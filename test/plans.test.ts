import { eq } from "drizzle-orm";
import { planTasks, plans } from "../src/db/schema";
import { loginAs, useTestApp } from "./helpers/app";
import { makeCourse } from "./helpers/courses";

const { ctx } = useTestApp();

test("the seed plan is listed; an admin adds next year's plan and edits its tasks", async () => {
  const admin = await loginAs(ctx, "admin");
  const list = await admin.agent.get("/plans");
  expect(list.text).toContain("Quyết định số 1191/QĐ-TTg");
  const bad = await admin.agent.post("/plans").type("form").send({ _csrf: admin.csrf, title: "Kế hoạch 2027", tasks: "" });
  expect(bad.status).toBe(422);
  expect(bad.text).toContain("Cần ít nhất một nhiệm vụ");
  const ok = await admin.agent.post("/plans").type("form").send({ _csrf: admin.csrf, title: "Kế hoạch thông tin đối ngoại năm 2027", number: "12/KH-UBND", issuedDate: "15/01/2027", tasks: "1. Hội nghị quán triệt\n2. Tập huấn nghiệp vụ\n" });
  expect(ok.status).toBe(302);
  const [plan] = await ctx.handle.db.select().from(plans).where(eq(plans.number, "12/KH-UBND"));
  const tasks = await ctx.handle.db.select().from(planTasks).where(eq(planTasks.planId, plan.id));
  expect(tasks.map((x) => [x.number, x.title]).sort()).toEqual([[1, "Hội nghị quán triệt"], [2, "Tập huấn nghiệp vụ"]]);
  // A task with courses under it cannot be removed.
  await makeCourse(ctx, admin.user.id, { planTaskId: tasks.find((x) => x.number === 2)!.id });
  const drop = await admin.agent.post(`/plans/${plan.id}`).type("form").send({ _csrf: admin.csrf, title: plan.title, tasks: "Hội nghị quán triệt" });
  expect(drop.status).toBe(422);
  expect(drop.text).toContain("Không thể bỏ nhiệm vụ");
  const rename = await admin.agent.post(`/plans/${plan.id}`).type("form").send({ _csrf: admin.csrf, title: plan.title, tasks: "Hội nghị\nTập huấn\nHuy động nguồn lực" });
  expect(rename.status).toBe(302);
  expect((await ctx.handle.db.select().from(planTasks).where(eq(planTasks.planId, plan.id))).length).toBe(3);
  const trainer = await loginAs(ctx, "trainer");
  expect((await trainer.agent.get("/plans")).status).toBe(403);
});
