/**
 * Writing font subsets, for fonts.ts: each glyph record padded to 4 bytes (the loca fix described there),
 * glyph records read once per process, and encoded subsets kept by face and glyph list. Every byte written
 * is the one @pdf-lib/fontkit 1.1.1 writes with the padding (test/unit/pdf-reuse.test.ts).
 */
import { Readable } from "node:stream";
import type { Font, Subset } from "@pdf-lib/fontkit";
import { LRUCache } from "lru-cache";

/** The parts of fontkit's TTFSubset that writing a subset touches: internals, not in the published types. */
interface TTFSubsetInternals {
  _addGlyph?: (this: TTFSubsetInternals, gid: number) => number;
  includeGlyph(gid: number): number;
  font: Font & { _variationProcessor?: unknown };
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: { advance: number; bearing: number }[] };
  offset: number;
}

/** What a subset copies of one glyph: its record, the components of a composite (id and where it is written), its metrics. */
interface GlyphRecord {
  record: Uint8Array;
  components: { glyphID: number; pos: number }[] | null;
  advance: number;
  bearing: number;
}

/** Glyph records by font bytes and glyph id: a face's glyphs are read (decoded) once per process. */
const glyphRecords = new WeakMap<Uint8Array, Map<number, GlyphRecord>>();

/**
 * Writes each glyph record of a fontkit TTFSubset padded to 4 bytes (see the file comment), from records
 * read once per process: fontkit decodes every glyph again (all its points, ~10 µs) for each subset only to
 * find a composite's components. The record, the components' new ids and the metrics written are exactly
 * fontkit's (its _addGlyph, @pdf-lib/fontkit 1.1.1, did the first read).
 */
export function padGlyphRecords(subset: Subset, bytes: Uint8Array): Subset {
  const internals = subset as unknown as TTFSubsetInternals;
  const addGlyph = internals._addGlyph;
  if (typeof addGlyph !== "function" || internals.font._variationProcessor) return subset; // CFF or variable: not ours
  let records = glyphRecords.get(bytes);
  if (!records) glyphRecords.set(bytes, (records = new Map<number, GlyphRecord>()));
  const known = records;
  internals._addGlyph = function (this: TTFSubsetInternals, gid: number): number {
    let glyph = known.get(gid);
    if (!glyph) {
      // fontkit's own read, on a subset of nothing: its record, components and metrics.
      const glyphs = { ...this, glyf: [], loca: { offsets: [] }, hmtx: { metrics: [] }, offset: 0, includeGlyph: (id: number) => id } as TTFSubsetInternals;
      addGlyph.call(glyphs, gid);
      const decoded = (this.font.getGlyph(gid) as unknown as { _decode(): { numberOfContours: number; components?: { glyphID: number; pos: number }[] } | null })._decode();
      const components = decoded && decoded.numberOfContours < 0 ? decoded.components!.map((c) => ({ glyphID: c.glyphID, pos: c.pos })) : null;
      glyph = { record: glyphs.glyf[0], components, ...glyphs.hmtx.metrics[0] };
      known.set(gid, glyph);
    }
    const { record } = glyph;
    const pad = (4 - (record.length % 4)) % 4;
    let out = record;
    if (pad || glyph.components) {
      // fontkit's stream accepts only its own bundled Buffer class: allocate through it.
      const BufferClass = record.constructor as unknown as { alloc(size: number): Uint8Array & { writeUInt16BE(v: number, at: number): number } };
      const copy = BufferClass.alloc(record.length + pad);
      copy.set(record, 0);
      for (const c of glyph.components ?? []) copy.writeUInt16BE(this.includeGlyph(c.glyphID), c.pos);
      out = copy;
    }
    this.glyf.push(out);
    this.loca.offsets.push(this.offset);
    this.hmtx.metrics.push({ advance: glyph.advance, bearing: glyph.bearing });
    this.offset += out.length;
    return this.glyf.length - 1;
  };
  return subset;
}

/**
 * Encoded subsets by face and glyph list. Writing a subset re-encodes the face's hinting tables value by
 * value (~2 ms a face); a one-certificate PDF has four, two of them (the italic caption, the unused bold
 * italic) the same on every certificate. The same font bytes and glyph list always encode to the same bytes.
 */
const faceIds = new WeakMap<Uint8Array, number>();
let lastFaceId = 0;
const encodedSubsets = new LRUCache<string, Uint8Array>({ max: 64 });

/** fontkit's (bundled restructure's) EncodeStream class, found once from a stream it makes. */
type EncodeStream = { push(chunk: Uint8Array | null): boolean; end(): void };
let EncodeStreamClass: (new () => EncodeStream) | undefined;

/**
 * The bytes of a subset, written synchronously. fontkit's encodeStream writes on a later tick of its
 * bundled `process.nextTick` (a setTimeout: ≥ 1 ms of waiting for every subset written) and hands the
 * parts over through a stream; here the same encode writes into the same kind of stream, whose parts
 * are collected as pushed.
 */
function encodeNow(subset: Subset, encodeStream: () => unknown): Buffer {
  const internals = subset as unknown as { encode(stream: EncodeStream): void };
  if (!EncodeStreamClass) {
    // A stream made for a subset that writes nothing: its class is all that is wanted.
    const probe = Object.assign(Object.create(subset) as object, { encode: () => undefined });
    EncodeStreamClass = (encodeStream.call(probe) as object).constructor as new () => EncodeStream;
  }
  const stream = new EncodeStreamClass();
  const parts: Uint8Array[] = [];
  stream.push = (chunk) => {
    if (chunk) parts.push(chunk);
    return true;
  };
  internals.encode(stream);
  stream.end();
  return Buffer.concat(parts);
}

export function reuseEncoded(buffer: Uint8Array, subset: Subset): Subset {
  if (!faceIds.has(buffer)) faceIds.set(buffer, ++lastFaceId);
  // fontkit's own, called once on a probe to find its stream class (encodeNow).
  const encodeStream = (subset as unknown as { encodeStream(this: void): unknown }).encodeStream;
  subset.encodeStream = () => {
    // fontkit's Subset keeps its glyph ids in `glyphs` (internal, not in the published types).
    const { glyphs } = subset as unknown as { glyphs: number[] };
    const key = `${faceIds.get(buffer)}:${glyphs.join(",")}`;
    let done = encodedSubsets.get(key);
    if (!done) encodedSubsets.set(key, (done = encodeNow(subset, encodeStream)));
    return Readable.from([done]);
  };
  return subset;
}

