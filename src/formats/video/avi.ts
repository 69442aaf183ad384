/**
 * AVI (RIFF) frame index, per Microsoft's AVI RIFF reference and the OpenDML AVI File Format Extensions 1.02:
 * stream headers (`strh` scale/rate/start, `strf` BITMAPINFOHEADER), the OpenDML super index (`indx` ->
 * `ix##` standard or field index chunks, which also cover the `AVIX` extension RIFFs of files over 1 GB),
 * else the legacy `idx1`, else a walk over the `movi` list. AVI frames have no timestamps of their own:
 * the k-th index entry is shown at (dwStart + k) * dwScale / dwRate. Entries of length 0 are frames the capture
 * program dropped (ffmpeg and players skip them), so they are not frames but leave a gap in the timestamps.
 */
import { SourceDataError } from "../../errors.js";
import { type ByteSource, fourcc, withSource } from "./source.js";
import type { VideoIndex } from "./types.js";

interface Chunk {
  readonly id: string;
  /** For LIST/RIFF chunks, the list type; otherwise "". */
  readonly listType: string;
  readonly start: number;
  readonly size: number;
}

/** Chunks between `start` and `end` (RIFF pads chunks to an even size). */
function* chunks(source: ByteSource, start: number, end: number): Generator<Chunk> {
  let offset = start;
  while (offset + 8 <= end) {
    const header = source.read(offset, 12);
    const id = fourcc(header);
    const size = header.readUInt32LE(4);
    const isList = (id === "LIST" || id === "RIFF") && header.length === 12;
    yield {
      id,
      listType: isList ? fourcc(header, 8) : "",
      start: offset + (isList ? 12 : 8),
      size: isList ? size - 4 : size,
    };
    offset += 8 + size + (size & 1);
  }
}

function find(source: ByteSource, parent: Chunk, id: string, listType = ""): Chunk | undefined {
  for (const chunk of chunks(source, parent.start, parent.start + parent.size)) {
    if (chunk.id === id && chunk.listType === listType) return chunk;
  }
  return undefined;
}

function data(source: ByteSource, chunk: Chunk): Buffer {
  return source.readExactly(chunk.start, chunk.size, `the '${chunk.id}' chunk`);
}

interface VideoStream {
  readonly number: number;
  readonly codec: string;
  readonly scale: number;
  readonly rate: number;
  readonly start: number;
  readonly width: number;
  readonly height: number;
  readonly superIndex: Buffer | undefined;
}

function videoStream(source: ByteSource, hdrl: Chunk): VideoStream {
  let number = 0;
  for (const strl of chunks(source, hdrl.start, hdrl.start + hdrl.size)) {
    if (strl.listType !== "strl") continue;
    const strh = data(source, find(source, strl, "strh")!);
    if (fourcc(strh) === "vids") {
      const strf = data(source, find(source, strl, "strf")!);
      const indx = find(source, strl, "indx");
      return {
        number,
        codec: fourcc(strf, 16).replace(/\0/g, "") || fourcc(strh, 4),
        scale: strh.readUInt32LE(20),
        rate: strh.readUInt32LE(24),
        start: strh.readUInt32LE(28),
        width: strf.readInt32LE(4),
        height: Math.abs(strf.readInt32LE(8)),
        superIndex: indx && data(source, indx),
      };
    }
    number++;
  }
  throw new SourceDataError(source.path, "the AVI file has no video stream (no 'vids' stream header)");
}

/** Whether a chunk id ("00dc", "01db", ...) holds a frame of stream `number` (palette changes "##pc" do not). */
function isFrameOf(id: string, number: number): boolean {
  return Number.parseInt(id.slice(0, 2), 10) === number && (id.endsWith("dc") || id.endsWith("db"));
}

/** Frame sizes from the OpenDML index: super index entries point at standard (or field) index chunks. */
function openDmlSizes(source: ByteSource, superIndex: Buffer): number[] {
  const longsPerEntry = superIndex.readUInt16LE(0);
  const indexType = superIndex[3];
  const entries = superIndex.readUInt32LE(4);
  const standardIndexes: Buffer[] = [];
  if (indexType === 0) {
    for (let i = 0; i < entries; i++) {
      const at = 24 + i * 16;
      const offset = Number(superIndex.readBigUInt64LE(at));
      const size = superIndex.readUInt32LE(at + 8);
      // the entry covers the whole 'ix##' chunk, header included
      standardIndexes.push(source.readExactly(offset + 8, size - 8, "an OpenDML standard index"));
    }
  } else {
    standardIndexes.push(superIndex);
  }
  const sizes: number[] = [];
  for (const ix of standardIndexes) {
    const perEntry = ix.readUInt16LE(0) * 4 || longsPerEntry * 4;
    const count = ix.readUInt32LE(4);
    for (let i = 0; i < count; i++) sizes.push(ix.readUInt32LE(24 + i * perEntry + 4) & 0x7fffffff);
  }
  return sizes;
}

function idx1Sizes(source: ByteSource, idx1: Chunk, stream: number): number[] {
  const sizes: number[] = [];
  const bytes = data(source, idx1);
  for (let at = 0; at + 16 <= bytes.length; at += 16) {
    if (isFrameOf(fourcc(bytes, at), stream)) sizes.push(bytes.readUInt32LE(at + 12));
  }
  return sizes;
}

/** Without an index: every frame chunk of every `movi` list (nested `rec ` lists included). */
function scannedSizes(source: ByteSource, movies: readonly Chunk[], stream: number): number[] {
  const sizes: number[] = [];
  const walk = (list: Chunk) => {
    for (const chunk of chunks(source, list.start, list.start + list.size)) {
      if (chunk.listType === "rec ") walk(chunk);
      else if (isFrameOf(chunk.id, stream)) sizes.push(chunk.size);
    }
  };
  movies.forEach(walk);
  return sizes;
}

/**
 * Frame count, rate and size of the first video stream of an AVI file, from its headers and index.
 *
 * @example
 * ```ts
 * const index = readAviIndex("BehavCam_2/0.avi");
 * console.log(index.frameCount, index.nominalRate);
 * ```
 */
export function readAviIndex(filePath: string): VideoIndex {
  return withSource(filePath, (source) => {
    const riffs = [...chunks(source, 0, source.size)].filter((c) => c.id === "RIFF");
    const avi = riffs[0];
    if (avi?.listType !== "AVI ")
      throw new SourceDataError(filePath, "not an AVI file (no 'RIFF AVI ' header)");
    const hdrl = find(source, avi, "LIST", "hdrl");
    if (!hdrl) throw new SourceDataError(filePath, "the AVI file has no header list ('hdrl')");
    const stream = videoStream(source, hdrl);
    if (stream.scale === 0 || stream.rate === 0) {
      throw new SourceDataError(
        filePath,
        `the video stream header gives no frame rate (scale ${stream.scale}, rate ${stream.rate})`,
      );
    }
    const idx1 = find(source, avi, "idx1");
    const movies = riffs.flatMap((riff) => {
      const movi = find(source, riff, "LIST", "movi");
      return movi ? [movi] : [];
    });
    const sizes = stream.superIndex
      ? openDmlSizes(source, stream.superIndex)
      : idx1
        ? idx1Sizes(source, idx1, stream.number)
        : scannedSizes(source, movies, stream.number);
    const frameDuration = stream.scale / stream.rate;
    const slots = sizes.flatMap((size, k) => (size > 0 ? [stream.start + k] : []));
    const timestamps = Float64Array.from(slots, (slot) => slot * frameDuration);
    return {
      filePath,
      container: "avi",
      codec: stream.codec,
      width: stream.width,
      height: stream.height,
      frameCount: timestamps.length,
      timestamps,
      clockRate: stream.rate / stream.scale,
      nominalRate: stream.rate / stream.scale,
    };
  });
}
