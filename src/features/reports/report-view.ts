/** View models of the report pages: figures grouped by task, and breakdown tables, each cell with its drill-down target. Pure. */
import { MEASURE_FIGURE, type Figure } from "./report-figures";
import { DIMENSIONS, MEASURES, type Dimension, type PlanInfo, type ReportFigures, type ReportNarrative } from "./report-types";
import { reportsMessages as m } from "./reports.messages";

export interface FigureLine {
  label: string;
  value: number | null;
  money: boolean;
  /** null: typed in, nothing to drill into. */
  figure: Figure | null;
}

const T1 = ["conferences", "sessions", "participantTimes", "uniquePersons", "personSessions"] as const;
const T3 = ["classes", "sessions", "trainingDays", "calendarDays", "participantTimes", "uniquePersons", "personSessions", "classesEnded", "enrolledInEnded", "completed", "certified"] as const;

/** The figures of tasks 1–4 (task 2 as typed) and the totals, as labelled lines. */
export function figureSections(plan: PlanInfo, f: ReportFigures, narrative: ReportNarrative): { title: string; lines: FigureLine[] }[] {
  const title = (n: number) => `${n}. ${plan.tasks.find((t) => t.number === n)?.title ?? m.taskHeading(n)}`;
  const line = (figure: Figure, value: number, money = false): FigureLine => ({ label: m.figures[figure], value, money, figure });
  return [
    { title: title(1), lines: T1.map((k) => line(`t1.${k}`, f.task1[k])) },
    { title: title(2), lines: [{ label: m.radioProgrammes, value: narrative.radioProgrammes, money: false, figure: null }] },
    { title: title(3), lines: T3.map((k) => line(`t3.${k}`, f.task3[k])) },
    { title: m.overallGroup, lines: [line("overall.participantTimes", f.overall.participantTimes), line("overall.uniquePersons", f.overall.uniquePersons)] },
    {
      title: title(4),
      lines: [line("t4.total", f.task4.total, true), ...(["state", "business", "social", "other"] as const).map((s) => line(`t4.${s}`, f.task4.bySource[s] ?? 0, true))],
    },
  ];
}

export interface BreakdownView {
  dim: Dimension;
  title: string;
  column: string;
  measures: { key: string; label: string; figure: Figure }[];
  rows: { key: string; label: string; values: number[] }[];
  total: number[];
}

/** The five breakdown tables. */
export function breakdownViews(f: ReportFigures): BreakdownView[] {
  return DIMENSIONS.map((dim) => ({
    dim,
    title: m.dimensions[dim],
    column: m.dimensionColumn[dim],
    measures: MEASURES.map((k) => ({ key: k, label: m.measures[k], figure: MEASURE_FIGURE[k] })),
    rows: f.breakdowns[dim].rows.map((r) => ({ key: r.key, label: r.label, values: MEASURES.map((k) => r.values[k]) })),
    total: MEASURES.map((k) => f.breakdowns[dim].total[k]),
  }));
}
