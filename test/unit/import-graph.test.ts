/**
 * The layers hold: arrows point down (features → lib → db), and a feature another one uses is reached
 * through its index.ts only. Reads every import of every file under src/ (static, dynamic and
 * re-exports, type-only ones included) with TypeScript's own pre-processor.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const SRC = path.resolve(__dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Resolves a relative specifier to a file under src/ (or its index.ts); null for packages. */
function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${rel(from)}: cannot resolve import "${spec}"`);
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join("/");

/** "features/<name>/…" → name; anything else → null. */
const featureOf = (file: string) => /^features\/([^/]+)\//.exec(rel(file))?.[1] ?? null;

interface Edge { from: string; to: string }

function importEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => {
    const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    return info.importedFiles
      .map((f) => resolveLocal(file, f.fileName))
      .filter((to): to is string => to !== null)
      .map((to) => ({ from: rel(file), to: rel(to) }));
  });
}

/** What breaks the layering; an empty list means the graph is sound. */
function violations(edges: Edge[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const toFeature = featureOf(path.join(SRC, to));
    if (!toFeature) continue;
    if (from.startsWith("db/") || from.startsWith("lib/")) {
      out.push(`${from} → ${to}: db/ and lib/ must not import features`);
      continue;
    }
    const fromFeature = featureOf(path.join(SRC, from));
    if (fromFeature && fromFeature !== toFeature && to !== `features/${toFeature}/index.ts`) {
      out.push(`${from} → ${to}: another feature is reached through features/${toFeature}/index.ts only`);
    }
  }
  return out;
}

describe("import graph of src/", () => {
  const edges = importEdges();

  it("reads the imports (the parser sees the app's own wiring)", () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual({ from: "app.ts", to: "messages.ts" });
  });

  it("db/ and lib/ import nothing from features/, and features meet each other only through index.ts", () => {
    expect(violations(edges)).toEqual([]);
  });

  it("a feature's index.ts only re-exports (it is a public face, not a place for code)", () => {
    const faces = sourceFiles(path.join(SRC, "features")).filter((f) => path.basename(f) === "index.ts");
    for (const face of faces) {
      const code = fs.readFileSync(face, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      const statements = code.split(";").map((s) => s.trim()).filter(Boolean);
      for (const s of statements) expect(`${rel(face)}: ${s}`).toMatch(/^[^:]+: export (type )?(\*|\{)[\s\S]* from "[^"]+"$/);
    }
  });

  it("catches the breaches it is meant to catch", () => {
    expect(violations([
      { from: "lib/messages.ts", to: "features/home/home.messages.ts" },
      { from: "db/schema/index.ts", to: "features/reports/reports.service.ts" },
      { from: "features/courses/courses.routes.ts", to: "features/settings/settings.service.ts" },
      { from: "features/courses/courses.routes.ts", to: "features/settings/index.ts" },
      { from: "features/courses/courses.routes.ts", to: "features/courses/materials.service.ts" },
      { from: "app.ts", to: "features/courses/courses.routes.ts" },
    ])).toHaveLength(3);
  });
});
