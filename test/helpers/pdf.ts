/** PDF checks need poppler-utils (pdftotext, pdftoppm): tests using them say why they skip without it. */
import { execFileSync } from "node:child_process";
import type request from "supertest";

function has(tool: string): boolean {
  try {
    execFileSync(tool, ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const POPPLER = has("pdftotext") && has("pdftoppm");

/** `test` when poppler-utils are installed, else `test.skip` with a printed reason. */
export function popplerTest(file: string): typeof test {
  if (!POPPLER) console.warn(`${file}: poppler-utils (pdftotext, pdftoppm) missing: PDF text checks and page renders skipped`);
  return POPPLER ? test : test.skip;
}

/** Makes supertest collect a binary body (PDF, XLSX, DOCX) into a Buffer. */
export const binary = (req: request.Test) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => cb(null, Buffer.concat(chunks)));
  });
