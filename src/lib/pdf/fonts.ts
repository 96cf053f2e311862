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
import { Readable } from "node:stream";
import fontkit, { type Font, type GlyphRun, type Subset, type TypeFeatures } from "@pdf-lib/fontkit";
import { LRUCache } from "lru-cache";
import type { PDFDocument, PDFFont } from "pdf-lib";

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

/** The parts of fontkit's TTFSubset that the padding patches: internals, not in the published types. */
interface TTFSubsetInternals {
  _addGlyph?: (this: TTFSubsetInternals, gid: number) => number;
  glyf: Uint8Array[];
  offset: number;
}

/** Pad each glyph record of a fontkit TTFSubset to 4 bytes (see the file comment). */
function padGlyphRecords(subset: Subset): Subset {
  const internals = subset as unknown as TTFSubsetInternals;
  const addGlyph = internals._addGlyph;
  if (typeof addGlyph !== "function") return subset; // CFF subset: not affected
  internals._addGlyph = function (this: TTFSubsetInternals, gid: number): number {
    const index = addGlyph.call(this, gid);
    const record = this.glyf[index];
    const pad = (4 - (record.length % 4)) % 4;
    if (pad) {
      // fontkit's stream accepts only its own bundled Buffer class: allocate through it.
      const BufferClass = record.constructor as unknown as { alloc(size: number): Uint8Array };
      const padded = BufferClass.alloc(record.length + pad);
      padded.set(record, 0);
      this.glyf[index] = padded;
      this.offset += pad;
    }
    return index;
  };
  return subset;
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

/**
 * Encoded subsets by face and glyph list. Writing a subset re-encodes the face's hinting tables value by
 * value (~2 ms a face); a one-certificate PDF has four, two of them (the italic caption, the unused bold
 * italic) the same on every certificate. The same font bytes and glyph list always encode to the same bytes.
 */
const faceIds = new WeakMap<Uint8Array, number>();
let lastFaceId = 0;
const encodedSubsets = new LRUCache<string, Uint8Array>({ max: 64 });

function reuseEncoded(buffer: Uint8Array, subset: Subset): Subset {
  if (!faceIds.has(buffer)) faceIds.set(buffer, ++lastFaceId);
  const encodeStream = subset.encodeStream.bind(subset);
  subset.encodeStream = () => {
    // fontkit's Subset keeps its glyph ids in `glyphs` (internal, not in the published types).
    const { glyphs } = subset as unknown as { glyphs: number[] };
    const key = `${faceIds.get(buffer)}:${glyphs.join(",")}`;
    const done = encodedSubsets.get(key);
    if (done) return Readable.from([done]);
    const stream = encodeStream();
    const parts: Uint8Array[] = [];
    stream.on("data", (part: Uint8Array) => parts.push(part));
    stream.on("end", () => encodedSubsets.set(key, Buffer.concat(parts)));
    return stream;
  };
  return subset;
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
    font.createSubset = () => reuseEncoded(buffer, padGlyphRecords(createSubset()));
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
