/**
 * Matroska / WebM (.mkv, .webm) frame timing from the block headers of the first video track, per the
 * Matroska specification (IETF RFC 9559) and EBML (RFC 8794): cluster timestamps plus each block's signed
 * 16-bit relative timestamp, in units of the segment's TimestampScale; laced blocks hold several frames
 * spaced by the track's DefaultDuration. Cues index only key frames, so every cluster is walked, reading a
 * few header bytes per block and skipping the frame data.
 */
import { SourceDataError } from "../../errors.js";
import type { ByteSource } from "./source.js";
import { withSource } from "./source.js";
import type { VideoIndex } from "./types.js";

const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  DefaultDuration: 0x23e383,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Cluster: 0x1f43b675,
  Timestamp: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
} as const;

/** Top-level elements of a segment: an unknown-size cluster ends where one of these begins. */
const SEGMENT_CHILDREN = new Set([
  0x114d9b74, // SeekHead
  ID.Info,
  ID.Tracks,
  ID.Cluster,
  0x1c53bb6b, // Cues
  0x1941a469, // Attachments
  0x1043a770, // Chapters
  0x1254c367, // Tags
]);

interface Element {
  readonly id: number;
  readonly start: number;
  /** Undefined for an element of unknown size (live recordings). */
  readonly size: number | undefined;
}

/** A variable-length integer; `keepMarker` for element IDs. */
function vint(
  bytes: Buffer,
  at: number,
  keepMarker: boolean,
): { value: number; length: number; unknown: boolean } {
  const first = bytes[at];
  if (first === undefined || first === 0) return { value: Number.NaN, length: 1, unknown: false };
  const length = Math.clz32(first) - 23;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i] ?? 0;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function header(source: ByteSource, offset: number): Element {
  const bytes = source.read(offset, 12);
  const id = vint(bytes, 0, true);
  const size = vint(bytes, id.length, false);
  if (Number.isNaN(id.value) || Number.isNaN(size.value)) {
    throw new SourceDataError(source.path, `invalid EBML element header at offset ${offset}`);
  }
  return {
    id: id.value,
    start: offset + id.length + size.length,
    size: size.unknown ? undefined : size.value,
  };
}

/**
 * Children of an element; an unknown-size parent ends at the end of the file or at the first element that
 * cannot be its child (a `stopAt` id).
 */
function* children(source: ByteSource, parent: Element, stopAt: ReadonlySet<number>): Generator<Element> {
  const end = parent.size === undefined ? source.size : parent.start + parent.size;
  let offset = parent.start;
  while (offset < end) {
    const element = header(source, offset);
    if (parent.size === undefined && stopAt.has(element.id)) return;
    yield element;
    if (element.size === undefined) {
      // only clusters may have an unknown size here; their end is where the next top-level element starts
      let last = element.start;
      for (const inner of children(source, element, SEGMENT_CHILDREN)) last = inner.start + (inner.size ?? 0);
      offset = last;
    } else {
      offset = element.start + element.size;
    }
  }
}

function unsigned(source: ByteSource, element: Element): number {
  const bytes = source.readExactly(element.start, element.size ?? 0, "an integer element");
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

interface Track {
  number: number;
  codec: string;
  defaultDuration: number | undefined;
  width: number;
  height: number;
}

function videoTrack(source: ByteSource, tracks: Element): Track | undefined {
  const none = new Set<number>();
  for (const entry of children(source, tracks, none)) {
    if (entry.id !== ID.TrackEntry) continue;
    const track: Track = { number: 0, codec: "", defaultDuration: undefined, width: 0, height: 0 };
    let type = 0;
    for (const field of children(source, entry, none)) {
      if (field.id === ID.TrackNumber) track.number = unsigned(source, field);
      else if (field.id === ID.TrackType) type = unsigned(source, field);
      else if (field.id === ID.CodecID)
        track.codec = source
          .readExactly(field.start, field.size ?? 0, "CodecID")
          .toString("latin1")
          .replace(/\0+$/, "");
      else if (field.id === ID.DefaultDuration) track.defaultDuration = unsigned(source, field);
      else if (field.id === ID.Video) {
        for (const video of children(source, field, none)) {
          if (video.id === ID.PixelWidth) track.width = unsigned(source, video);
          else if (video.id === ID.PixelHeight) track.height = unsigned(source, video);
        }
      }
    }
    if (type === 1) return track;
  }
  return undefined;
}

/** Frames in a block of `track` and the block's relative timestamp, or undefined for another track's block. */
function blockFrames(
  source: ByteSource,
  block: Element,
  track: number,
): { relative: number; frames: number } | undefined {
  const bytes = source.read(block.start, 16);
  const number = vint(bytes, 0, false);
  if (number.value !== track) return undefined;
  const relative = bytes.readInt16BE(number.length);
  const lacing = (bytes[number.length + 2]! >> 1) & 0x3;
  return { relative, frames: lacing === 0 ? 1 : bytes[number.length + 3]! + 1 };
}

/**
 * The frame rate a DefaultDuration (whole nanoseconds) stands for: 33333333 ns is 30 Hz, 33366667 ns is
 * 30000/1001 Hz; a duration no whole or NTSC rate rounds to is taken as it is.
 */
function rateOfDuration(nanoseconds: number): number {
  const rate = 1e9 / nanoseconds;
  for (const candidate of [Math.round(rate), Math.round(rate * 1.001) / 1.001]) {
    if (candidate > 0 && Math.abs(1e9 / candidate - nanoseconds) <= 0.5) return candidate;
  }
  return rate;
}

/**
 * Frame timing and size of the first video track of a Matroska or WebM file.
 *
 * @example
 * ```ts
 * const index = readMatroskaIndex("session.mkv");
 * console.log(index.frameCount, index.timestamps.at(-1));
 * ```
 */
export function readMatroskaIndex(filePath: string): VideoIndex {
  return withSource(filePath, (source) => {
    const ebml = header(source, 0);
    if (ebml.id !== ID.EBML) throw new SourceDataError(filePath, "not a Matroska/WebM file (no EBML header)");
    const segment = header(source, ebml.start + (ebml.size ?? 0));
    if (segment.id !== ID.Segment)
      throw new SourceDataError(filePath, "no Matroska Segment after the EBML header");
    let scale = 1_000_000; // nanoseconds per timestamp unit, the specification's default
    let track: Track | undefined;
    const ticks: number[] = [];
    const none = new Set<number>();
    for (const element of children(source, segment, none)) {
      if (element.id === ID.Info) {
        for (const field of children(source, element, none)) {
          if (field.id === ID.TimestampScale) scale = unsigned(source, field);
        }
      } else if (element.id === ID.Tracks) {
        track = videoTrack(source, element);
        if (!track) throw new SourceDataError(filePath, "the file has no video track");
      } else if (element.id === ID.Cluster && track) {
        let clusterTime = 0;
        const laceStep = (track.defaultDuration ?? 0) / scale;
        for (const inner of children(source, element, SEGMENT_CHILDREN)) {
          let block: Element | undefined;
          if (inner.id === ID.Timestamp) clusterTime = unsigned(source, inner);
          else if (inner.id === ID.SimpleBlock) block = inner;
          else if (inner.id === ID.BlockGroup)
            block = [...children(source, inner, none)].find((e) => e.id === ID.Block);
          const frames = block && blockFrames(source, block, track.number);
          if (!frames) continue;
          for (let k = 0; k < frames.frames; k++) ticks.push(clusterTime + frames.relative + k * laceStep);
        }
      }
    }
    if (!track) throw new SourceDataError(filePath, "no Tracks element before the first cluster");
    const seconds = scale / 1e9;
    const timestamps = Float64Array.from(
      ticks.sort((a, b) => a - b),
      (t) => t * seconds,
    );
    return {
      filePath,
      container: "matroska",
      codec: track.codec,
      width: track.width,
      height: track.height,
      frameCount: timestamps.length,
      timestamps,
      clockRate: 1e9 / scale,
      ...(track.defaultDuration && { nominalRate: rateOfDuration(track.defaultDuration) }),
    };
  });
}
