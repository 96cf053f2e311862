/**
 * Tinos (metric twin of Times New Roman) for Vietnamese PDFs.
 *
 * Subsetting: `@pdf-lib/fontkit` 1.1.1 writes the subset's `loca` table in the short format
 * (offsets / 2) whenever the subset is small, but copies glyph records of odd byte length unpadded.
 * Every glyph after the first odd-length one then points one byte off: pdftotext still extracts the
 * text (ToUnicode is fine) while most glyphs print blank. Upstream fontkit fixed it in 1.8.0
 * (foliojs/fontkit#191); the pdf-lib fork never got the fix. We wrap fontkit so each subset pads every
 * glyph record to a 4-byte boundary (what the TrueType spec recommends), which makes both loca formats
 * correct. Pages rendered with poppler are pixel-identical to full embedding (see the unit tests).
 *
 * Size: whole faces cost ~290 KB each compressed (1.2 MB for four); subsets of a certificate batch
 * cost ~10 KB per face used, embedded once per document however many pages it has.
 */
import fs from "node:fs";
import path from "node:path";
import fontkit, { type Font, type GlyphRun, type TypeFeatures } from "@pdf-lib/fontkit";
import type { PDFDocument, PDFFont } from "pdf-lib";
import { padGlyphRecords, reuseEncoded } from "./font-subsets";

type Fontkit = Parameters<PDFDocument["registerFontkit"]>[0];

/** The four Tinos faces. */
export type TinosFace = "regular" | "bold" | "italic" | "boldItalic";

/** The embedded faces of one document. */
export interface TinosFonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
  boldItalic: PDFFont;
}

/** Options for {@link embedTinos}. */
export interface EmbedTinosOptions {
  /**
   * Embed only the glyphs the document uses (default true; uses the loca fix above).
   * `false` embeds the whole TTF of each face (~290 KB each after compression).
   */
  subset?: boolean;
}

const FILES: Record<TinosFace, string> = {
  regular: "400Regular/Tinos_400Regular.ttf",
  bold: "700Bold/Tinos_700Bold.ttf",
  italic: "400Regular_Italic/Tinos_400Regular_Italic.ttf",
  boldItalic: "700Bold_Italic/Tinos_700Bold_Italic.ttf",
};

/** Fixed subset tags (PDF 9.6.4 wants "ABCDEF+Name"); fixed so identical input gives identical bytes. */
const NAMES: Record<TinosFace, string> = {
  regular: "TPHNAA+Tinos-Regular",
  bold: "TPHNAB+Tinos-Bold",
  italic: "TPHNAC+Tinos-Italic",
  boldItalic: "TPHNAD+Tinos-BoldItalic",
};

/** Same face names without the subset tag, for full embedding. */
const FULL_NAMES: Record<TinosFace, string> = {
  regular: "Tinos-Regular",
  bold: "Tinos-Bold",
  italic: "Tinos-Italic",
  boldItalic: "Tinos-BoldItalic",
};

const FACES: TinosFace[] = ["regular", "bold", "italic", "boldItalic"];
const byteCache = new Map<TinosFace, Uint8Array>();

/** Directory of the `@expo-google-fonts/tinos` package. */
function tinosDir(): string {
  return path.dirname(require.resolve("@expo-google-fonts/tinos/package.json"));
}

/** Bytes of one Tinos TTF, read from the npm package once per process. */
export function tinosBytes(face: TinosFace): Uint8Array {
  let bytes = byteCache.get(face);
  if (!bytes) {
    bytes = new Uint8Array(fs.readFileSync(path.join(tinosDir(), FILES[face])));
    byteCache.set(face, bytes);
  }
  return bytes;
}

/** OpenType features that only reposition glyphs or compose marks (no substitution on NFC text). */
const HARMLESS = new Set<keyof TypeFeatures>(["ccmp", "kern", "mark", "mkmk"]);
const MARK = /\p{M}/u;

/**
 * pdf-lib calls `font.layout()` (full OpenType shaping) for every string it draws or measures, and
 * uses only the resulting glyph ids. Tinos has just `ccmp` and `kern`: on NFC text without combining
 * marks shaping returns exactly the cmap glyphs, at ~100× the cost. Take the cmap path then; fall back
 * to shaping for marks, explicit features or fonts with substitutions (ligatures etc.).
 */
function useCmapFastPath(font: Font): void {
  if (!font.availableFeatures.every((f) => HARMLESS.has(f))) return;
  const shape = font.layout.bind(font);
  // pdf-lib reads only the run's glyphs, so the cmap path returns just those.
  font.layout = (text, features) =>
    features || MARK.test(text) ? shape(text, features) : ({ glyphs: font.glyphsForString(text) } as GlyphRun);
}

/** The parts of a fontkit font that parses share: internals, not in the published types. */
interface FontInternals {
  stream: { pos: number };
  _tables: Record<string, unknown>;
}
type SharedFont = Font & FontInternals;

/** The first parse of each TTF (by its bytes), whose stream and decoded tables later parses share. */
const parsed = new WeakMap<Uint8Array, SharedFont>();

/**
 * A fontkit font over `buffer`, sharing the stream and decoded tables of the first parse of the same
 * bytes. fontkit copies the whole TTF byte by byte and decodes every table (cmap, hmtx, loca, …) again
 * for each parse: ~25 ms for the four faces, most of the cost of a one-certificate PDF. Tables are
 * read-only once decoded (a subset clones head, hhea and maxp before changing them) and every read of
 * the shared stream sets its position first, so sharing them changes no output byte. Glyph objects
 * stay per font (see safeFontkit).
 */
function parse(buffer: Uint8Array, postscriptName?: string): Font {
  const first = postscriptName ? undefined : parsed.get(buffer);
  if (!first) {
    const font = fontkit.create(buffer, postscriptName) as Font & Partial<FontInternals>;
    if (!postscriptName && font._tables && font.stream) parsed.set(buffer, font as SharedFont);
    return font;
  }
  first.stream.pos = 0; // the table directory is read from the start
  const FontClass = first.constructor as new (stream: FontInternals["stream"]) => SharedFont;
  const font = new FontClass(first.stream);
  font._tables = first._tables;
  return font;
}

/** A glyph's metrics as fontkit computes them (advance from hmtx, bearing, vertical metrics from the box). */
type GlyphMetrics = { advanceWidth: number; advanceHeight: number; leftBearing: number; topBearing: number };
const glyphMetrics = new WeakMap<Uint8Array, Map<number, GlyphMetrics>>();

/**
 * Glyph objects stay per document (see safeFontkit), but their metrics are the same in every one: a new
 * glyph object gets those computed for the same glyph of the same bytes before (fontkit computes them once
 * per glyph object, reading the glyph's box: ~1 µs a glyph, on ~150 glyphs a certificate).
 */
function shareMetrics(font: Font, bytes: Uint8Array): void {
  if ((font as Font & { _variationProcessor?: unknown })._variationProcessor) return;
  let known = glyphMetrics.get(bytes);
  if (!known) glyphMetrics.set(bytes, (known = new Map<number, GlyphMetrics>()));
  const metrics = known;
  type MetricsGlyph = { id: number; _metrics?: GlyphMetrics; _getMetrics(): GlyphMetrics };
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (gid: number, codePoints?: number[]) => {
    const glyph = getGlyph(gid, codePoints) as unknown as MetricsGlyph | null;
    if (glyph && !glyph._metrics) {
      const m = metrics.get(glyph.id);
      if (m) glyph._metrics = m;
      else metrics.set(glyph.id, glyph._getMetrics());
    }
    return glyph as unknown as ReturnType<Font["getGlyph"]>;
  };
}

/**
 * fontkit wrapper for `doc.registerFontkit`: fixed subsets and the cmap fast path. Each document gets
 * its own font object on purpose: fontkit caches glyph objects with the code points of their first use,
 * and a glyph first met as a component of a composite (e.g. "Y" inside "Ỳ") while a subset is written
 * has none; a later document sharing those glyph objects would then lose that glyph's ToUnicode entry
 * (pdftotext prints a gap). Only the raw bytes and decoded tables are shared (see parse).
 */
export const safeFontkit: Fontkit = {
  create(buffer: Uint8Array, postscriptName?: string) {
    const font = parse(buffer, postscriptName);
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => reuseEncoded(buffer, padGlyphRecords(createSubset(), buffer));
    shareMetrics(font, buffer);
    useCmapFastPath(font);
    return font;
  },
};

/**
 * Embed the four Tinos faces into `doc` (registers fontkit). Call once per document: a merged
 * multi-page PDF then carries each face once. With subsetting (default) a face the document never
 * uses costs about 3 KB, so there is no need to choose faces in advance.
 */
export async function embedTinos(doc: PDFDocument, options: EmbedTinosOptions = {}): Promise<TinosFonts> {
  const subset = options.subset ?? true;
  doc.registerFontkit(safeFontkit);
  const fonts = {} as TinosFonts;
  for (const face of FACES) {
    fonts[face] = await doc.embedFont(tinosBytes(face), {
      subset,
      customName: subset ? NAMES[face] : FULL_NAMES[face],
    });
  }
  return fonts;
}
