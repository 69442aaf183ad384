/**
 * AlphaOmega MPX files (map version 4: AlphaRS, AlphaLab SnR), per chapter 6 "AlphaRS file format" of the
 * AlphaRS User Manual. A file is a chain of blocks, each starting with its length (uint16; 65535 ends the
 * file) and a type character, little-endian throughout:
 *
 * - `h` (first block, 60 bytes): recording date and time, acquisition start/stop time, map version, program.
 * - `2`: a channel definition. Analog inputs in continuous mode (RAW, SPK, LFP, AI, ACC, UD channels) give
 *   their number, bit resolution (µV per bit at the converter; ≤ 5 means 1,250,000 / 2^15), sampling rate
 *   (kHz), total gain × 100 and name; segmented (SEG spike) channels and digital inputs are defined alike.
 * - `5`: a data block of one channel: int16 samples, then the number of the first sample on the channel's
 *   clock (a counter started at hardware boot, at the channel's rate).
 *
 * Other block types (ports, stream data, events) carry no continuous data and are skipped, as the manual
 * says unknown blocks should be. Samples of a channel are spread over many small blocks interleaved with the
 * other channels'; reading a range of samples reads the file span that holds it once.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { checkRange, lastIndexAtMost, readFullySync, withOpenFile } from "../binary.js";

/** Bit resolution the manual prescribes when a map-version-4 file stores 5 or less. */
const DEFAULT_BIT_RESOLUTION_UV = 1_250_000 / 2 ** 15;
const END_OF_FILE = 65535;
/** Bytes read at a time while walking the blocks of a file. */
const WINDOW_BYTES = 4 * 1024 * 1024;

/** One data block of a channel: where its samples are and the first one's number. */
interface DataBlock {
  readonly file: string;
  readonly offset: number;
  readonly firstSample: number;
  readonly count: number;
}

/** A continuous analog channel with the data blocks that hold its samples, in time order. */
export interface AlphaOmegaChannel {
  readonly number: number;
  readonly name: string;
  /** Samples per second. */
  readonly samplingRate: number;
  /** µV per bit at the converter, and the total gain before it: µV = sample × bitResolutionUv / totalGain. */
  readonly bitResolutionUv: number;
  readonly totalGain: number;
  readonly blocks: readonly DataBlock[];
}

/** A continuous run of samples: its index in the stream and the first sample's number on the clock. */
export interface AlphaOmegaSegment {
  readonly firstIndex: number;
  readonly firstSample: number;
}

/** Channels of one kind (RAW, SPK, LFP, AI, ACC, UD) recorded together: one stream. */
export interface AlphaOmegaStream {
  /** The channel-name prefix, e.g. "RAW". */
  readonly name: string;
  readonly channels: readonly AlphaOmegaChannel[];
  readonly samplingRate: number;
  readonly numSamples: number;
  /** Continuous runs (more than one when recording paused). */
  readonly segments: readonly AlphaOmegaSegment[];
  /** Samples (time, channels), int16. */
  readonly data: ChunkSource;
}

/** The MPX files of a folder, merged. */
export interface AlphaOmegaFolder {
  readonly folderPath: string;
  readonly files: readonly string[];
  /** The earliest file's recording date and time, `YYYY-MM-DDTHH:MM:SS[.ss]` (local time, no zone). */
  readonly startDateTime: string;
  /** The recording program ("ARS", "ALab SNR"). */
  readonly application: string;
  readonly streams: readonly AlphaOmegaStream[];
  /** Channels defined with data that no stream holds (segmented spike channels, digital inputs). */
  readonly otherChannels: readonly string[];
}

interface FileHeader {
  readonly startDateTime: string;
  readonly application: string;
}

/** Reads a file's blocks through a moving window, so a file of any size takes bounded memory. */
class BlockWalker {
  private window = Buffer.alloc(0);
  private windowStart = 0;
  constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly size: number,
  ) {}

  /** `length` bytes at `position` (a view into the window). */
  bytes(position: number, length: number): Buffer {
    if (position + length > this.size) {
      throw new SourceDataError(this.path, `a block at byte ${position} runs past the end of the file`);
    }
    if (position < this.windowStart || position + length > this.windowStart + this.window.length) {
      const bytes = Math.min(Math.max(WINDOW_BYTES, length), this.size - position);
      this.window = Buffer.allocUnsafe(bytes);
      readFullySync(this.fd, this.window, position, this.path);
      this.windowStart = position;
    }
    return this.window.subarray(position - this.windowStart, position - this.windowStart + length);
  }
}

const text = (bytes: Buffer) => {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString("latin1");
};
const two = (n: number) => String(n).padStart(2, "0");

interface Definition {
  readonly number: number;
  readonly name: string;
  readonly kind: "continuous" | "segmented" | "digital";
  readonly samplingRate: number;
  readonly bitResolutionUv: number;
  readonly totalGain: number;
}

function readFile(
  path: string,
  definitions: Map<number, Definition>,
  blocks: Map<number, DataBlock[]>,
): FileHeader {
  return withOpenFile(path, (fd, _, size) => {
    const walker = new BlockWalker(fd, path, size);
    const head = walker.bytes(0, 60);
    if (head.readUInt16LE(0) !== 60 || head.toString("latin1", 2, 3) !== "h") {
      throw new SourceDataError(path, "does not start with a 60-byte 'h' block: not an AlphaOmega MPX file");
    }
    const mapVersion = head.readUInt8(40);
    if (mapVersion !== 4)
      throw new SourceDataError(path, `is MPX map version ${mapVersion}; only version 4 is read`);
    const [hour, minute, second, hundredths, day, month] = [10, 11, 12, 13, 14, 15].map((at) =>
      head.readUInt8(at),
    );
    const year = head.readUInt16LE(16);
    const header = {
      startDateTime: `${year}-${two(month!)}-${two(day!)}T${two(hour!)}:${two(minute!)}:${two(second!)}${hundredths ? `.${two(hundredths)}` : ""}`,
      application: text(head.subarray(41, 51)),
    };
    let position = 60;
    while (position + 3 <= size) {
      const start = walker.bytes(position, 3);
      const length = start.readUInt16LE(0);
      if (length === END_OF_FILE) break;
      if (length < 3) throw new SourceDataError(path, `block at byte ${position} has length ${length}`);
      const type = start.toString("latin1", 2, 3);
      if (type === "2") {
        const block = walker.bytes(position, length);
        const definition = channelDefinition(block, length);
        if (definition) {
          const known = definitions.get(definition.number);
          if (known && known.name !== definition.name) {
            throw new SourceDataError(
              path,
              `channel ${definition.number} is '${definition.name}' here but '${known.name}' in an earlier file`,
            );
          }
          definitions.set(definition.number, definition);
        }
      } else if (type === "5") {
        const number = walker.bytes(position + 4, 2).readInt16LE(0);
        const definition = definitions.get(number);
        if (definition?.kind === "continuous") {
          const count = (length - 10) / 2;
          const firstSample = walker.bytes(position + 6 + 2 * count, 4).readUInt32LE(0);
          const list = blocks.get(number) ?? [];
          list.push({ file: path, offset: position + 6, firstSample, count });
          blocks.set(number, list);
        } else if (definition) {
          blocks.set(number, blocks.get(number) ?? []);
        }
      }
      position += length;
    }
    return header;
  });
}

/** A type-2 block's analog or digital input definition (outputs and unknown modes: undefined). */
function channelDefinition(block: Buffer, length: number): Definition | undefined {
  const isAnalog = block.readInt16LE(8);
  const isInput = block.readInt16LE(10);
  const number = block.readInt16LE(12);
  if (isInput !== 1) return undefined;
  if (isAnalog === 0) {
    return {
      number,
      name: text(block.subarray(30, length)),
      kind: "digital",
      samplingRate: block.readFloatLE(18) * 1000,
      bitResolutionUv: 1,
      totalGain: 1,
    };
  }
  const mode = block.readInt16LE(18);
  const amplitude = block.readFloatLE(20);
  const samplingRate = block.readFloatLE(24) * 1000;
  const bitResolutionUv = amplitude <= 5 ? DEFAULT_BIT_RESOLUTION_UV : amplitude;
  if (mode === 0) {
    return {
      number,
      name: text(block.subarray(38, length)),
      kind: "continuous",
      samplingRate,
      bitResolutionUv,
      totalGain: block.readInt16LE(36) / 100,
    };
  }
  if (mode === 1) {
    return {
      number,
      name: text(block.subarray(48, length)),
      kind: "segmented",
      samplingRate,
      bitResolutionUv,
      totalGain: block.readInt16LE(46) / 100,
    };
  }
  return undefined;
}

/** Continuous runs of a channel's blocks: a new run wherever the next block does not follow on. */
function runsOf(blocks: readonly DataBlock[]): { firstIndex: number; firstSample: number }[] {
  const runs: { firstIndex: number; firstSample: number }[] = [];
  let index = 0;
  let expected = Number.NaN;
  for (const block of blocks) {
    if (block.firstSample !== expected) runs.push({ firstIndex: index, firstSample: block.firstSample });
    index += block.count;
    expected = block.firstSample + block.count;
  }
  return runs;
}

const STREAM_PREFIXES = ["RAW", "SPK", "LFP", "AI", "ACC", "UD"];

/** The stream a channel belongs to, by AlphaOmega's default channel names ("RAW 001", "ACC_X 001", ...). */
function streamNameOf(channelName: string): string | undefined {
  return STREAM_PREFIXES.find((prefix) => new RegExp(`^${prefix}[ _\\d]`).test(channelName));
}

/** Reads the `.mpx` files of a folder (not its subfolders): channel definitions and where every sample is. */
export function openAlphaOmegaFolder(folderPath: string): AlphaOmegaFolder {
  let names: string[];
  try {
    names = readdirSync(folderPath).filter((name) => name.toLowerCase().endsWith(".mpx"));
  } catch (error) {
    throw new SourceDataError(folderPath, `cannot list the folder (${(error as Error).message})`);
  }
  if (names.length === 0) throw new SourceDataError(folderPath, "holds no .mpx file");
  const files = names.sort().map((name) => join(folderPath, name));
  const definitions = new Map<number, Definition>();
  const blocks = new Map<number, DataBlock[]>();
  const headers = files.map((file) => readFile(file, definitions, blocks));
  const channels: AlphaOmegaChannel[] = [];
  const otherChannels: string[] = [];
  for (const [number, list] of blocks) {
    const definition = definitions.get(number)!;
    if (definition.kind !== "continuous") {
      otherChannels.push(definition.name);
      continue;
    }
    if (list.length === 0) continue;
    list.sort((a, b) => a.firstSample - b.firstSample);
    channels.push({ ...definition, blocks: list });
  }
  const byStream = new Map<string, AlphaOmegaChannel[]>();
  for (const channel of channels) {
    const stream = streamNameOf(channel.name);
    if (stream === undefined) {
      otherChannels.push(channel.name);
      continue;
    }
    byStream.set(stream, [...(byStream.get(stream) ?? []), channel]);
  }
  const streams = STREAM_PREFIXES.filter((name) => byStream.has(name)).map((name) =>
    streamOf(
      folderPath,
      name,
      byStream.get(name)!.sort((a, b) => a.name.localeCompare(b.name)),
    ),
  );
  const first = headers.reduce((a, b) => (b.startDateTime < a.startDateTime ? b : a));
  return {
    folderPath,
    files,
    startDateTime: first.startDateTime,
    application: first.application,
    streams,
    otherChannels,
  };
}

function streamOf(folderPath: string, name: string, channels: AlphaOmegaChannel[]): AlphaOmegaStream {
  const [first] = channels;
  const runs = runsOf(first!.blocks);
  const numSamples = first!.blocks.reduce((sum, b) => sum + b.count, 0);
  for (const channel of channels) {
    const count = channel.blocks.reduce((sum, b) => sum + b.count, 0);
    const same = JSON.stringify(runsOf(channel.blocks)) === JSON.stringify(runs);
    if (channel.samplingRate !== first!.samplingRate || count !== numSamples || !same) {
      throw new SourceDataError(
        folderPath,
        `the ${name} channels do not cover the same samples (${first!.name}: ${numSamples} at ${first!.samplingRate} Hz, ${channel.name}: ${count} at ${channel.samplingRate} Hz)`,
      );
    }
  }
  return {
    name,
    channels,
    samplingRate: first!.samplingRate,
    numSamples,
    segments: runs,
    data: streamSource(name, channels, numSamples),
  };
}

/** Samples `[start, end)` of every channel, gathered from their blocks, interleaved as (time, channels). */
function streamSource(name: string, channels: readonly AlphaOmegaChannel[], numSamples: number): ChunkSource {
  const starts = channels.map((channel) => {
    const out = new Float64Array(channel.blocks.length);
    let index = 0;
    channel.blocks.forEach((block, k) => {
      out[k] = index;
      index += block.count;
    });
    return out;
  });
  const width = channels.length;
  return {
    dtype: "int16",
    shape: [numSamples, width],
    readRows(start: number, end: number): TypedArray {
      checkRange(start, end, numSamples, `${name} samples`, channels[0]!.blocks[0]!.file);
      const out = new Int16Array((end - start) * width);
      if (end === start) return out;
      // the blocks that hold the rows, per file, then one read per file of the span they occupy
      const pieces: { channel: number; block: DataBlock; from: number; to: number; row: number }[] = [];
      channels.forEach((channel, c) => {
        for (let k = Math.max(0, lastIndexAtMost(starts[c]!, start)); k < channel.blocks.length; k++) {
          const blockStart = starts[c]![k]!;
          if (blockStart >= end) break;
          const block = channel.blocks[k]!;
          const from = Math.max(start, blockStart) - blockStart;
          const to = Math.min(end, blockStart + block.count) - blockStart;
          if (to > from) pieces.push({ channel: c, block, from, to, row: blockStart + from - start });
        }
      });
      for (const file of new Set(pieces.map((p) => p.block.file))) {
        const inFile = pieces.filter((p) => p.block.file === file);
        const low = Math.min(...inFile.map((p) => p.block.offset + 2 * p.from));
        const high = Math.max(...inFile.map((p) => p.block.offset + 2 * p.to));
        const span = withOpenFile(file, (fd) => {
          const bytes = Buffer.allocUnsafe(high - low);
          readFullySync(fd, bytes, low, file);
          return bytes;
        });
        for (const piece of inFile) {
          const at = piece.block.offset + 2 * piece.from - low;
          for (let i = 0; i < piece.to - piece.from; i++) {
            out[(piece.row + i) * width + piece.channel] = span.readInt16LE(at + 2 * i);
          }
        }
      }
      return out;
    },
  };
}
