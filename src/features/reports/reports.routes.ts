import path from "node:path";
import { Router, type Request, type Response } from "express";
import type { Db } from "../../db/client";
import { ROOT } from "../../paths";
import { actor } from "../../lib/auth";
import { CSV_MIME, DOCX_MIME, XLSX_MIME, sendDownload } from "../../lib/download";
import { Conflict, NotFound } from "../../lib/errors";
import { flash } from "../../lib/flash";
import { formBody, parseForm } from "../../lib/forms";
import { idParam } from "../../lib/params";
import { anyone, authorize } from "../../lib/policy";
import { todayIso } from "../../lib/time";
import { formatDate } from "../../lib/vietnamese";
import { documentOrgOn } from "../settings";
import { dashboardRouter } from "./dashboard.routes";
import { certificateRows, listFile, participantRows } from "./exports.service";
import { parsePeriod, periodFromForm, periodPart, periodSlug, yearPeriod } from "./period";
import { qualityChecks } from "./quality.service";
import { buildReportDocx } from "./report-docx";
import { diffFigures } from "./report-diff";
import { drill, drillValue } from "./report-figures";
import type { Period, ReportDocumentData } from "./report-types";
import { breakdownViews, figureSections } from "./report-view";
import { buildReportXlsx } from "./report-xlsx";
import { reportsMessages as m } from "./reports.messages";
import { drillQuery, narrativeSchema } from "./reports.schema";
import { readReports } from "./reports.policy";
import * as service from "./reports.service";

const CHART_JS = path.join(ROOT, "node_modules/chart.js/dist/chart.umd.min.js");
const ROWS_PAGE = 200;

/** The period in the URL, else 404. */
function periodParam(req: Request): Period {
  const p = parsePeriod(String(req.params.period));
  if (!p) throw new NotFound();
  return p;
}

/** Report files: never kept in a browser or proxy cache ("no-store"). */
function sendFile(res: Response, body: Buffer, fileName: string, type: string): void {
  sendDownload(res, { body, fileName, type, cacheControl: "no-store" });
}

/** Reports, drill-down, freeze, exports and the admin dashboard. */
export function reportsRouter({ db }: { db: Db }): Router {
  const router = Router();
  const can = authorize(db);
  const years = () => Array.from({ length: Number(todayIso().slice(0, 4)) - 2019 + 1 }, (_, i) => 2020 + i).reverse();

  // GET /vendor/chart.umd.min.js: Chart.js from node_modules (no CDN), cached for a year: the URL changes only with the package.
  router.get("/vendor/chart.umd.min.js", can(anyone), (_req, res) => {
    res.sendFile(CHART_JS, { maxAge: "365d", immutable: true, headers: { "Content-Type": "text/javascript; charset=utf-8" } });
  });

  router.use(dashboardRouter({ db }));

  // GET /reports: the plans, each with a period picker.
  router.get("/reports", can(readReports), async (_req, res) => {
    const plans = await service.listPlans(db);
    res.render("reports/index", { title: m.title, plans, years: years(), period: yearPeriod(Number(todayIso().slice(0, 4))), periodPart });
  });

  // GET /reports/versions/:id: a frozen version, its integrity and what changed in the data since.
  router.get("/reports/versions/:id", can(readReports), async (req, res) => {
    const v = await service.getVersion(db, idParam(req));
    const data = service.versionDocumentData(v);
    const [{ figures: live }, frozenBy, state] = await Promise.all([service.computeReport(db, v.planId, data.period), service.frozenByName(db, v), service.reportState(db, v.planId, data.period)]);
    res.render("reports/version", {
      title: `${m.title} — ${m.versionTitle(v.version)}`, v, data, frozenBy, intact: service.verifyVersion(v), diff: diffFigures(data.figures, live),
      base: `/reports/${v.planId}/${periodSlug(data.period)}`, canReopen: state.locked && state.latest?.id === v.id,
      sections: figureSections(data.plan, data.figures, data.narrative), breakdowns: breakdownViews(data.figures),
    });
  });

  // GET /reports/versions/:id/report.docx: the frozen report, generated from its snapshot only.
  router.get("/reports/versions/:id/report.docx", can(readReports), async (req, res) => {
    const v = await service.getVersion(db, idParam(req));
    sendFile(res, await buildReportDocx(service.versionDocumentData(v)), `bao-cao-${periodSlug(service.versionDocumentData(v).period)}-v${v.version}.docx`, DOCX_MIME);
  });

  // GET /reports/versions/:id/report.xlsx: the frozen report's tables.
  router.get("/reports/versions/:id/report.xlsx", can(readReports), async (req, res) => {
    const v = await service.getVersion(db, idParam(req));
    const data = service.versionDocumentData(v);
    sendFile(res, await buildReportXlsx(data), `so-lieu-${periodSlug(data.period)}-v${v.version}.xlsx`, XLSX_MIME);
  });

  // POST /reports/versions/:id/reopen: re-opens the latest frozen version (a new version comes at the next freeze).
  router.post("/reports/versions/:id/reopen", can(readReports), async (req, res) => {
    try {
      const v = await service.reopenReport(db, idParam(req), actor(req));
      flash(req, "success", m.reopened(v.version));
      res.redirect(`/reports/${v.planId}/${periodSlug(service.versionDocumentData(v).period)}`);
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
      flash(req, "error", e.message);
      res.redirect(`/reports/versions/${idParam(req)}`);
    }
  });

  // GET /reports/:planId?year=&part=&from=&to=: the period picker's target; redirects to the period's page.
  router.get("/reports/:planId", can(readReports), async (req, res) => {
    const plan = await service.getPlan(db, idParam(req, "planId"));
    const period = req.query.part || req.query.year ? periodFromForm(req.query) : yearPeriod(Number(todayIso().slice(0, 4)));
    if (!period) {
      flash(req, "error", m.badPeriod);
      return res.redirect("/reports");
    }
    res.redirect(`/reports/${plan.id}/${periodSlug(period)}`);
  });

  async function renderReport(req: Request, res: Response, status: number, form?: { values: Record<string, unknown>; errors: Record<string, string> }) {
    const planId = idParam(req, "planId");
    const period = periodParam(req);
    const [plan, state, { facts, figures }] = await Promise.all([service.getPlan(db, planId), service.reportState(db, planId, period), service.computeReport(db, planId, period)]);
    const quality = await qualityChecks(db, planId, period, facts);
    const base = `/reports/${plan.id}/${periodSlug(period)}`;
    res.status(status).render("reports/show", {
      title: `${m.title} ${m.periodShort(period)}`, plan, period, base, figures, state, quality, years: years(), periodPart,
      sections: figureSections(plan, figures, state.narrative), breakdowns: breakdownViews(figures),
      values: form?.values ?? { ...state.narrative, reportDate: formatDate(state.narrative.reportDate), radioProgrammes: state.narrative.radioProgrammes ?? "" },
      errors: form?.errors ?? {},
    });
  }

  // GET /reports/:planId/:period: the live report (figures with drill-down links), data checks, narrative, exports, versions.
  router.get("/reports/:planId/:period", can(readReports), (req, res) => renderReport(req, res, 200));

  // POST /reports/:planId/:period/narrative: saves the typed-in part (while the report is not frozen).
  router.post("/reports/:planId/:period/narrative", can(readReports), async (req, res) => {
    const form = parseForm(narrativeSchema, formBody(req));
    if (!form.ok) return renderReport(req, res, 422, { values: formBody(req), errors: form.errors });
    const planId = idParam(req, "planId");
    const period = periodParam(req);
    await service.saveNarrative(db, planId, period, form.data, actor(req));
    flash(req, "success", m.narrativeSaved);
    res.redirect(`/reports/${planId}/${periodSlug(period)}#noi-dung`);
  });

  // POST /reports/:planId/:period/freeze: freezes figures, narrative and organisation snapshot as a new version.
  router.post("/reports/:planId/:period/freeze", can(readReports), async (req, res) => {
    const planId = idParam(req, "planId");
    const period = periodParam(req);
    try {
      const v = await service.freezeReport(db, planId, period, actor(req));
      flash(req, "success", m.frozen(v.version));
      res.redirect(`/reports/versions/${v.id}`);
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
      flash(req, "error", e.message);
      res.redirect(`/reports/${planId}/${periodSlug(period)}`);
    }
  });

  // GET /reports/:planId/:period/rows?f=&dim=&key=&page=: the rows behind one figure (live data).
  router.get("/reports/:planId/:period/rows", can(readReports), async (req, res) => {
    const q = drillQuery.safeParse(req.query);
    if (!q.success) throw new NotFound();
    const planId = idParam(req, "planId");
    const period = periodParam(req);
    const [plan, { facts }] = await Promise.all([service.getPlan(db, planId), service.computeReport(db, planId, period)]);
    const filter = q.data.dim ? { dim: q.data.dim, key: q.data.key ?? "" } : undefined;
    const result = drill(facts, q.data.f, filter);
    const filterLabel = filter ? m.drillFilter(m.dimensionColumn[filter.dim], filter.key ? facts.labels[filter.dim].get(filter.key) ?? filter.key : m.unknown) : null;
    const pages = Math.max(1, Math.ceil(result.rows.length / ROWS_PAGE));
    const page = Math.min(pages, Math.max(1, Number(req.query.page) || 1));
    res.render("reports/rows", {
      title: m.figures[q.data.f], plan, period, base: `/reports/${plan.id}/${periodSlug(period)}`, figure: q.data.f, filterLabel, result, value: drillValue(result),
      page, pages, pageSize: ROWS_PAGE, query: { f: q.data.f, dim: q.data.dim ?? "", key: q.data.key ?? "" },
    });
  });

  // GET /reports/:planId/:period/quality: every data-quality problem, with links to fix them.
  router.get("/reports/:planId/:period/quality", can(readReports), async (req, res) => {
    const planId = idParam(req, "planId");
    const period = periodParam(req);
    const [plan, { facts }] = await Promise.all([service.getPlan(db, planId), service.computeReport(db, planId, period)]);
    const quality = await qualityChecks(db, planId, period, facts);
    res.render("reports/quality", { title: m.qualityTitle, plan, period, base: `/reports/${plan.id}/${periodSlug(period)}`, quality });
  });

  async function liveData(req: Request): Promise<ReportDocumentData> {
    return service.liveDocumentData(db, idParam(req, "planId"), periodParam(req));
  }

  // GET /reports/:planId/:period/report.docx: the live (draft) report as DOCX.
  router.get("/reports/:planId/:period/report.docx", can(readReports), async (req, res) => {
    const data = await liveData(req);
    sendFile(res, await buildReportDocx(data), `bao-cao-${periodSlug(data.period)}-nhap.docx`, DOCX_MIME);
  });

  // GET /reports/:planId/:period/report.xlsx: the live report's tables, one sheet each.
  router.get("/reports/:planId/:period/report.xlsx", can(readReports), async (req, res) => {
    const data = await liveData(req);
    sendFile(res, await buildReportXlsx(data), `so-lieu-${periodSlug(data.period)}-nhap.xlsx`, XLSX_MIME);
  });

  async function participantsFile(req: Request, res: Response, format: "csv" | "xlsx") {
    const planId = idParam(req, "planId");
    const period = periodParam(req);
    const [{ facts }, org] = await Promise.all([service.computeReport(db, planId, period), documentOrgOn(db, todayIso())]);
    const bytes = await listFile(format, "participants", participantRows(facts), org.issuingBody);
    sendFile(res, bytes, `nguoi-tham-gia-${periodSlug(period)}.${format}`, format === "csv" ? CSV_MIME : XLSX_MIME);
  }

  async function certificatesFile(req: Request, res: Response, format: "csv" | "xlsx") {
    const planId = idParam(req, "planId");
    const period = periodParam(req);
    await service.getPlan(db, planId);
    const [rows, org] = await Promise.all([certificateRows(db, planId, period), documentOrgOn(db, todayIso())]);
    sendFile(res, await listFile(format, "certificates", rows, org.issuingBody), `giay-chung-nhan-${periodSlug(period)}.${format}`, format === "csv" ? CSV_MIME : XLSX_MIME);
  }

  // GET /reports/:planId/:period/participants.csv and .xlsx: the report's participants keyed by CCCD.
  router.get("/reports/:planId/:period/participants.csv", can(readReports), (req, res) => participantsFile(req, res, "csv"));
  router.get("/reports/:planId/:period/participants.xlsx", can(readReports), (req, res) => participantsFile(req, res, "xlsx"));
  // GET /reports/:planId/:period/certificates.csv and .xlsx: certificates issued in the period keyed by CCCD.
  router.get("/reports/:planId/:period/certificates.csv", can(readReports), (req, res) => certificatesFile(req, res, "csv"));
  router.get("/reports/:planId/:period/certificates.xlsx", can(readReports), (req, res) => certificatesFile(req, res, "xlsx"));

  return router;
}
