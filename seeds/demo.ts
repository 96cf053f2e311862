/**
 * `npm run seed:demo`: adds demo people to the configured database (embedded or DATABASE_URL):
 * 5 trainers and 60 trainees with realistic Vietnamese names spread over units, categories, genders and
 * ethnic groups. Accounts are keyed by login (demo.gv01…, demo.hv01…): running it twice adds nothing twice.
 * One random password is generated for the new demo accounts and printed once.
 */
import { eq, inArray } from "drizzle-orm";
import { loadConfig } from "../src/config";
import { openDb, type DbHandle } from "../src/db/client";
import { lockDataDir } from "../src/db/lock";
import { seedReferenceData } from "../src/db/reference-data";
import { participantCategories, users } from "../src/db/schema";
import { randomPassword } from "../src/lib/passwords";
import { createUser } from "../src/features/users/users.service";

const HO = ["Nguyễn", "Lê", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Vũ", "Đặng", "Bùi", "Ngô", "Trịnh", "Mai", "Hà", "Lương"];
const DEM_NAM = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Đình", "Bá"];
const DEM_NU = ["Thị", "Thị Thu", "Thị Thanh", "Thị Minh", "Ngọc", "Thị Hồng", "Phương"];
const TEN_NAM = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Vinh", "Ước", "Ân"];
const TEN_NU = ["Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Oanh", "Phương", "Thảo", "Thuỷ", "Yến"];
const POSITIONS = ["Chuyên viên", "Công chức Văn hóa - Xã hội", "Phó Chủ tịch UBND xã", "Phóng viên", "Tuyên truyền viên", "Trưởng thôn", "Cán bộ Đài truyền thanh"];
const UNITS = ["X-TRIEUSON", "X-THOBINH", "X-THONGOC", "X-THOPHU", "X-HOPTIEN", "X-ANNONG", "X-TANNINH", "X-DONGTIEN", "TS-DANLUC", "TS-THOTAN"];
const ETHNIC = ["01", "01", "01", "01", "01", "01", "06", "06", "03", "24"];

/** Deterministic pseudo-random numbers: the same demo every time. */
function rng(seed: number) {
  // mulberry32: small, and its low bits are as random as its high ones.
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
  };
}

export async function seedDemo(handle: DbHandle): Promise<{ added: number; password: string | null }> {
  const db = handle.db;
  await seedReferenceData(db);
  const cats = await db.select().from(participantCategories);
  const pick = rng(1191);
  const people = [
    ...Array.from({ length: 5 }, (_, i) => ({ role: "trainer" as const, login: `demo.gv${String(i + 1).padStart(2, "0")}` })),
    ...Array.from({ length: 60 }, (_, i) => ({ role: "trainee" as const, login: `demo.hv${String(i + 1).padStart(2, "0")}` })),
  ];
  const existing = new Set((await db.select({ login: users.login }).from(users).where(inArray(users.login, people.map((p) => p.login)))).map((r) => r.login));
  const password = randomPassword();
  let added = 0;
  for (const p of people) {
    const female = pick(2) === 0;
    const gender: "Nam" | "Nữ" = female ? "Nữ" : "Nam";
    const person = {
      ho: HO[pick(HO.length)],
      tenDem: female ? DEM_NU[pick(DEM_NU.length)] : DEM_NAM[pick(DEM_NAM.length)],
      ten: female ? TEN_NU[pick(TEN_NU.length)] : TEN_NAM[pick(TEN_NAM.length)],
      gender,
      dateOfBirth: `${1965 + pick(35)}-${String(1 + pick(12)).padStart(2, "0")}-${String(1 + pick(28)).padStart(2, "0")}`,
      unitCode: UNITS[pick(UNITS.length)],
      ethnicityCode: ETHNIC[pick(ETHNIC.length)],
      categoryId: cats[pick(cats.length)]?.id ?? null,
      position: POSITIONS[pick(POSITIONS.length)],
      phone: `09${String(10000000 + pick(89999999))}`,
      cccd: `038${String(100000000 + pick(899999999))}`,
    };
    if (existing.has(p.login)) continue;
    await createUser(db, { ...person, login: p.login, email: null, role: p.role, password }, null);
    added++;
  }
  return { added, password: added ? password : null };
}

async function main() {
  const config = loadConfig();
  const release = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  const handle = await openDb(config);
  try {
    await handle.migrate();
    const { added, password } = await seedDemo(handle);
    console.log(added ? `Đã thêm ${added} người dùng mẫu (demo.gv01–05, demo.hv01–60). Mật khẩu chung (chỉ hiện một lần): ${password}` : "Dữ liệu mẫu đã có, không thêm gì.");
    const [{ n }] = await handle.db.select({ n: users.id }).from(users).where(eq(users.login, "demo.hv01"));
    if (!n) throw new Error("demo seed failed");
  } finally {
    await handle.close();
    release();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
