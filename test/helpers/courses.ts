/** Course factory for tests: writes through the real service. */
import { createCourse, type CourseInput } from "../../src/features/courses/courses.service";
import type { TestContext } from "./app";

export async function makeCourse(ctx: TestContext, actorId: number, over: Partial<CourseInput> = {}) {
  return createCourse(
    ctx.handle.db,
    {
      title: "Lớp bồi dưỡng nghiệp vụ thông tin đối ngoại", kind: "training", planTaskId: null, topic: null, description: null, organiserUnitCode: null,
      venue: "Hội trường UBND xã Triệu Sơn", capacity: null, enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false,
      trainerIds: [], targetCategoryIds: [], funding: [], ...over,
    },
    { id: actorId },
  );
}
