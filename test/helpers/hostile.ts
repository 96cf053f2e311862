/**
 * Hostile text for the hostile-input tests, and one check per output format: HTML pages (escaped, no
 * injected element), PDF (literal text), DOCX (well-formed XML, text not markup), XLSX and CSV (no
 * formula, formula-looking text neutralised) and download headers.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ejs from "ejs";
import ExcelJS from "exceljs";
import JSZip from "jszip";
// saxes is ExcelJS's XML parser (installed with it): strict XML 1.0, so a DOCX part that Word would
// call corrupt (a stray "<", a control character) fails to parse here too.
import { SaxesParser } from "saxes";

export const MARKUP = "<img src=x onerror=alert(1)>";
export const BREAKOUT = `"><script>alert(1)</script>`;
/** What spreadsheets take for a formula, one of each leading character. */
export const FORMULAS = ['=HYPERLINK("http://x.example","bấm")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(1)"] as const;
const SHORT_FORMULAS = ["=1+2", "+cmd", "-1+1", "@SUM(1)"] as const;

/**
 * A hostile value for one field: a formula first, then markup that would inject an element or break out
 * of an attribute, quotes, an entity, and `tag` (unique per field, so a failure names the field). The
 * longest form that fits in `max` characters: ~100, ~50, ~40 or ~15 characters.
 */
export function hostile(tag: string, i: number, max = 300): string {
  const forms = [
    `${FORMULAS[i % 4]} ${MARKUP} ${BREAKOUT} '&amp; ${tag}`,
    `${SHORT_FORMULAS[i % 4]} ${MARKUP} "'&amp; ${tag}`,
    `${SHORT_FORMULAS[i % 4]}">${MARKUP}${tag}`,
    `${SHORT_FORMULAS[i % 4]}<script>${tag}`,
  ];
  const fit = forms.find((f) => f.length <= max);
  if (!fit) throw new Error(`no hostile value fits in ${max} characters`);
  return fit;
}

// The app's own pages only ever load scripts by src: a bare <script> came from input.
const RAW_INJECTION = /<img\s+src=x|<script>/i;

/** Fails when `html` holds an element that came from hostile input (an <img onerror> or a <script>). */
export function expectNoInjection(html: string, where: string): void {
  const m = RAW_INJECTION.exec(html);
  if (m) throw new Error(`${where}: raw markup from input: …${html.slice(Math.max(0, m.index - 80), m.index + 80)}…`);
}

/** Each value is shown in `html`, HTML-escaped exactly as EJS escapes it; nothing was injected. */
export function expectEscaped(html: string, values: string[], where: string): void {
  expectNoInjection(html, where);
  const missing = values.filter((v) => !html.includes(ejs.escapeXML(v)));
  if (missing.length) throw new Error(`${where}: not shown (escaped): ${missing.map((v) => JSON.stringify(v)).join(", ")}`);
}

// PDF, DOCX: text as printed may be upper-cased (issuing body) and wrapped anywhere.
const squash = (s: string) => s.normalize("NFC").replace(/\s+/g, "").toLocaleLowerCase("vi");

/** Text of a PDF in content order (pdftotext -raw), NFC. Throws when poppler cannot read it. */
export function pdfText(bytes: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hostile-pdf-")), "f.pdf");
  fs.writeFileSync(file, bytes);
  try {
    return execFileSync("pdftotext", ["-raw", "-enc", "UTF-8", file, "-"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).normalize("NFC");
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** The PDF is readable and prints each value as literal text (whitespace and case aside). */
export function expectPdfText(bytes: Buffer, values: string[], where: string): void {
  expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const text = squash(pdfText(bytes));
  const missing = values.filter((v) => !text.includes(squash(v)));
  if (missing.length) throw new Error(`${where}: not printed: ${missing.map((v) => JSON.stringify(v)).join(", ")}`);
}

/** Parses XML strictly; returns the element names met and the text of each `textOf` element (e.g. w:p). */
export function parseXml(xml: string, textOf: string): { elements: Set<string>; texts: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  const elements = new Set<string>();
  const texts: string[] = [];
  let current: string[] | null = null;
  let depth = 0;
  parser.on("opentag", (t) => {
    elements.add(t.name);
    if (t.name === textOf) {
      depth += 1;
      if (depth === 1) current = [];
    }
  });
  parser.on("text", (s) => current?.push(s));
  parser.on("closetag", (t) => {
    if (t.name !== textOf) return;
    depth -= 1;
    if (depth === 0 && current) {
      texts.push(current.join(""));
      current = null;
    }
  });
  parser.write(xml).close();
  return { elements, texts };
}

/**
 * A DOCX whose every XML part parses; document.xml holds only WordprocessingML elements (nothing
 * injected) and each value as the text of a paragraph (case aside: headings are upper-cased).
 */
export async function expectDocxText(bytes: Buffer, values: string[], where: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(bytes);
  for (const name of Object.keys(zip.files).filter((n) => n.endsWith(".xml") || n.endsWith(".rels"))) {
    parseXml(await zip.file(name)!.async("string"), "");
  }
  const { elements, texts } = parseXml(await zip.file("word/document.xml")!.async("string"), "w:p");
  const foreign = [...elements].filter((e) => !/^(w|wp|a|pic|r|mc|wps|wpg|w14|w15|v|o):/.test(e));
  if (foreign.length) throw new Error(`${where}: elements outside WordprocessingML: ${foreign.join(", ")}`);
  const all = texts.map((t) => t.normalize("NFC").toLocaleLowerCase("vi"));
  const missing = values.filter((v) => !all.some((t) => t.includes(v.normalize("NFC").toLocaleLowerCase("vi"))));
  if (missing.length) throw new Error(`${where}: not in document.xml as text: ${missing.map((v) => JSON.stringify(v)).join(", ")}`);
  return texts;
}

const FORMULA_START = /^[=+\-@\t\r]/;
/** How a value looks once neutralised for a spreadsheet (src/lib/spreadsheet.ts). */
export const neutralised = (v: string): string => (FORMULA_START.test(v) ? `'${v}` : v);

/**
 * An XLSX with no formula anywhere (no <f> element in any sheet, no formula cell value), no text cell
 * starting like a formula, and each value present in some text cell (neutralised when it starts a cell).
 */
export async function expectXlsxSafe(bytes: Buffer, values: string[], where: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(bytes);
  for (const name of Object.keys(zip.files).filter((n) => /^xl\/worksheets\/.*\.xml$/.test(n))) {
    const xml = await zip.file(name)!.async("string");
    if (/<f[\s>]/.test(xml)) throw new Error(`${where}: ${name} holds a formula`);
    parseXml(xml, "");
  }
  const shared = zip.file("xl/sharedStrings.xml");
  if (shared) parseXml(await shared.async("string"), "");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  const texts: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => {
    const v = c.value;
    if (v !== null && typeof v === "object" && ("formula" in v || "sharedFormula" in v)) throw new Error(`${where}: formula cell ${ws.name}!${c.address}`);
    if (typeof v === "string") texts.push(v);
    else if (v !== null && typeof v === "object" && "richText" in v) texts.push(v.richText.map((r) => r.text).join(""));
  })));
  const bad = texts.filter((s) => FORMULA_START.test(s));
  if (bad.length) throw new Error(`${where}: cells start like a formula: ${bad.map((s) => JSON.stringify(s)).join(", ")}`);
  const missing = values.filter((v) => !texts.some((t) => t === neutralised(v) || (t.includes(v) && !t.startsWith(v))));
  if (missing.length) throw new Error(`${where}: not in any cell: ${missing.map((v) => JSON.stringify(v)).join(", ")}`);
  return texts;
}

/** RFC 4180 fields of a CSV (BOM dropped). */
export function parseCsv(text: string): string[][] {
  const s = text.replace(/^\uFEFF/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && s[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** How a value looks in a CSV field: neutralised at its start and after each ";" or tab. */
export const csvNeutralised = (v: string): string => neutralised(v).replace(/([;\t]\s*)(?=[=+\-@])/g, "$1'");

/**
 * A CSV that no spreadsheet reads a formula from, whether it splits on "," (the file's own separator)
 * or also on ";" and tabs (Excel where the list separator is ";", as with a decimal comma; LibreOffice's
 * import options): no field, nor any piece of a field after a ";" or tab, starts like a formula, and
 * fields holding ";" or a tab are quoted. Each value is in some field.
 */
export function expectCsvSafe(bytes: Buffer, values: string[], where: string): string[][] {
  const text = bytes.toString("utf8");
  const rows = parseCsv(text);
  const fields = rows.flat();
  const pieces = fields.flatMap((f) => f.split(/[;\t]/).map((p, i) => (i === 0 ? p : p.trimStart())));
  const bad = pieces.filter((f) => FORMULA_START.test(f));
  if (bad.length) throw new Error(`${where}: fields start like a formula: ${bad.map((s) => JSON.stringify(s)).join(", ")}`);
  const unquoted = text.replace(/"(?:[^"]|"")*"/g, "");
  if (/[;\t]/.test(unquoted)) throw new Error(`${where}: ";" or a tab outside a quoted field`);
  const missing = values.map(csvNeutralised).filter((v) => !fields.some((f) => f === v || (f.includes(v.replace(/^'/, "")) && !f.startsWith(v.replace(/^'/, "")))));
  if (missing.length) throw new Error(`${where}: not in any field: ${missing.map((v) => JSON.stringify(v)).join(", ")}`);
  return rows;
}

/**
 * A Content-Disposition header that cannot be split or point elsewhere: one line of printable ASCII,
 * a plain `filename` (quoted, or a bare RFC 7230 token as the content-disposition package writes a name
 * such as "baocao.pdf") without quotes, slashes or backslashes inside, and a percent-encoded
 * `filename*` that decodes to a name without path separators or control characters.
 */
export function expectSafeDisposition(header: string | undefined, where: string): string {
  if (!header) throw new Error(`${where}: no Content-Disposition`);
  expect(header).toMatch(/^(attachment|inline); filename=("[^"\\/]*"|[A-Za-z0-9!#$%&'*+.^_`|~-]+)(; filename\*=UTF-8''[A-Za-z0-9%!#$&+.^_`|~-]+)?$/);
  const star = /filename\*=UTF-8''(.+)$/.exec(header);
  const name = star ? decodeURIComponent(star[1]) : /filename="?([^";]*)"?/.exec(header)![1];
  expect(name).not.toMatch(/[\\/\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  return name;
}
