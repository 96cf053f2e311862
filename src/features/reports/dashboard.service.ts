/** The admin dashboard: this year's key figures and chart series, from the same maths as the report. */
import type { Db } from "../../db/client";
import { formatPercent } from "../../lib/vietnamese";
import { yearPeriod } from "./period";
import type { ReportFigures } from "./report-types";
import { reportsMessages as m } from "./reports.messages";
import { computeReport } from "./reports.service";

/** Chart.js-ready series: labels and one or more datasets (labels of datasets included). */
export interface ChartSeries {
  labels: string[];
  datasets: { label: string; data: number[] }[];
}

function byDimension(f: ReportFigures, dim: "category" | "unit"): ChartSeries {
  const rows = f.breakdowns[dim].rows.filter((r) => dim === "category" || r.values.t1Times + r.values.t3Times > 0);
  return {
    labels: rows.map((r) => r.label),
    datasets: [{ label: m.seriesTimes, data: rows.map((r) => r.values.t1Times + r.values.t3Times) }],
  };
}

/**
 * Figures of every course (with or without a plan) in `year`, counted up to `asOf` (a moment: sessions
 * not started yet do not count; or a whole day), and the dashboard's four charts: participant-times
 * per month, by category, by unit; completion.
 */
export async function dashboardData(db: Db, year: number, asOf: string | Date) {
  const { figures: f } = await computeReport(db, null, yearPeriod(year), asOf);
  const ended = f.task3.enrolledInEnded;
  const charts = {
    months: {
      labels: f.months.map((x) => m.monthLabel(x.key)),
      datasets: [{ label: m.seriesT1, data: f.months.map((x) => x.t1Times) }, { label: m.seriesT3, data: f.months.map((x) => x.t3Times) }],
    },
    category: byDimension(f, "category"),
    unit: byDimension(f, "unit"),
    completion: { labels: [m.completedLabel, m.notCompletedLabel], datasets: [{ label: m.chartCompletion, data: [f.task3.completed, ended - f.task3.completed] }] },
  } satisfies Record<string, ChartSeries>;
  const rate = ended ? m.completionRate(formatPercent(f.task3.completed / ended), f.task3.completed, ended) : "—";
  return { figures: f, charts, completionRate: rate };
}
