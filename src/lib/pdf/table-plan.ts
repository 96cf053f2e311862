/**
 * Pure planning for ruled tables: column widths from the content and page breaks that leave no page
 * with a lonely row. No PDF here: plain numbers in, plain numbers out (unit-tested).
 */

/** What a column needs, in pt. */
export interface ColumnNeed {
  /** Widest single word (no word ever breaks), padding included. */
  min: number;
  /** Widest cell on one line, padding included. */
  pref: number;
  /** A width the caller fixed (e.g. a signature column); used as is. */
  fixed?: number;
  /** Prefer one line (names, dates): gets `pref` before other columns get more than `min`. */
  keep?: boolean;
}

/**
 * Column widths filling `total` (the auto table layout of HTML, with priorities): fixed columns keep
 * their width; if every other column fits on one line they get their preferred width and share the
 * surplus in proportion to it (an empty notes column stays narrow); otherwise each gets at least its
 * longest word, "keep" columns then their full line, and the rest shares what is left in proportion
 * to how much it would need to stay on one line. If even the longest words do not fit, all free
 * columns shrink in proportion (the caller then sets the words smaller).
 */
export function columnWidths(needs: ColumnNeed[], total: number): number[] {
  const free = needs.map((n, i) => ({ ...n, i })).filter((n) => n.fixed === undefined);
  const room = total - needs.reduce((s, n) => s + (n.fixed ?? 0), 0);
  const out = needs.map((n) => n.fixed ?? 0);
  const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
  const prefs = free.map((n) => Math.max(n.min, n.pref));
  if (sum(prefs) <= room) {
    const weight = sum(prefs) || 1;
    free.forEach((n, k) => (out[n.i] = prefs[k] + ((room - sum(prefs)) * prefs[k]) / weight));
    return out;
  }
  const mins = free.map((n) => n.min);
  if (sum(mins) >= room) {
    free.forEach((n, k) => (out[n.i] = (mins[k] * room) / (sum(mins) || 1)));
    return out;
  }
  // Start every column at its longest word; give "keep" columns their line while room remains.
  const width = [...mins];
  let left = room - sum(mins);
  free.forEach((n, k) => {
    if (!n.keep) return;
    const add = Math.min(left, prefs[k] - width[k]);
    width[k] += add;
    left -= add;
  });
  const wants = free.map((n, k) => prefs[k] - width[k]);
  const wanted = sum(wants) || 1;
  free.forEach((n, k) => (out[n.i] = width[k] + (left * wants[k]) / wanted));
  return out;
}

/** One body row for {@link planPages}. */
export interface PlanRow {
  height: number;
  /** Keep on the same page as the next row (a group heading). */
  keepWithNext?: boolean;
  /** Counted as a row for the minimum per page (default true; group headings are not). */
  counts?: boolean;
}

/** Page room for {@link planPages}, in pt, the repeated header row already taken off. */
export interface PlanRoom {
  /** Room on the first page (below whatever precedes the table). */
  first: number;
  /** Room on each following page. */
  next: number;
  /** Height that must follow the last row on its page (totals, signature block). */
  reserve: number;
  /** Fewest rows a page may hold (default 3); a list shorter than that stays on one page. */
  minRows?: number;
}

/**
 * Where the pages of a table start: indexes of the first row of each page (the first is always 0).
 * Fills pages in order, keeps group headings with their next row, then makes the last page hold the
 * reserve and at least `minRows` rows by moving rows over from the page before, as long as that page
 * keeps its own minimum. The reserve never stands alone: at least one row always goes with it.
 */
export function planPages(rows: PlanRow[], room: PlanRoom): number[] {
  if (!rows.length) return [0];
  const counted = (r: PlanRow): number => (r.counts === false ? 0 : 1);
  const minRows = Math.min(room.minRows ?? 3, rows.reduce((s, r) => s + counted(r), 0));
  const starts = [0];
  let free = room.first;
  rows.forEach((row, i) => {
    const next = rows[i + 1];
    const need = row.height + (row.keepWithNext && next ? next.height : 0);
    if (need > free + 0.01 && i > starts[starts.length - 1]) {
      starts.push(i);
      free = room.next;
    }
    free -= row.height;
  });

  const capacity = (page: number): number => (page === 0 ? room.first : room.next);
  const height = (from: number, to: number): number => rows.slice(from, to).reduce((s, r) => s + r.height, 0);
  const count = (from: number, to: number): number => rows.slice(from, to).reduce((s, r) => s + counted(r), 0);
  const lastFits = (): boolean => height(starts[starts.length - 1], rows.length) + room.reserve <= capacity(starts.length - 1) + 0.01;
  // The reserve does not fit under the last page's rows: it starts a page of its own, empty for now.
  if (!lastFits()) starts.push(rows.length);

  // Pull rows from the page before until the last page holds enough, never leaving the reserve alone.
  for (;;) {
    const p = starts.length - 1;
    if (p === 0) break;
    const have = count(starts[p], rows.length);
    const prevAfter = count(starts[p - 1], starts[p] - 1);
    const alone = starts[p] === rows.length;
    if (!alone && (have >= minRows || prevAfter < minRows)) break;
    if (starts[p] - 1 <= starts[p - 1]) break;
    const before = starts[p];
    starts[p] -= 1;
    // A heading moves with the row it heads.
    while (starts[p] - 1 > starts[p - 1] && rows[starts[p] - 1].keepWithNext) starts[p] -= 1;
    if (!lastFits()) {
      starts[p] = before;
      break;
    }
  }
  return starts;
}
