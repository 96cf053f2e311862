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
  hmtx: { metrics: { advance: number; bearing: number }[]; bearings?: number[] };
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

/** A face's subset as fontkit wrote it: its tables in order (head, hhea, loca, maxp, cvt, prep, glyf, hmtx, fpgm). */
interface SubsetTemplate {
  tables: { tag: string; bytes: Uint8Array }[];
  /** Misses still to be written both ways and compared (writeSubset's check). */
  checks: number;
  ok: boolean;
}
const templates = new WeakMap<Uint8Array, SubsetTemplate>();
let checkEvery = false;

/** Tests: compare every subset written here with fontkit's (throws on a difference) instead of the first few per face. */
export function checkEverySubset(on: boolean): void {
  checkEvery = on;
}

function tablesOf(font: Uint8Array): SubsetTemplate["tables"] {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  return Array.from({ length: view.getUint16(4) }, (_, i) => {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(...font.subarray(at, at + 4));
    return { tag, bytes: font.subarray(view.getUint32(at + 8), view.getUint32(at + 8) + view.getUint32(at + 12)) };
  });
}

/**
 * Writes a subset as fontkit's TTFSubset.encode does (the same glyph loop, then the tables), with the
 * tables that do not depend on the glyphs (cvt, prep, fpgm: the hinting programs, which fontkit encodes
 * value by value, ~1 ms a subset) copied from a subset fontkit wrote, and head, hhea and maxp from it with
 * their one field that does (loca format, number of metrics, number of glyphs). Null when this writer
 * does not apply (a long loca table), so that fontkit writes it.
 */
function writeSubset(s: TTFSubsetInternals & { glyphs: number[] }, template: SubsetTemplate): Buffer | null {
  s.glyf = [];
  s.offset = 0;
  s.loca = { offsets: [] };
  s.hmtx = { metrics: [] };
  for (let i = 0; i < s.glyphs.length; i++) s._addGlyph!(s.glyphs[i]);
  const offsets = [...s.loca.offsets, s.offset];
  if (s.offset > 0xffff) return null;
  const table = (tag: string, bytes: Uint8Array): Uint8Array => {
    const out = Buffer.from(bytes);
    if (tag === "head") out.writeInt16BE(0, 50); // indexToLocFormat: short
    if (tag === "hhea") out.writeUInt16BE(s.hmtx.metrics.length, 34);
    if (tag === "maxp") out.writeUInt16BE(s.glyf.length, 4);
    if (tag === "loca") {
      const loca = Buffer.alloc(2 * offsets.length); // short format: offsets / 2 (records are padded to 4 bytes)
      offsets.forEach((o, i) => loca.writeUInt16BE(o >>> 1, 2 * i));
      return loca;
    }
    if (tag === "glyf") return Buffer.concat(s.glyf);
    if (tag === "hmtx") {
      const h = Buffer.alloc(4 * s.hmtx.metrics.length);
      s.hmtx.metrics.forEach((m, i) => (h.writeUInt16BE(m.advance, 4 * i), h.writeInt16BE(m.bearing, 4 * i + 2)));
      return h;
    }
    return out;
  };
  const tables = template.tables.map((t) => ({ tag: t.tag, bytes: table(t.tag, t.bytes) }));
  const n = tables.length;
  const power = 2 ** Math.floor(Math.log2(n));
  const head = Buffer.alloc(12 + 16 * n);
  head.write("true", 0, "latin1");
  head.writeUInt16BE(n, 4);
  head.writeUInt16BE(power * 16, 6);
  head.writeUInt16BE(Math.log2(power), 8);
  head.writeUInt16BE(n * 16 - power * 16, 10);
  let offset = head.length;
  tables.forEach((t, i) => {
    head.write(t.tag, 12 + 16 * i, "latin1"); // checksum left 0, as fontkit does
    head.writeUInt32BE(offset, 12 + 16 * i + 8);
    head.writeUInt32BE(t.bytes.length, 12 + 16 * i + 12);
    offset += t.bytes.length;
  });
  return Buffer.concat([head, ...tables.map((t) => t.bytes)]);
}

/**
 * A subset's bytes: fontkit writes the first of each face (its tables become the template) and, for the
 * next few, both write and must agree, else fontkit writes all of that face's subsets from then on.
 */
function encodeSubset(bytes: Uint8Array, subset: Subset, encodeStream: () => unknown): Buffer {
  const s = subset as unknown as TTFSubsetInternals & { glyphs: number[] };
  const template = templates.get(bytes);
  if (!template) {
    const done = encodeNow(subset, encodeStream);
    if (typeof s._addGlyph === "function" && !s.font._variationProcessor) templates.set(bytes, { tables: tablesOf(done), checks: 3, ok: true });
    return done;
  }
  if (!template.ok) return encodeNow(subset, encodeStream);
  const mine = writeSubset(s, template);
  if (!mine) return encodeNow(subset, encodeStream);
  if (template.checks > 0 || checkEvery) {
    template.checks--;
    const theirs = encodeNow(subset, encodeStream);
    if (!theirs.equals(mine)) {
      template.ok = false;
      if (checkEvery) throw new Error("font subset differs from fontkit's");
      return theirs;
    }
  }
  return mine;
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
    if (!done) encodedSubsets.set(key, (done = encodeSubset(buffer, subset, encodeStream)));
    return Readable.from([done]);
  };
  return subset;
}
