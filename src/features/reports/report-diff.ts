/** Differences between a frozen version's figures and today's: every figure flattened to one line. Pure. */
import { MEASURE_FIGURE, type Figure } from "./report-figures";
import { DIMENSIONS, MEASURES, type Dimension, type ReportFigures } from "./report-types";
import { reportsMessages as m } from "./reports.messages";

export interface FlatFigure {
  label: string;
  value: number;
  money: boolean;
  /** Where the live rows behind it are listed. */
  drill: { figure: Figure; dim?: Dimension; key?: string };
}

export interface DiffLine extends FlatFigure {
  key: string;
  frozen: number;
  live: number;
  delta: number;
}

/** Every figure of a report under a stable key ("task3.completed", "breakdowns.unit.X-TRIEUSON.t3Times"…). */
export function flattenFigures(f: ReportFigures): Map<string, FlatFigure> {
  const out = new Map<string, FlatFigure>();
  const put = (key: string, figure: Figure, value: number, money = false) => out.set(key, { label: m.figures[figure] ?? figure, value, money, drill: { figure } });
  for (const [k, v] of Object.entries(f.task1)) put(`task1.${k}`, `t1.${k}` as Figure, v);
  for (const [k, v] of Object.entries(f.task3)) put(`task3.${k}`, `t3.${k}` as Figure, v);
  for (const [k, v] of Object.entries(f.overall)) put(`overall.${k}`, `overall.${k}` as Figure, v);
  put("task4.total", "t4.total", f.task4.total, true);
  for (const [k, v] of Object.entries(f.task4.bySource)) put(`task4.${k}`, `t4.${k}` as Figure, v, true);
  for (const dim of DIMENSIONS) {
    for (const row of f.breakdowns[dim].rows) {
      for (const measure of MEASURES) {
        out.set(`breakdowns.${dim}.${row.key}.${measure}`, {
          label: `${m.dimensions[dim]} — ${row.label} — ${m.measures[measure]}`, value: row.values[measure], money: false,
          drill: { figure: MEASURE_FIGURE[measure], dim, key: row.key },
        });
      }
    }
  }
  return out;
}

/** Figures whose value differs (a figure missing on one side counts as 0 there), in the frozen report's order. */
export function diffFigures(frozen: ReportFigures, live: ReportFigures): DiffLine[] {
  const a = flattenFigures(frozen);
  const b = flattenFigures(live);
  const keys = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  const lines: DiffLine[] = [];
  for (const key of keys) {
    const base = (a.get(key) ?? b.get(key))!;
    const [x, y] = [a.get(key)?.value ?? 0, b.get(key)?.value ?? 0];
    if (x !== y) lines.push({ ...base, key, frozen: x, live: y, delta: y - x });
  }
  return lines;
}
