/**
 * Ruled table drawn into a {@link PageFlow}: header row, relative column widths, wrapped cells,
 * automatic page breaks that repeat the header row.
 */
import type { PDFPage } from "pdf-lib";
import { ascent, drawLine, leading, PageFlow, wrapText, type Align, type TextStyle } from "./layout";

/** One table column. */
export interface TableColumn {
  /** Header text; "\n" forces a line break. */
  header: string;
  /** Relative width (any unit, e.g. mm): all widths are scaled to fill the text area. */
  width: number;
  /** Alignment of body cells (default "left"); header cells are always centred. */
  align?: Align;
}

/** Options for {@link drawTable}. */
export interface TableOptions {
  columns: TableColumn[];
  /** Body rows, one string per column (missing cells print empty). */
  rows: string[][];
  /** Body type size (default 12). */
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
   * Height (pt) that must fit below the last row on its page, e.g. a signature block. If it does not,
   * the last row moves to the next page with it, so the block never stands alone. Default 0.
   */
  keepWithNext?: number;
}

/** What {@link drawTable} did. */
export interface TableResult {
  /** Pages the table touched (first to last, in order). */
  pages: PDFPage[];
  /** How many times the header row was drawn. */
  headerRows: number;
}

interface Laid {
  lines: string[][];
  height: number;
}

/**
 * Draw a table at the flow's cursor and move the cursor below it. A row that does not fit goes to a new
 * page (rows are never split); the header row is repeated there unless `repeatHeader` is false. A
 * single row taller than a whole page is drawn anyway and runs into the bottom margin.
 */
export function drawTable(flow: PageFlow, options: TableOptions): TableResult {
  const size = options.fontSize ?? 12;
  const body: TextStyle = { font: flow.fonts.regular, size };
  const head: TextStyle = { font: flow.fonts.bold, size: options.headerFontSize ?? size };
  const pad = options.padding ?? 4;
  const tableW = options.width ?? flow.width;
  const total = options.columns.reduce((s, c) => s + c.width, 0);
  const widths = options.columns.map((c) => (c.width / total) * tableW);
  const xs: number[] = [flow.left];
  for (const w of widths) xs.push(xs[xs.length - 1] + w);

  const lay = (cells: string[], style: TextStyle, min: number): Laid => {
    const lines = widths.map((w, i) => wrapText(cells[i] ?? "", style, w - 2 * pad));
    const tallest = Math.max(...lines.map((l) => l.length));
    return { lines, height: Math.max(min, tallest * leading(style.size) + 2 * pad) };
  };

  const drawRow = (row: Laid, style: TextStyle, aligns: Align[]): void => {
    const page = flow.page;
    const top = flow.y;
    const bottom = top - row.height;
    const lh = leading(style.size);
    const stroke = { thickness: 0.6 };
    page.drawLine({ start: { x: xs[0], y: top }, end: { x: xs[xs.length - 1], y: top }, ...stroke });
    page.drawLine({ start: { x: xs[0], y: bottom }, end: { x: xs[xs.length - 1], y: bottom }, ...stroke });
    for (const x of xs) page.drawLine({ start: { x, y: top }, end: { x, y: bottom }, ...stroke });
    row.lines.forEach((lines, i) => {
      // Centre the block of lines vertically in the row.
      let y = top - (row.height - lines.length * lh) / 2 - ascent(style.size) - (lh - style.size) / 2 + 1;
      for (const line of lines) {
        drawLine(page, line, style, { x: xs[i] + pad, y, width: widths[i] - 2 * pad, align: aligns[i] });
        y -= lh;
      }
    });
    flow.y = bottom;
  };

  const header = lay(options.columns.map((c) => c.header), head, 0);
  const headAligns = options.columns.map((): Align => "center");
  const bodyAligns = options.columns.map((c) => c.align ?? "left");
  const rows = options.rows.map((r) => lay(r, body, options.minRowHeight ?? 0));
  const result: TableResult = { pages: [], headerRows: 0 };
  const touch = (): void => {
    if (result.pages[result.pages.length - 1] !== flow.page) result.pages.push(flow.page);
  };
  const putHeader = (): void => {
    drawRow(header, head, headAligns);
    result.headerRows++;
  };

  // Keep the header with the first row.
  flow.ensure(header.height + (rows[0]?.height ?? 0));
  touch();
  putHeader();
  const reserve = options.keepWithNext ?? 0;
  let rowsOnPage = 0;
  rows.forEach((row, i) => {
    const last = i === rows.length - 1;
    // Break if the row does not fit, or if the last row cannot keep the reserve with it (unless it is
    // alone on the page already: moving it would gain nothing).
    const fits = flow.y - row.height >= flow.bottom - 0.01;
    const keeps = !last || rowsOnPage === 0 || flow.y - row.height - reserve >= flow.bottom - 0.01;
    if (!fits || !keeps) {
      flow.newPage();
      touch();
      if (options.repeatHeader ?? true) putHeader();
      rowsOnPage = 0;
    }
    drawRow(row, body, bodyAligns);
    rowsOnPage++;
  });
  return result;
}
