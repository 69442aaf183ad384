/**
 * MP4 / QuickTime (.mp4, .mov, .m4v) frame timing from the sample tables of the first video track, per
 * ISO/IEC 14496-12 (ISO base media file format): decode times from `stts`, composition offsets from `ctts`,
 * the start shift from the edit list `elst`; fragmented files add `moof/traf` runs (`tfhd`, `tfdt`, `trun`)
 * with defaults from `mvex/trex`. Only box headers and tables are read.
 */
import { SourceDataError } from "../../errors.js";
import { type ByteSource, fourcc, withSource } from "./source.js";
import type { VideoIndex } from "./types.js";

interface Box {
  readonly type: string;
  /** Offset of the payload (after the header). */
  readonly start: number;
  /** Offset just past the box. */
  readonly end: number;
}

/** Boxes between `start` and `end`, read header by header. */
function* boxes(source: ByteSource, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    const header = source.readExactly(offset, 8, "a box header");
    let size = header.readUInt32BE(0);
    const type = fourcc(header, 4);
    let headerSize = 8;
    if (size === 1) {
      size = Number(source.readExactly(offset + 8, 8, "a 64-bit box size").readBigUInt64BE(0));
      headerSize = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < headerSize || offset + size > end) {
      throw new SourceDataError(
        source.path,
        `box '${type}' at offset ${offset} has an impossible size ${size}`,
      );
    }
    yield { type, start: offset + headerSize, end: offset + size };
    offset += size;
  }
}

function child(source: ByteSource, parent: Box, type: string): Box | undefined {
  for (const box of boxes(source, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

function payload(source: ByteSource, box: Box): Buffer {
  return source.readExactly(box.start, box.end - box.start, `the '${box.type}' box`);
}

interface TrackTables {
  timescale: number;
  codec: string;
  width: number;
  height: number;
  /** Decode duration of each sample, in media ticks. */
  durations: number[];
  /** Composition offset of each sample (pts - dts), in media ticks. */
  offsets: number[];
  /** Media time at which presentation starts, minus any initial empty edit (media ticks). */
  presentationShift: number;
  trackId: number;
}

function readStts(data: Buffer): number[] {
  const count = data.readUInt32BE(4);
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = data.readUInt32BE(8 + 8 * i);
    const delta = data.readUInt32BE(12 + 8 * i);
    for (let k = 0; k < n; k++) durations.push(delta);
  }
  return durations;
}

function readCtts(data: Buffer): number[] {
  const signed = data[0] === 1;
  const count = data.readUInt32BE(4);
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = data.readUInt32BE(8 + 8 * i);
    const offset = signed ? data.readInt32BE(12 + 8 * i) : data.readUInt32BE(12 + 8 * i);
    for (let k = 0; k < n; k++) offsets.push(offset);
  }
  return offsets;
}

/** Shift of the presentation timeline from the edit list: empty edits delay, the first edit's media time starts. */
function readElst(data: Buffer, movieTimescale: number, mediaTimescale: number): number {
  const version = data[0];
  const count = data.readUInt32BE(4);
  const entrySize = version === 1 ? 20 : 12;
  let delay = 0;
  for (let i = 0; i < count; i++) {
    const at = 8 + i * entrySize;
    const duration = version === 1 ? Number(data.readBigUInt64BE(at)) : data.readUInt32BE(at);
    const mediaTime = version === 1 ? Number(data.readBigInt64BE(at + 8)) : data.readInt32BE(at + 4);
    if (mediaTime === -1) {
      delay += (duration * mediaTimescale) / movieTimescale;
      continue;
    }
    return mediaTime - delay;
  }
  return -delay;
}

function readTrack(source: ByteSource, trak: Box, movieTimescale: number): TrackTables | undefined {
  const mdia = child(source, trak, "mdia");
  const hdlr = mdia && child(source, mdia, "hdlr");
  if (!mdia || !hdlr || fourcc(payload(source, hdlr), 8) !== "vide") return undefined;
  const mdhd = payload(source, child(source, mdia, "mdhd")!);
  const timescale = mdhd[0] === 1 ? mdhd.readUInt32BE(20) : mdhd.readUInt32BE(12);
  const tkhd = payload(source, child(source, trak, "tkhd")!);
  const trackId = tkhd[0] === 1 ? tkhd.readUInt32BE(20) : tkhd.readUInt32BE(12);
  const minf = child(source, mdia, "minf");
  const table = minf && child(source, minf, "stbl");
  if (!table) throw new SourceDataError(source.path, "the video track has no sample table (stbl)");
  const stsd = payload(source, child(source, table, "stsd")!);
  // first sample entry: size(4) format(4) reserved(6) data_reference_index(2) predefined/reserved(16) width height
  const codec = fourcc(stsd, 12);
  const width = stsd.readUInt16BE(40);
  const height = stsd.readUInt16BE(42);
  const stts = child(source, table, "stts");
  const ctts = child(source, table, "ctts");
  const durations = stts ? readStts(payload(source, stts)) : [];
  const offsets = ctts ? readCtts(payload(source, ctts)) : [];
  const edts = child(source, trak, "edts");
  const elst = edts && child(source, edts, "elst");
  const presentationShift = elst ? readElst(payload(source, elst), movieTimescale, timescale) : 0;
  return { timescale, codec, width, height, durations, offsets, presentationShift, trackId };
}

interface Fragments {
  durations: number[];
  offsets: number[];
  /** Decode time (ticks) of a sample (by its index among the fragment samples), when `tfdt` gives it. */
  decodeStarts: Map<number, number>;
}

/** Samples of the track in the movie fragments (`moof`), in file order. */
function readFragments(source: ByteSource, track: TrackTables, moov: Box): Fragments {
  let defaultDuration = 0;
  const mvex = child(source, moov, "mvex");
  if (mvex) {
    for (const trex of boxes(source, mvex.start, mvex.end)) {
      if (trex.type !== "trex") continue;
      const data = payload(source, trex);
      if (data.readUInt32BE(4) === track.trackId) defaultDuration = data.readUInt32BE(12);
    }
  }
  const result: Fragments = { durations: [], offsets: [], decodeStarts: new Map() };
  for (const moof of boxes(source, 0, source.size)) {
    if (moof.type !== "moof") continue;
    for (const traf of boxes(source, moof.start, moof.end)) {
      if (traf.type !== "traf") continue;
      let duration = defaultDuration;
      let mine = false;
      for (const box of boxes(source, traf.start, traf.end)) {
        const data = payload(source, box);
        const flags = data.readUIntBE(1, 3);
        if (box.type === "tfhd") {
          mine = data.readUInt32BE(4) === track.trackId;
          let at = 8;
          if (flags & 0x1) at += 8; // base data offset
          if (flags & 0x2) at += 4; // sample description index
          if (flags & 0x8) duration = data.readUInt32BE(at);
        } else if (mine && box.type === "tfdt") {
          const start = data[0] === 1 ? Number(data.readBigUInt64BE(4)) : data.readUInt32BE(4);
          result.decodeStarts.set(result.durations.length, start);
        } else if (mine && box.type === "trun") {
          const count = data.readUInt32BE(4);
          let at = 8;
          if (flags & 0x1) at += 4; // data offset
          if (flags & 0x4) at += 4; // first sample flags
          for (let i = 0; i < count; i++) {
            let sampleDuration = duration;
            let offset = 0;
            if (flags & 0x100) {
              sampleDuration = data.readUInt32BE(at);
              at += 4;
            }
            if (flags & 0x200) at += 4; // size
            if (flags & 0x400) at += 4; // flags
            if (flags & 0x800) {
              offset = data[0] === 1 ? data.readInt32BE(at) : data.readUInt32BE(at);
              at += 4;
            }
            result.durations.push(sampleDuration);
            result.offsets.push(offset);
          }
        }
      }
    }
  }
  return result;
}

/**
 * Frame timing and size of the first video track of an MP4/MOV file.
 *
 * @example
 * ```ts
 * const index = readMp4Index("session.mp4");
 * console.log(index.frameCount, index.timestamps[1]);
 * ```
 */
export function readMp4Index(filePath: string): VideoIndex {
  return withSource(filePath, (source) => {
    const top = [...boxes(source, 0, source.size)];
    const moov = top.find((b) => b.type === "moov");
    if (!moov)
      throw new SourceDataError(filePath, "no 'moov' box: not an MP4/MOV file, or an unfinished recording");
    const mvhd = payload(source, child(source, moov, "mvhd")!);
    const movieTimescale = mvhd[0] === 1 ? mvhd.readUInt32BE(20) : mvhd.readUInt32BE(12);
    let track: TrackTables | undefined;
    for (const trak of boxes(source, moov.start, moov.end)) {
      if (trak.type === "trak") track = readTrack(source, trak, movieTimescale);
      if (track) break;
    }
    if (!track) throw new SourceDataError(filePath, "the file has no video track");
    const durations = [...track.durations];
    const offsets = [...track.offsets];
    const decodeStarts = new Map<number, number>();
    if (top.some((b) => b.type === "moof")) {
      const fragments = readFragments(source, track, moov);
      for (const [at, start] of fragments.decodeStarts) decodeStarts.set(at + durations.length, start);
      durations.push(...fragments.durations);
      offsets.push(...fragments.offsets);
    }
    const count = durations.length;
    const ticks = new Float64Array(count);
    let decodeTime = 0;
    for (let i = 0; i < count; i++) {
      decodeTime = decodeStarts.get(i) ?? decodeTime;
      ticks[i] = decodeTime + (offsets[i] ?? 0) - track.presentationShift;
      decodeTime += durations[i]!;
    }
    ticks.sort();
    const timestamps = ticks.map((t) => t / track.timescale);
    return {
      filePath,
      container: "mp4",
      codec: track.codec,
      width: track.width,
      height: track.height,
      frameCount: count,
      timestamps,
      clockRate: track.timescale,
    };
  });
}
