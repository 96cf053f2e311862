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

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/**
 * Today's times (Vietnam) of a session whose check-in is open now, at any hour: it starts in 15 minutes
 * (check-in opens 30 minutes before by default), or, in the last quarter hour of the day, started 5 minutes
 * ago (it closes 30 minutes after the start).
 */
export function sessionOpenNow(now = Date.now()): { date: string; startTime: string; endTime: string } {
  const vn = new Date(now + 7 * 3_600_000);
  const minutes = vn.getUTCHours() * 60 + vn.getUTCMinutes();
  const last = 23 * 60 + 59;
  const start = minutes + 15 < last ? minutes + 15 : minutes - 5;
  return { date: vn.toISOString().slice(0, 10), startTime: hhmm(start), endTime: hhmm(Math.min(start + 180, last)) };
}
