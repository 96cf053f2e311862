/**
 * Ruled table drawn into a {@link PageFlow}: header row, column widths fixed or taken from the
 * content, wrapped cells that never break inside a word, group headings across the table, page
 * breaks that repeat the header row and leave no page with a lonely row.
 */
import type { PDFPage } from "pdf-lib";
import { ascent, drawLine, fitWordsSize, leading, longestWord, mm, PageFlow, textWidth, wrapText, type Align, type TextStyle } from "./layout";
import { columnWidths, planPages, type ColumnNeed } from "./table-plan";

/** One table column. */
export interface TableColumn {
  /** Header text; "\n" forces a line break. */
  header: string;
  /**
   * Width in mm. If every column has one, they are relative (scaled to fill the table). Otherwise a
   * column with a width keeps it exactly and the others are sized from their content.
   */
  width?: number;
  /** Alignment of body cells (default "left"); header cells are always centred. */
  align?: Align;
  /** Prefer every cell on one line (names, dates, numbers) when the table is short of room. */
  keep?: boolean;
  /** Least width in mm of a content-sized column (e.g. a notes column printed empty). */
  minWidth?: number;
  /** Most width in mm a content-sized column asks for (long notes wrap rather than crowd the rest). */
  maxWidth?: number;
}

/** A bold line across the whole table (a group heading); kept on the page of the row after it. */
export interface SpanRow {
  span: string;
}

/** A body row: one string per column (missing cells print empty), or a heading across the table. */
export type TableRow = string[] | SpanRow;

/** Options for {@link drawTable}. */
export interface TableOptions {
  columns: TableColumn[];
  rows: TableRow[];
  /** Body type size (default 12). A word too long for its cell is set smaller, never broken. */
  fontSize?: number;
  /** Header type size (default = fontSize); header is bold. */
  headerFontSize?: number;
  /** Inner cell padding in pt (default 4). */
  padding?: number;
  /** Minimum body row height in pt, e.g. room to sign (default 0). */
  minRowHeight?: number;
  /** Repeat the header row at the top of each continuation page (default true). */
  repeatHeader?: boolean;
  /** Total table width in pt (default: the flow's text width). */
  width?: number;
  /**
   * Height (pt) that must fit below the last row on its page, e.g. totals and a signature block: rows
   * move to the next page with it, so the block never stands alone. Default 0.
   */
  keepWithNext?: number;
  /** Fewest rows (headings not counted) a page may hold, unless the whole list is shorter. Default 3. */
  minRows?: number;
}

/** What {@link drawTable} did. */
export interface TableResult {
  /** Pages the table touched (first to last, in order). */
  pages: PDFPage[];
  /** How many times the header row was drawn. */
  headerRows: number;
  /** Body rows (headings not counted) on each of those pages. */
  rowsPerPage: number[];
}

interface Cell {
  lines: string[];
  size: number;
}
interface Laid {
  cells: Cell[];
  height: number;
  span: boolean;
}

const isSpan = (row: TableRow): row is SpanRow => !Array.isArray(row);

/** Width of the widest "\n"-separated line of `text` (unwrapped). */
const lineWidth = (text: string, style: TextStyle): number => Math.max(0, ...text.split("\n").map((l) => textWidth(l.trim(), style)));

/** Column widths in pt for `options` across `tableW` (see {@link TableColumn.width}). */
export function tableColumnWidths(options: TableOptions, fonts: { regular: TextStyle["font"]; bold: TextStyle["font"] }, tableW: number): number[] {
  const size = options.fontSize ?? 12;
  const body: TextStyle = { font: fonts.regular, size };
  const head: TextStyle = { font: fonts.bold, size: options.headerFontSize ?? size };
  const pad = options.padding ?? 4;
  const cols = options.columns;
  if (cols.every((c) => c.width !== undefined)) {
    const total = cols.reduce((s, c) => s + (c.width ?? 0), 0);
    return cols.map((c) => ((c.width ?? 0) / total) * tableW);
  }
  const bodyRows = options.rows.filter((r): r is string[] => !isSpan(r));
  const needs: ColumnNeed[] = cols.map((c, i) => {
    if (c.width !== undefined) return { min: 0, pref: 0, fixed: mm(c.width) };
    const cells = bodyRows.map((r) => r[i] ?? "");
    const min = Math.max(longestWord(c.header, head), ...cells.map((t) => longestWord(t, body))) + 2 * pad;
    const pref = Math.max(lineWidth(c.header, head), ...cells.map((t) => lineWidth(t, body))) + 2 * pad;
    const least = c.minWidth !== undefined ? mm(c.minWidth) : 0;
    const most = c.maxWidth !== undefined ? mm(c.maxWidth) : Infinity;
    return { min: Math.max(min, least), pref: Math.max(Math.min(pref, most), least), keep: c.keep };
  });
  return columnWidths(needs, tableW);
}

/**
 * Draw a table at the flow's cursor and move the cursor below it. Rows are never split; page breaks
 * are planned with {@link planPages} (headings stay with their row, the last page holds the
 * `keepWithNext` reserve and at least `minRows` rows); the header row repeats on each page unless
 * `repeatHeader` is false. A single row taller than a whole page runs into the bottom margin.
 */
export function drawTable(flow: PageFlow, options: TableOptions): TableResult {
  const size = options.fontSize ?? 12;
  const body: TextStyle = { font: flow.fonts.regular, size };
  const head: TextStyle = { font: flow.fonts.bold, size: options.headerFontSize ?? size };
  const pad = options.padding ?? 4;
  const tableW = options.width ?? flow.width;
  const widths = tableColumnWidths(options, flow.fonts, tableW);
  const xs: number[] = [flow.left];
  for (const w of widths) xs.push(xs[xs.length - 1] + w);

  const layCell = (text: string, style: TextStyle, width: number): Cell => {
    const fitted = fitWordsSize(text, style, width - 2 * pad);
    return { lines: wrapText(text, { ...style, size: fitted }, width - 2 * pad), size: fitted };
  };
  const height = (cells: Cell[], min: number): number => Math.max(min, ...cells.map((c) => c.lines.length * leading(c.size) + 2 * pad));
  const lay = (row: TableRow, style: TextStyle, min: number): Laid => {
    if (isSpan(row)) {
      const cells = [layCell(row.span, { ...style, font: flow.fonts.bold }, tableW)];
      return { cells, height: height(cells, 0), span: true };
    }
    const cells = widths.map((w, i) => layCell(row[i] ?? "", style, w));
    return { cells, height: height(cells, min), span: false };
  };

  const drawRow = (row: Laid, style: TextStyle, aligns: Align[]): void => {
    const page = flow.page;
    const top = flow.y;
    const bottom = top - row.height;
    const stroke = { thickness: 0.6 };
    const edges = row.span ? [xs[0], xs[xs.length - 1]] : xs;
    page.drawLine({ start: { x: xs[0], y: top }, end: { x: xs[xs.length - 1], y: top }, ...stroke });
    page.drawLine({ start: { x: xs[0], y: bottom }, end: { x: xs[xs.length - 1], y: bottom }, ...stroke });
    for (const x of edges) page.drawLine({ start: { x, y: top }, end: { x, y: bottom }, ...stroke });
    row.cells.forEach((cell, i) => {
      const st = { font: row.span ? flow.fonts.bold : style.font, size: cell.size };
      const lh = leading(cell.size);
      const x = row.span ? xs[0] : xs[i];
      const w = row.span ? tableW : widths[i];
      // Centre the block of lines vertically in the row.
      let y = top - (row.height - cell.lines.length * lh) / 2 - ascent(cell.size) - (lh - cell.size) / 2 + 1;
      for (const line of cell.lines) {
        drawLine(page, line, st, { x: x + pad, y, width: w - 2 * pad, align: row.span ? "left" : aligns[i] });
        y -= lh;
      }
    });
    flow.y = bottom;
  };

  const header = lay(options.columns.map((c) => c.header), head, 0);
  const headAligns = options.columns.map((): Align => "center");
  const bodyAligns = options.columns.map((c) => c.align ?? "left");
  const rows = options.rows.map((r) => lay(r, body, options.minRowHeight ?? 0));
  const repeat = options.repeatHeader ?? true;

  // Keep the header with the first row.
  flow.ensure(header.height + (rows[0]?.height ?? 0));
  const pageRoom = flow.size[1] - flow.margins.top - flow.margins.bottom;
  const planRows = rows.map((r, i) => ({ height: r.height, keepWithNext: r.span, counts: !isSpan(options.rows[i]) }));
  const plan = (): number[] =>
    planPages(planRows, { first: flow.y - flow.bottom - header.height, next: pageRoom - (repeat ? header.height : 0), reserve: options.keepWithNext ?? 0, minRows: options.minRows });
  let starts = plan();
  // Too little room left on this page for the minimum number of rows: start the table on the next one.
  const least = Math.min(options.minRows ?? 3, planRows.filter((r) => r.counts).length);
  const onFirst = planRows.slice(0, starts[1] ?? planRows.length).filter((r) => r.counts).length;
  if (starts.length > 1 && onFirst < least && flow.y < flow.size[1] - flow.margins.top - 0.01) {
    flow.newPage();
    starts = plan();
  }
  const result: TableResult = { pages: [], headerRows: 0, rowsPerPage: [] };
  starts.forEach((start, p) => {
    if (p > 0) flow.newPage();
    result.pages.push(flow.page);
    if (p === 0 || repeat) {
      drawRow(header, head, headAligns);
      result.headerRows++;
    }
    const end = starts[p + 1] ?? rows.length;
    for (let i = start; i < end; i++) drawRow(rows[i], body, bodyAligns);
    result.rowsPerPage.push(rows.slice(start, end).filter((r) => !r.span).length);
  });
  return result;
}
