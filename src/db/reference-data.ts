/**
 * Reference data every installation starts with: units (dated, with the 2025 merger), the 54 ethnic
 * groups, participant categories and the seed plan's organisation settings. Inserted only when missing,
 * so running it again (every start-up) never overwrites an administrator's edits.
 */
import fs from "node:fs";
import path from "node:path";
import { count } from "drizzle-orm";
import { SEEDS_DIR } from "../paths";
import type { Db } from "./client";
import { ethnicities, orgSettings, participantCategories, planTasks, plans, units } from "./schema";

/** Minimal CSV reader for our own seed files (no quoted commas in them). */
export function readSeedCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(path.join(SEEDS_DIR, file), "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter(Boolean);
  const cols = header.split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(cols.map((c, i) => [c, (cells[i] ?? "").normalize("NFC")]));
  });
}

/**
 * The example organisation a new installation starts with: a body that exists after the 1/7/2025
 * reorganisation (no more UBND huyện), with a signer block that fits it (an Ủy ban nhân dân is signed
 * KT. CHỦ TỊCH / PHÓ CHỦ TỊCH). The first-run setup makes the administrator replace it before any
 * document is printed.
 */
export const DEFAULT_ORG = {
  validFrom: "2020-01-01",
  managingBody: "Ủy ban nhân dân tỉnh Thanh Hóa",
  issuingBody: "Ủy ban nhân dân xã Triệu Sơn",
  placeName: "Triệu Sơn",
  signerPrefix: "KT. CHỦ TỊCH",
  signerTitle: "PHÓ CHỦ TỊCH",
  signerName: "Lê Quang Trung",
  reportRecipients: "Sở Văn hóa, Thể thao và Du lịch tỉnh Thanh Hóa;\nThường trực Đảng ủy xã;\nThường trực HĐND xã;\nChủ tịch, các PCT UBND xã;\nLưu: VT, VH-XH.",
};

/** The plan this platform was built for (DOMAIN.md) and its four tasks. */
export const SEED_PLAN = {
  title: "Kế hoạch triển khai Quyết định số 1191/QĐ-TTg ngày 05/8/2020 của Thủ tướng Chính phủ về đổi mới công tác thông tin, tuyên truyền và thông tin đối ngoại",
  issuingBody: "Ủy ban nhân dân huyện Triệu Sơn",
  tasks: [
    "Quán triệt, phổ biến Quyết định số 1191/QĐ-TTg đến cán bộ, đảng viên (hội nghị)",
    "Sản xuất nội dung: chương trình phát thanh của Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch",
    "Bồi dưỡng, tập huấn nghiệp vụ thông tin đối ngoại và ứng dụng công nghệ thông tin",
    "Huy động nguồn lực: ngân sách nhà nước và đóng góp của doanh nghiệp, tổ chức xã hội",
  ],
};

export async function seedReferenceData(db: Db): Promise<void> {
  const [{ n: unitCount }] = await db.select({ n: count() }).from(units);
  if (unitCount === 0) {
    const rows = readSeedCsv("units.csv").map((r) => ({
      code: r.code, name: r.name, type: r.type, parentCode: r.parent_code || null,
      validFrom: r.valid_from || null, validTo: r.valid_to || null, mergedInto: r.merged_into || null,
    }));
    await db.insert(units).values(rows).onConflictDoNothing();
  }
  const [{ n: ethCount }] = await db.select({ n: count() }).from(ethnicities);
  if (ethCount === 0) {
    await db.insert(ethnicities).values(readSeedCsv("ethnicities.csv").map((r) => ({ code: r.code, name: r.name }))).onConflictDoNothing();
  }
  const [{ n: catCount }] = await db.select({ n: count() }).from(participantCategories);
  if (catCount === 0) {
    const names = fs.readFileSync(path.join(SEEDS_DIR, "categories.txt"), "utf8").split(/\r?\n/).map((s) => s.normalize("NFC").trim()).filter(Boolean);
    await db.insert(participantCategories).values(names.map((name, i) => ({ name, sortOrder: (i + 1) * 10 }))).onConflictDoNothing();
  }
  const [{ n: orgCount }] = await db.select({ n: count() }).from(orgSettings);
  if (orgCount === 0) await db.insert(orgSettings).values(DEFAULT_ORG);
  const [{ n: planCount }] = await db.select({ n: count() }).from(plans);
  if (planCount === 0) {
    const [plan] = await db.insert(plans).values({ title: SEED_PLAN.title, issuingBody: SEED_PLAN.issuingBody }).returning();
    await db.insert(planTasks).values(SEED_PLAN.tasks.map((title, i) => ({ planId: plan.id, number: i + 1, title })));
  }
}
