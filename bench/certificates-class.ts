/**
 * The class the certificate benchmarks issue to: a training course of `count` eligible trainees (distinct
 * names and birth dates, present at its three sessions), and CPU time read from /proc for the embedded
 * database server (its postmaster and backends), which runs beside this process on the shared machine.
 */
import fs from "node:fs";
import { attendanceMarks, courseSessions, enrollments, users } from "../src/db/schema";
import type { Db } from "../src/db/client";
import { createCourse } from "../src/features/courses/courses.service";

const HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
const DEM = ["Thị", "Văn", "Đức", "Thị Thu", "Quốc", "Ngọc", "Xuân", "Hữu", "Thị Hồng", "Minh"];
const TEN = ["Hà", "Ưng", "Thuỷ", "Khải", "Việt", "Ánh", "Trường", "Giang", "Dũng", "Hằng", "Phượng", "Tuấn", "Nguyệt", "Lộc", "Yến", "Quyết", "Hoà", "Sơn", "Thắm", "Đạt", "Ngữ"];
const UNITS = ["X-TRIEUSON", "X-THOBINH", "X-HOPTIEN", "X-ANNONG", "X-TANNINH", "X-THOPHU"];

/** A training course with `count` eligible trainees; returns it and them in roster order. */
export async function benchClass(db: Db, adminId: number, count: number): Promise<{ courseId: number; people: { userId: number; fullName: string }[] }> {
  const course = await createCourse(db, {
    title: "Bồi dưỡng nghiệp vụ công tác thông tin đối ngoại năm 2026", kind: "training", planTaskId: null, topic: null, description: null, organiserUnitCode: null,
    venue: "Hội trường UBND xã Triệu Sơn, tỉnh Thanh Hóa", capacity: null, enrollOpens: null, enrollCloses: null, approvalRequired: false, status: "open", countExcused: false,
    trainerIds: [], targetCategoryIds: [], funding: [],
  }, { id: adminId });
  const sessions = await db.insert(courseSessions).values(["2026-03-02", "2026-03-03", "2026-03-04"].map((date) => ({ courseId: course.id, date, startTime: "07:30", endTime: "11:00" }))).returning();
  const people = Array.from({ length: count }, (_, i) => {
    const p = { ho: HO[i % HO.length], tenDem: DEM[Math.floor(i / HO.length) % DEM.length], ten: TEN[i % TEN.length] };
    return {
      ...p, fullName: `${p.ho} ${p.tenDem} ${p.ten}`, role: "trainee" as const, gender: i % 2 ? "Nữ" : "Nam", ethnicityCode: "01", unitCode: UNITS[i % UNITS.length],
      dateOfBirth: new Date(Date.UTC(1965, 0, 1) + i * 86_400_000 * 17).toISOString().slice(0, 10),
    };
  });
  const rows = await db.insert(users).values(people).returning({ userId: users.id, fullName: users.fullName });
  await db.insert(enrollments).values(rows.map((r) => ({ courseId: course.id, userId: r.userId, status: "enrolled" as const })));
  for (let i = 0; i < rows.length; i += 200) {
    await db.insert(attendanceMarks).values(rows.slice(i, i + 200).flatMap((r) => sessions.map((s) => ({ sessionId: s.id, userId: r.userId, status: "P" as const, source: "rollcall" }))));
  }
  return { courseId: course.id, people: rows };
}

/**
 * CPU seconds used so far by the database server started as `pid` (postmaster and its live children, plus the
 * backends that ended, counted in the postmaster's children time); 0 when /proc cannot tell.
 */
export function serverCpuSeconds(pid: number | undefined): number {
  if (!pid || !fs.existsSync("/proc/self/stat")) return 0;
  const hz = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15) cutime(16) cstime(17).
    // Backends are the postmaster's children (each in a session of its own: not its process group).
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(name) !== pid && Number(f[1]) !== pid) continue;
    ticks += Number(f[11]) + Number(f[12]);
    if (Number(name) === pid) ticks += Number(f[13]) + Number(f[14]);
  }
  return ticks / hz;
}
