/**
 * `npm run seed:large`: five years (2021–2025) of realistic activity for benchmarks, into the configured
 * database (embedded PGlite in DATA_DIR, or DATABASE_URL): 8,000 trainees and 12 trainers, 1,000 courses
 * (300 conferences of 1–2 sessions, 700 training classes of 16 sessions over 8 days), ≈ 50,000 enrollments,
 * ≈ 500,000 attendance marks, certificates for those who completed (some revoked or re-issued), quizzes for
 * one class in ten, funding lines. Deterministic (seeded random numbers). Inserted in big batches
 * (json_to_recordset) in one transaction. Refuses to run twice on the same database.
 */
import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { loadConfig } from "../src/config";
import { openDb, type DbHandle } from "../src/db/client";
import { lockDataDir } from "../src/db/lock";
import { readSeedCsv, seedReferenceData } from "../src/db/reference-data";
import { appSettings, participantCategories, planTasks, plans } from "../src/db/schema";
import type { Db } from "../src/db/client";

const YEARS = [2021, 2022, 2023, 2024, 2025];
const MARKER = "seed.large";
const HO = ["Nguyễn", "Lê", "Trần", "Phạm", "Hoàng", "Đỗ", "Vũ", "Đặng", "Bùi", "Ngô", "Trịnh", "Mai", "Hà", "Lương", "Lò", "Cầm", "Phan", "Dương"];
const DEM_NAM = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Đình", "Bá", "Công", "Ngọc"];
const DEM_NU = ["Thị", "Thị Thu", "Thị Thanh", "Thị Minh", "Ngọc", "Thị Hồng", "Phương", "Thị Lan"];
const TEN_NAM = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Vinh", "Ước", "Ân", "Lực", "Toàn"];
const TEN_NU = ["Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Oanh", "Phương", "Thảo", "Thuỷ", "Yến", "Hòa", "Nhung"];
const POSITIONS = ["Chuyên viên", "Công chức Văn hóa - Xã hội", "Phó Chủ tịch UBND xã", "Phóng viên", "Tuyên truyền viên", "Trưởng thôn", "Cán bộ Đài truyền thanh", "Bí thư Đoàn xã"];
const ETHNIC = ["01", "01", "01", "01", "01", "01", "01", "06", "06", "03", "24"];
const CONF_TOPICS = ["Quán triệt Quyết định số 1191/QĐ-TTg", "Phổ biến công tác thông tin đối ngoại", "Hội nghị tuyên truyền biên giới hòa bình, hữu nghị", "Hội nghị báo cáo viên"];
const CLASS_TOPICS = ["Bồi dưỡng nghiệp vụ thông tin đối ngoại", "Tập huấn ứng dụng công nghệ thông tin", "Kỹ năng phát ngôn và cung cấp thông tin cho báo chí", "Bồi dưỡng tuyên truyền viên cơ sở", "Tập huấn viết tin, bài cho đài truyền thanh"];

/** mulberry32: small, deterministic, good enough for test data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)] };
}

type Row = Record<string, string | number | boolean | null>;

/** Inserts rows with one statement per `chunk` rows: json_to_recordset is far faster than multi-VALUES. */
async function insertRows(db: Db, table: string, columns: Record<string, string>, rows: Row[], chunk = 20_000): Promise<void> {
  const names = Object.keys(columns).join(", ");
  const defs = Object.entries(columns).map(([c, t]) => `${c} ${t}`).join(", ");
  for (let i = 0; i < rows.length; i += chunk) {
    const json = JSON.stringify(rows.slice(i, i + chunk));
    await db.execute(sql`insert into ${sql.raw(table)} (${sql.raw(names)}) select ${sql.raw(names)} from json_to_recordset(${json}::json) as x(${sql.raw(defs)})`);
  }
}

const pad = (n: number) => String(n).padStart(2, "0");
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
/** The next working day (Mon–Fri) on or after d. */
const workday = (d: Date) => (d.getUTCDay() === 0 ? addDays(d, 1) : d.getUTCDay() === 6 ? addDays(d, 2) : d);

async function nextId(db: Db, table: string): Promise<number> {
  const r = (await db.execute(sql.raw(`select coalesce(max(id), 0) + 1 as n from ${table}`))) as { rows: { n: number | string }[] };
  return Number(r.rows[0].n);
}

export interface LargeSeedResult {
  people: number;
  courses: number;
  sessions: number;
  enrollments: number;
  marks: number;
  certificates: number;
  seconds: number;
}

/** Generates the large dataset. Returns null (and adds nothing) when it was already seeded. */
export async function seedLarge(handle: DbHandle, log: (s: string) => void = () => undefined): Promise<LargeSeedResult | null> {
  const t0 = Date.now();
  await seedReferenceData(handle.db);
  if ((await handle.db.select().from(appSettings).where(eq(appSettings.key, MARKER))).length) return null;
  const r = rng(20211191);
  const counts = { people: 0, courses: 0, sessions: 0, enrollments: 0, marks: 0, certificates: 0 };

  await handle.db.transaction(async (tx) => {
    const [plan] = await tx.select().from(plans).orderBy(plans.id).limit(1);
    const tasks = await tx.select().from(planTasks).where(eq(planTasks.planId, plan.id));
    const taskId = (n: number) => tasks.find((t) => t.number === n)!.id;
    const cats = (await tx.select().from(participantCategories)).map((c) => c.id);
    const units = readSeedCsv("units.csv");
    const oldUnits = units.filter((u) => u.merged_into).map((u) => u.code);
    const newUnits = units.filter((u) => u.code.startsWith("X-")).map((u) => u.code);

    // People: 8,000 trainees (a few with missing fields, as in real rosters) and 12 trainers.
    let userId = await nextId(tx, "users");
    const people: { id: number; diligent: boolean }[] = [];
    const trainers: number[] = [];
    const userRows: Row[] = [];
    for (let i = 0; i < 8012; i++) {
      const female = r.next() < 0.45;
      const ho = r.pick(HO);
      const tenDem = female ? r.pick(DEM_NU) : r.pick(DEM_NAM);
      const ten = female ? r.pick(TEN_NU) : r.pick(TEN_NAM);
      const id = userId++;
      const trainer = i >= 8000;
      const u = r.next();
      userRows.push({
        id, ho, ten_dem: tenDem, ten, full_name: `${ho} ${tenDem} ${ten}`, role: trainer ? "trainer" : "trainee",
        date_of_birth: r.next() < 0.02 ? null : `${1962 + r.int(40)}-${pad(1 + r.int(12))}-${pad(1 + r.int(28))}`,
        gender: r.next() < 0.01 ? null : female ? "Nữ" : "Nam", ethnicity_code: r.pick(ETHNIC), position: r.pick(POSITIONS),
        unit_code: u < 0.75 ? r.pick(oldUnits) : u < 0.96 ? r.pick(newUnits) : null, category_id: r.next() < 0.03 ? null : r.pick(cats),
        cccd: r.next() < 0.05 ? null : `038${String(100_000_000 + i * 97 + r.int(97)).padStart(9, "0")}`, phone: `09${String(10_000_000 + i)}`,
      });
      if (trainer) trainers.push(id);
      else people.push({ id, diligent: r.next() < 0.8 });
    }
    await insertRows(tx, "users", {
      id: "int", ho: "text", ten_dem: "text", ten: "text", full_name: "text", role: "text", date_of_birth: "date", gender: "text", ethnicity_code: "text",
      position: "text", unit_code: "text", category_id: "int", cccd: "text", phone: "text",
    }, userRows);
    counts.people = userRows.length;
    log(`users: ${userRows.length}`);

    let courseId = await nextId(tx, "courses");
    const firstCourse = courseId;
    let sessionId = await nextId(tx, "course_sessions");
    let quizId = await nextId(tx, "quizzes");
    const courseRows: Row[] = [];
    const trainerRows: Row[] = [];
    const fundingRows: Row[] = [];
    const sessionRows: Row[] = [];
    const enrollmentRows: Row[] = [];
    const quizRows: Row[] = [];
    const attemptRows: Row[] = [];
    const certRows: Row[] = [];
    let marks: Row[] = [];
    const seqByYear = new Map<number, number>();
    const flushMarks = async () => {
      await insertRows(tx, "attendance_marks", { session_id: "int", user_id: "int", status: "text", source: "text", marked_at: "timestamptz" }, marks);
      counts.marks += marks.length;
      marks = [];
    };

    for (const year of YEARS) {
      for (let k = 0; k < 200; k++) {
        const conference = k < 60;
        const id = courseId++;
        const start = workday(addDays(new Date(Date.UTC(year, 1, 15)), r.int(290)));
        const hasQuiz = !conference && r.next() < 0.1;
        const qid = hasQuiz ? quizId++ : null;
        courseRows.push({
          id, title: `${r.pick(conference ? CONF_TOPICS : CLASS_TOPICS)} năm ${year} (đợt ${k + 1})`, kind: conference ? "conference" : "training",
          plan_task_id: taskId(conference ? 1 : 3), venue: "Hội trường UBND xã", status: "finished", count_excused: conference,
          min_attendance_rate: 0.8, required_quiz_id: qid, organiser_unit_code: year >= 2025 && start >= new Date(Date.UTC(2025, 6, 1)) ? r.pick(newUnits) : r.pick(oldUnits),
        });
        trainerRows.push({ course_id: id, user_id: r.pick(trainers) });
        fundingRows.push({ course_id: id, source: "state", amount: (conference ? 5 : 20) * 1_000_000 + r.int(30) * 500_000, note: null });
        if (r.next() < 0.25) fundingRows.push({ course_id: id, source: r.pick(["business", "social", "other"]), amount: (1 + r.int(10)) * 500_000, note: null });

        // Sessions: conferences one or two mornings; classes 8 working days, morning and afternoon.
        const days: Date[] = [];
        for (let d = start; days.length < (conference ? (r.next() < 0.7 ? 1 : 2) : 8); d = workday(addDays(d, 1))) days.push(d);
        const sessions: { id: number; cancelled: boolean; date: string }[] = [];
        for (const day of days) {
          for (const [st, en] of conference ? [["07:30", "11:00"]] : [["07:30", "11:00"], ["13:30", "17:00"]]) {
            const cancelled = r.next() < 0.015;
            const s = { id: sessionId++, cancelled, date: iso(day) };
            sessions.push(s);
            sessionRows.push({ id: s.id, course_id: id, date: s.date, start_time: st, end_time: en, cancelled, cancel_reason: cancelled ? "Trùng lịch công tác" : null });
          }
        }
        const live = sessions.filter((s) => !s.cancelled);
        // Attendance never taken for a few sessions (the data-quality check finds them).
        const taken = live.filter(() => r.next() > 0.005);

        const size = conference ? 40 + r.int(61) : 31 + r.int(26);
        const chosen = new Set<number>();
        while (chosen.size < size) chosen.add(r.int(people.length));
        const lastDay = days[days.length - 1];
        for (const idx of chosen) {
          const p = people[idx];
          enrollmentRows.push({ course_id: id, user_id: p.id, status: "enrolled", source: "import", requested_at: `${iso(addDays(start, -7))}T02:00:00Z` });
          let attended = 0;
          for (const s of taken) {
            const x = r.next();
            const status = p.diligent ? (x < 0.84 ? "P" : x < 0.89 ? "L" : x < 0.93 ? "E" : "A") : x < 0.55 ? "P" : x < 0.6 ? "L" : x < 0.7 ? "E" : "A";
            if (status === "P" || status === "L" || (status === "E" && conference)) attended++;
            marks.push({ session_id: s.id, user_id: p.id, status, source: "rollcall", marked_at: `${s.date}T01:00:00Z` });
          }
          let passedQuiz = true;
          if (qid) {
            const tries = r.next() < 0.2 ? 2 : 1;
            let best = 0;
            for (let a = 1; a <= tries; a++) {
              const percent = 30 + r.int(71);
              best = Math.max(best, percent);
              attemptRows.push({ quiz_id: qid, user_id: p.id, attempt_no: a, status: "submitted", layout: "[]", score: percent / 10, max_score: 10, percent, started_at: `${iso(lastDay)}T03:00:00Z`, finished_at: `${iso(lastDay)}T03:30:00Z` });
            }
            passedQuiz = best >= 50;
          }
          if (!conference && live.length && attended / live.length >= 0.8 && passedQuiz) {
            const issued = addDays(lastDay, 3 + r.int(8));
            const y = issued.getUTCFullYear();
            const fate = r.next();
            const cert = (status: string, at: Date) => {
              const seq = (seqByYear.get(y) ?? 0) + 1;
              seqByYear.set(y, seq);
              certRows.push({
                course_id: id, user_id: p.id, year: y, series: "GCN", seq, number: `${String(seq).padStart(4, "0")}/GCN-VHTT`, token: crypto.randomBytes(16).toString("hex"),
                snapshot: "{}", pdf_sha256: "seed", status, issued_at: `${iso(at)}T03:00:00Z`, revoke_reason: status === "revoked" ? "Cấp nhầm" : null,
              });
            };
            if (fate < 0.01) cert("revoked", issued);
            else if (fate < 0.02) {
              cert("superseded", issued);
              cert("valid", addDays(issued, 30));
            } else cert("valid", issued);
          }
        }
        if (qid) quizRows.push({ id: qid, course_id: id, title: "Bài kiểm tra cuối khóa", pass_mark: 50, grading_method: "highest" });
      }
      // One year at a time: courses and sessions first, then the marks that reference them.
      await insertRows(tx, "courses", {
        id: "int", title: "text", kind: "text", plan_task_id: "int", venue: "text", status: "text", count_excused: "boolean", min_attendance_rate: "numeric",
        required_quiz_id: "int", organiser_unit_code: "text",
      }, courseRows.splice(0));
      await insertRows(tx, "course_trainers", { course_id: "int", user_id: "int" }, trainerRows.splice(0));
      await insertRows(tx, "funding_lines", { course_id: "int", source: "text", amount: "bigint", note: "text" }, fundingRows.splice(0));
      counts.sessions += sessionRows.length;
      await insertRows(tx, "course_sessions", { id: "int", course_id: "int", date: "date", start_time: "text", end_time: "text", cancelled: "boolean", cancel_reason: "text" }, sessionRows.splice(0));
      counts.enrollments += enrollmentRows.length;
      await insertRows(tx, "enrollments", { course_id: "int", user_id: "int", status: "text", source: "text", requested_at: "timestamptz" }, enrollmentRows.splice(0));
      await flushMarks();
      log(`${year}: courses up to ${courseId - 1}, marks ${counts.marks}`);
    }
    await insertRows(tx, "quizzes", { id: "int", course_id: "int", title: "text", pass_mark: "numeric", grading_method: "text" }, quizRows);
    await insertRows(tx, "quiz_attempts", {
      quiz_id: "int", user_id: "int", attempt_no: "int", status: "text", layout: "jsonb", score: "numeric", max_score: "numeric", percent: "numeric", started_at: "timestamptz", finished_at: "timestamptz",
    }, attemptRows);
    await insertRows(tx, "certificates", {
      course_id: "int", user_id: "int", year: "int", series: "text", seq: "int", number: "text", token: "text", snapshot: "jsonb", pdf_sha256: "text", status: "text",
      issued_at: "timestamptz", revoke_reason: "text",
    }, certRows);
    // Counters continue after the seeded numbers, so certificates issued later never reuse one.
    for (const [year, seq] of seqByYear) {
      await tx.execute(sql`insert into certificate_counters (year, series, last_seq) values (${year}, 'GCN', ${seq})
        on conflict (year, series) do update set last_seq = greatest(certificate_counters.last_seq, excluded.last_seq)`);
    }
    for (const table of ["users", "courses", "course_sessions", "quizzes"]) {
      await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`));
    }
    await tx.insert(appSettings).values({ key: MARKER, value: { at: new Date().toISOString(), years: YEARS } });
    Object.assign(counts, { courses: courseId - firstCourse, certificates: certRows.length });
  });
  await handle.db.execute(sql`analyze`);
  return { ...counts, seconds: Math.round((Date.now() - t0) / 100) / 10 };
}

async function main() {
  const config = loadConfig();
  const release = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  const handle = await openDb(config);
  try {
    await handle.migrate();
    const result = await seedLarge(handle, (s) => console.log(s));
    console.log(result ? `Đã tạo dữ liệu lớn: ${JSON.stringify(result)}` : "Dữ liệu lớn đã có trong cơ sở dữ liệu này, không thêm gì.");
  } finally {
    await handle.close();
    release();
  }
}

if (require.main === module) {
  main().catch((e) => {
    // Driver errors quote the whole query and its (huge) parameters: the start is enough.
    console.error(String(e instanceof Error ? e.message : e).slice(0, 500));
    process.exit(1);
  });
}
