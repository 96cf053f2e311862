/**
 * The plan's report: live figures, the typed-in narrative, freezing into immutable versions, re-opening
 * and the data every export is generated from.
 */
import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { plans, planTasks, reportDrafts, reportVersions, users } from "../../db/schema";
import { audit } from "../../lib/audit";
import { Conflict, NotFound } from "../../lib/errors";
import { textOf } from "../../lib/forms";
import { todayIso } from "../../lib/time";
import { documentOrgOn } from "../settings";
import { cutoffOf, effectiveEnd, periodOf } from "./period";
import { buildReportDocx } from "./report-docx";
import { sha256Hex } from "../../lib/hash";
import { versionHash } from "./report-hash";
import { computeFigures } from "./report-figures";
import { buildFacts, type Facts } from "./report-facts";
import { EMPTY_NARRATIVE, type OrgInfo, type Period, type PlanInfo, type ReportDocumentData, type ReportFigures, type ReportNarrative } from "./report-types";
import { reportsMessages as m } from "./reports.messages";
import { gatherReportInput } from "./reports.gather";

type Actor = { id: number; ip?: string | null };
export type VersionRow = typeof reportVersions.$inferSelect;

/** Plans with their tasks, newest first. */
export async function listPlans(db: Db): Promise<PlanInfo[]> {
  const [planRows, taskRows] = await Promise.all([
    db.select().from(plans).orderBy(desc(plans.id)),
    db.select().from(planTasks).orderBy(asc(planTasks.number)),
  ]);
  return planRows.map((p) => ({ id: p.id, title: p.title, number: p.number, tasks: taskRows.filter((t) => t.planId === p.id).map((t) => ({ number: t.number, title: t.title })) }));
}

/** One plan with its tasks; NotFound when missing. */
export async function getPlan(db: Db, planId: number): Promise<PlanInfo> {
  const [plan] = await db.select().from(plans).where(eq(plans.id, planId));
  if (!plan) throw new NotFound();
  const tasks = await db.select({ number: planTasks.number, title: planTasks.title }).from(planTasks).where(eq(planTasks.planId, planId)).orderBy(asc(planTasks.number));
  return { id: plan.id, title: plan.title, number: plan.number, tasks };
}

/**
 * Live figures of a plan (or of every course, planId null) over a period, counting nothing after `asOf`:
 * a moment (now by default: a session later today is not held yet) or a whole day ("yyyy-mm-dd").
 * Returns the facts too, for drill-down lists and data-quality checks.
 */
export async function computeReport(db: Db, planId: number | null, period: Period, asOf: string | Date = new Date(), inTransaction = false): Promise<{ facts: Facts; figures: ReportFigures }> {
  const cut = cutoffOf(asOf);
  const to = effectiveEnd(period, cut.date);
  const input = await gatherReportInput(db, planId, period.from, to, inTransaction, to === cut.date ? cut : null);
  const facts = buildFacts(input);
  return { facts, figures: computeFigures(facts, cut.date) };
}

const draftWhere = (planId: number, p: Period) => and(eq(reportDrafts.planId, planId), eq(reportDrafts.periodFrom, p.from), eq(reportDrafts.periodTo, p.to));
const versionWhere = (planId: number, p: { from: string; to: string }) => and(eq(reportVersions.planId, planId), eq(reportVersions.periodFrom, p.from), eq(reportVersions.periodTo, p.to));

/** A version row with the name of who froze it. */
export type VersionSummary = Pick<VersionRow, "id" | "version" | "frozenAt" | "sha256"> & { frozenByName: string };

/**
 * The state of a plan's report for a period: its narrative (typed or empty), frozen versions (newest
 * first) and whether it is locked (a frozen version exists and has not been re-opened).
 */
export async function reportState(db: Db, planId: number, period: Period) {
  const [[draft], versions] = await Promise.all([
    db.select().from(reportDrafts).where(draftWhere(planId, period)),
    db
      .select({ id: reportVersions.id, version: reportVersions.version, frozenAt: reportVersions.frozenAt, sha256: reportVersions.sha256, frozenByName: users.fullName })
      .from(reportVersions)
      .innerJoin(users, eq(users.id, reportVersions.frozenBy))
      .where(versionWhere(planId, period))
      .orderBy(desc(reportVersions.version)),
  ]);
  const latest = versions[0] ?? null;
  const locked = latest !== null && draft?.reopenedFromId !== latest.id;
  const narrative: ReportNarrative = { ...EMPTY_NARRATIVE, ...((draft?.narrative as Partial<ReportNarrative> | undefined) ?? {}) };
  return { narrative, versions: versions as VersionSummary[], latest: latest as VersionSummary | null, locked, reopenedFrom: locked ? null : draft?.reopenedFromId ?? null };
}

/** Saves the typed-in narrative of a plan's report for a period. Throws Conflict when the report is frozen. */
export async function saveNarrative(db: Db, planId: number, period: Period, narrative: ReportNarrative, actor: Actor): Promise<void> {
  await getPlan(db, planId);
  await db.transaction(async (tx) => {
    const draft = await lockDraft(tx, planId, period);
    if (await isLocked(tx, planId, period, draft.reopenedFromId)) throw new Conflict(m.locked);
    await tx.update(reportDrafts).set({ narrative: { ...narrative }, updatedBy: actor.id, updatedAt: new Date() }).where(eq(reportDrafts.id, draft.id));
    await audit(tx, { actorId: actor.id, action: "report.narrative", targetType: "report_draft", targetId: draft.id, details: { planId, from: period.from, to: period.to }, ip: actor.ip });
  });
}

/** The draft row of a plan and period, created if missing, locked FOR UPDATE: freezes and edits of one report run one at a time. */
async function lockDraft(tx: Db, planId: number, period: Period) {
  await tx.insert(reportDrafts).values({ planId, periodFrom: period.from, periodTo: period.to, narrative: { ...EMPTY_NARRATIVE } }).onConflictDoNothing();
  const [draft] = await tx.select().from(reportDrafts).where(draftWhere(planId, period)).for("update");
  return draft;
}

async function latestVersion(tx: Db, planId: number, period: { from: string; to: string }) {
  const [latest] = await tx.select().from(reportVersions).where(versionWhere(planId, period)).orderBy(desc(reportVersions.version)).limit(1);
  return latest ?? null;
}

async function isLocked(tx: Db, planId: number, period: Period, reopenedFromId: number | null): Promise<boolean> {
  const latest = await latestVersion(tx, planId, period);
  return latest !== null && latest.id !== reopenedFromId;
}

const orgInfo = (o: Record<string, unknown>): OrgInfo => ({
  managingBody: textOf(o.managingBody), issuingBody: textOf(o.issuingBody), placeName: textOf(o.placeName),
  signerPrefix: textOf(o.signerPrefix), signerTitle: textOf(o.signerTitle), signerName: textOf(o.signerName),
  reportRecipients: textOf(o.reportRecipients),
});

/** Document data of the live (draft) report: today's figures, narrative and organisation settings. */
export async function liveDocumentData(db: Db, planId: number, period: Period, now = new Date()): Promise<ReportDocumentData> {
  const today = todayIso(now);
  const [plan, { figures }, state, org] = await Promise.all([getPlan(db, planId), computeReport(db, planId, period, now), reportState(db, planId, period), documentOrgOn(db, today)]);
  return { plan, period, figures: { ...figures, plan }, narrative: state.narrative, org: orgInfo(org), frozen: null, documentTime: now.toISOString() };
}

/** Document data of a frozen version: only its stored snapshot. */
export function versionDocumentData(v: VersionRow): ReportDocumentData {
  const figures = v.figures as unknown as ReportFigures;
  const plan = figures.plan ?? { id: v.planId, title: "", number: null, tasks: [] };
  const frozenAt = v.frozenAt.toISOString();
  return {
    plan, period: periodOf(v.periodFrom, v.periodTo), figures, narrative: { ...EMPTY_NARRATIVE, ...(v.narrative as Partial<ReportNarrative>) },
    org: orgInfo(v.orgSnapshot), frozen: { version: v.version, frozenAt, sha256: v.sha256 }, documentTime: frozenAt,
  };
}

/**
 * Freezes the report of a plan for a period: stores today's figures, the narrative and the organisation
 * settings in force, who and when, the SHA-256 of all of it and of the DOCX made from it; logs it.
 * Throws Conflict when the report is already frozen (and not re-opened), NotFound for an unknown plan.
 */
export async function freezeReport(db: Db, planId: number, period: Period, actor: Actor, now = new Date()): Promise<VersionRow> {
  const plan = await getPlan(db, planId);
  return db.transaction(async (tx) => {
    const draft = await lockDraft(tx, planId, period);
    const latest = await latestVersion(tx, planId, period);
    if (latest && latest.id !== draft.reopenedFromId) throw new Conflict(m.alreadyFrozen);
    const today = todayIso(now);
    const { figures } = await computeReport(tx, planId, period, now, true);
    const org = await documentOrgOn(tx, today);
    const frozenAt = new Date(now.getTime());
    const base = {
      planId, periodFrom: period.from, periodTo: period.to, version: (latest?.version ?? 0) + 1, previousId: latest?.id ?? null,
      figures: { ...figures, plan } as unknown as Record<string, unknown>, narrative: { ...EMPTY_NARRATIVE, ...(draft.narrative as Partial<ReportNarrative>) } as unknown as Record<string, unknown>,
      orgSnapshot: org as unknown as Record<string, unknown>, frozenBy: actor.id, frozenAt,
    };
    const sha256 = versionHash(base);
    const docx = await buildReportDocx(versionDocumentData({ ...base, id: 0, sha256, docxSha256: "" }));
    const [row] = await tx.insert(reportVersions).values({ ...base, sha256, docxSha256: sha256Hex(docx) }).returning();
    await audit(tx, { actorId: actor.id, action: "report.freeze", targetType: "report_version", targetId: row.id, details: { planId, from: period.from, to: period.to, version: row.version, sha256 }, ip: actor.ip });
    return row;
  });
}

/**
 * Re-opens the latest frozen version of a report: it stays as it is; the draft becomes editable again,
 * starting from that version's narrative, and the next freeze creates version n + 1. Logged.
 * Throws NotFound (unknown version) or Conflict (not the latest, or already re-opened).
 */
export async function reopenReport(db: Db, versionId: number, actor: Actor): Promise<VersionRow> {
  const v = await getVersion(db, versionId);
  const period = periodOf(v.periodFrom, v.periodTo);
  await db.transaction(async (tx) => {
    const draft = await lockDraft(tx, v.planId, period);
    const latest = await latestVersion(tx, v.planId, period);
    if (!latest || latest.id !== v.id || draft.reopenedFromId === v.id) throw new Conflict(m.notLatest);
    await tx.update(reportDrafts).set({ reopenedFromId: v.id, narrative: v.narrative, updatedBy: actor.id, updatedAt: new Date() }).where(eq(reportDrafts.id, draft.id));
    await audit(tx, { actorId: actor.id, action: "report.reopen", targetType: "report_version", targetId: v.id, details: { planId: v.planId, from: v.periodFrom, to: v.periodTo, version: v.version }, ip: actor.ip });
  });
  return v;
}

/** One frozen version; NotFound when missing. */
export async function getVersion(db: Db, id: number): Promise<VersionRow> {
  const [v] = await db.select().from(reportVersions).where(eq(reportVersions.id, id));
  if (!v) throw new NotFound();
  return v;
}

/** Who froze a version (full name). */
export async function frozenByName(db: Db, v: VersionRow): Promise<string> {
  const [u] = await db.select({ fullName: users.fullName }).from(users).where(eq(users.id, v.frozenBy));
  return u?.fullName ?? "";
}

/** Whether a stored version still matches its hash (nothing edited it behind the application's back). */
export function verifyVersion(v: VersionRow): boolean {
  const { id: _id, sha256, docxSha256: _d, ...rest } = v;
  return versionHash(rest) === sha256;
}
