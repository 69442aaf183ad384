/**
 * Opening an Intan recording in any of its three layouts and offering each stream as lazy, bounded-memory
 * sources with the scaling that turns stored integers into SI units.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import type { NumericDtype, TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { DEFAULT_BLOCK_BYTES, packChannels } from "../binary.js";
import { BitEdgeTracker } from "../edges.js";
import { type IntanChannelInfo, type IntanHeader, readIntanHeader } from "./header.js";
import type { IntanBackend, ReadRequest } from "./io.js";
import {
  type IntanBlockLayout,
  type IntanScale,
  type IntanStreamKind,
  STREAM_LABELS,
  streamChannels,
  streamScale,
} from "./layout.js";
import { detectSplitLayout, PerChannelFiles, PerSignalTypeFiles } from "./split.js";
import { TraditionalFile } from "./traditional.js";

/** How the samples are stored next to (or after) the header. */
export type IntanLayout = "traditional" | "one-file-per-signal-type" | "one-file-per-channel";

interface IntanStreamBase {
  readonly kind: IntanStreamKind;
  /** Intan's name for the stream, e.g. "auxiliary input channels". */
  readonly label: string;
  /** Samples per second of this stream. */
  readonly samplingRate: number;
  /** Samples (rows) of this stream. */
  readonly numSamples: number;
  /**
   * Amplifier samples per sample of this stream: 1, or in traditional RHD files 4 for auxiliary inputs and
   * the block size (60 or 128) for supply voltage and temperature. Row i of the stream was taken at
   * timestamp row `i * decimation`.
   */
  readonly decimation: number;
  /** The stream's channels, in stored order. */
  readonly channels: readonly IntanChannelInfo[];
  /** Element type of {@link data}. */
  readonly dtype: NumericDtype;
  /** SI value = data * conversion + offset (see {@link IntanScale}). */
  readonly conversion: number;
  readonly offset: number;
  readonly unit: IntanScale["unit"];
  /** Samples x channels (default: every channel, in order), row-major. */
  data(channels?: readonly number[]): ChunkSource;
}

/** Amplifier, auxiliary, supply, temperature, board ADC/DAC and DC amplifier streams. */
export interface IntanAnalogStream extends IntanStreamBase {
  readonly kind: Exclude<IntanStreamKind, "stimulation" | "boardDigitalIn" | "boardDigitalOut">;
}

/**
 * RHS stimulation: {@link data} is the signed current in steps (int16, bits 0-7 magnitude, bit 8 sign), so
 * `conversion` is the step size in amperes. {@link words} gives the stored 16-bit words, which also carry
 * bit 13 amplifier settle, bit 14 charge recovery and bit 15 compliance limit.
 */
export interface IntanStimulationStream extends IntanStreamBase {
  readonly kind: "stimulation";
  words(channels?: readonly number[]): ChunkSource;
}

/** Board digital inputs or outputs: 16 lines, bit b of each word is the line with native order b. */
export interface IntanDigitalStream extends IntanStreamBase {
  readonly kind: "boardDigitalIn" | "boardDigitalOut";
  /** {@link data} is uint8 0/1 per enabled line (samples x lines). This is the packed uint16 word, shape (samples). */
  words(): ChunkSource;
  /** Rising and falling edges of the given lines (indices into `channels`, default all), in one streamed pass. */
  events(channels?: readonly number[]): Promise<IntanDigitalEvents[]>;
}

export type IntanStream = IntanAnalogStream | IntanStimulationStream | IntanDigitalStream;

/** Edges of one digital line. Rows index the stream; times are timestamp / sampling rate. */
export interface IntanDigitalEvents {
  readonly channel: IntanChannelInfo;
  /** Bit of the word (the channel's native order). */
  readonly line: number;
  /** Rows at which the line reads 1 after reading 0 (a line high at row 0 has no edge there). */
  readonly risingRows: Float64Array;
  readonly fallingRows: Float64Array;
  /** Seconds on the recording's clock: the file's timestamp at each edge row / sampling rate. */
  readonly rising: Float64Array;
  readonly falling: Float64Array;
}

/** One place where consecutive timestamps do not differ by exactly 1. */
export interface IntanTimestampGap {
  /** Row of the timestamp after the gap. */
  readonly row: number;
  readonly previous: number;
  readonly next: number;
}

/** Result of a full pass over the timestamps. */
export interface IntanTimestampReport {
  readonly count: number;
  readonly first: number | undefined;
  readonly last: number | undefined;
  /** Every step is exactly +1. */
  readonly continuous: boolean;
  readonly numGaps: number;
  /** The first gaps (at most `maxGaps` of them). */
  readonly gaps: readonly IntanTimestampGap[];
}

/** An opened Intan recording. */
export interface IntanRecording {
  /** The file given: the `.rhd`/`.rhs` file, or `info.rhd`/`info.rhs`. */
  readonly path: string;
  readonly layout: IntanLayout;
  readonly header: IntanHeader;
  /** Amplifier sampling rate (samples/s) = header sample rate. */
  readonly samplingRate: number;
  /** Amplifier-rate samples, i.e. timestamps. */
  readonly numSamples: number;
  /** Traditional layout: data blocks and their record layout. */
  readonly numBlocks: number | undefined;
  readonly blockLayout: IntanBlockLayout | undefined;
  /** First and last timestamp (sample index; can be negative for pre-trigger data), undefined when empty. */
  readonly firstTimestamp: number | undefined;
  readonly lastTimestamp: number | undefined;
  /** firstTimestamp / samplingRate (0 when empty): start of the data on the recording's clock, seconds. */
  readonly startTime: number;
  /** Streams that have channels and data, in Intan's storage order. */
  readonly streams: readonly IntanStream[];
  /** Files the samples are read from. */
  readonly dataFiles: readonly string[];
  /** Non-fatal oddities found while opening (missing stream files, files of different lengths, ...). */
  readonly warnings: readonly string[];
  /** The stream of a kind, if present. */
  stream(kind: "stimulation"): IntanStimulationStream | undefined;
  stream(kind: IntanDigitalStream["kind"]): IntanDigitalStream | undefined;
  stream(kind: IntanAnalogStream["kind"]): IntanAnalogStream | undefined;
  stream(kind: IntanStreamKind): IntanStream | undefined;
  /** Timestamps, shape (numSamples): int32, or uint32 for RHD files before version 1.2. */
  timestamps(): ChunkSource;
  /** Reads every timestamp once (streamed) and reports discontinuities. */
  scanTimestamps(maxGaps?: number): Promise<IntanTimestampReport>;
}

/** Options of {@link openIntanFile}. */
export interface OpenIntanFileOptions {
  /** Largest single read in bytes (default 32 MiB); smaller values only split reads. */
  readonly blockBytes?: number;
  /** Rows decoded per pass by events() and scanTimestamps() (default 65536 rounded to whole blocks). */
  readonly scanRows?: number;
}

/**
 * Opens an Intan recording: a traditional `.rhd`/`.rhs` file, or the `info.rhd`/`info.rhs` of a
 * one-file-per-signal-type or one-file-per-channel folder. Reads the header (synchronously) and checks the
 * data file sizes; samples are read only when a source is asked for rows.
 */
export function openIntanFile(path: string, options: OpenIntanFileOptions = {}): IntanRecording {
  const extension = extname(path).toLowerCase();
  if (extension !== ".rhd" && extension !== ".rhs") {
    throw new SourceDataError(
      path,
      "expected an Intan file ending in .rhd or .rhs (for the one-file-per-signal-type and one-file-per-channel layouts pass info.rhd or info.rhs)",
    );
  }
  const header = readIntanHeader(path);
  const size = statSync(path).size;
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  const announced = streamChannels(header);

  let layout: IntanLayout = "traditional";
  const headerOnly = size === header.headerBytes;
  const split = headerOnly ? detectSplitLayout(dirname(path)) : undefined;
  if (split !== undefined) layout = split;
  else if (headerOnly && /^info\.rh[ds]$/i.test(basename(path))) {
    throw new SourceDataError(
      path,
      "holds only a header and there is no time.dat beside it: the one-file-per-signal-type and one-file-per-channel layouts keep their samples in .dat files next to info.rhd/info.rhs; copy the whole recording folder",
    );
  }

  let backend: IntanBackend;
  let streamsFound: Map<IntanStreamKind, IntanChannelInfo[]>;
  let warnings: readonly string[] = [];
  let traditional: TraditionalFile | undefined;
  let dataFiles: string[];
  if (layout === "traditional") {
    traditional = new TraditionalFile(path, header, size, blockBytes);
    backend = traditional;
    streamsFound = announced;
    dataFiles = [path];
  } else {
    const files =
      layout === "one-file-per-signal-type"
        ? new PerSignalTypeFiles(dirname(path), announced, blockBytes)
        : new PerChannelFiles(dirname(path), announced, blockBytes);
    backend = files;
    streamsFound = files.streams;
    warnings = files.warnings;
    dataFiles = files.dataFiles();
  }

  const numSamples = backend.rows("timestamps");
  const timestampDtype: NumericDtype =
    header.timestampsSigned || layout !== "traditional" ? "int32" : "uint32";
  const [firstTimestamp, lastTimestamp] = endTimestamps(
    layout,
    path,
    header,
    traditional,
    numSamples,
    timestampDtype,
  );
  // Passes over the whole file read whole data blocks each time.
  const scanStep = alignRows(Math.max(1, options.scanRows ?? 65536), traditional?.layout.samplesPerBlock);
  const timestampRequest: ReadRequest = {
    content: "timestamps",
    channels: EMPTY,
    signed: false,
    dtype: timestampDtype,
  };
  const readTimestamps = async (start: number, end: number) =>
    (await backend.read([timestampRequest], start, end))[0]!;

  const streams: IntanStream[] = [];
  for (const [kind, channels] of streamsFound) {
    const rows = backend.rows(kind);
    // Split layouts store every stream at the full rate; traditional blocks hold fewer aux/supply samples.
    const perBlock = traditional?.layout.regions.find((r) => r.content === kind)?.samplesPerBlock;
    const decimation = perBlock === undefined ? 1 : header.samplesPerBlock / perBlock;
    streams.push(
      makeStream(header, kind, channels, backend, { rows, decimation, scanStep, timestampRequest }),
    );
  }

  const recording: IntanRecording = {
    path,
    layout,
    header,
    samplingRate: header.sampleRate,
    numSamples,
    numBlocks: traditional?.numBlocks,
    blockLayout: traditional?.layout,
    firstTimestamp,
    lastTimestamp,
    startTime: firstTimestamp === undefined ? 0 : firstTimestamp / header.sampleRate,
    streams,
    dataFiles,
    warnings,
    stream: ((kind: IntanStreamKind) => streams.find((s) => s.kind === kind)) as IntanRecording["stream"],
    timestamps: () => ({ dtype: timestampDtype, shape: [numSamples], readRows: readTimestamps }),
    scanTimestamps: async (maxGaps = 1000) => {
      const gaps: IntanTimestampGap[] = [];
      let numGaps = 0;
      let previous: number | undefined;
      let first: number | undefined;
      for (let start = 0; start < numSamples; start += scanStep) {
        const end = Math.min(numSamples, start + scanStep);
        const values = await readTimestamps(start, end);
        for (let i = 0; i < values.length; i++) {
          const value = values[i] as number;
          if (previous === undefined) first = value;
          else if (value - previous !== 1) {
            numGaps++;
            if (gaps.length < maxGaps) gaps.push({ row: start + i, previous, next: value });
          }
          previous = value;
        }
      }
      return { count: numSamples, first, last: previous, continuous: numGaps === 0, numGaps, gaps };
    },
  };
  return recording;
}

const EMPTY = new Int32Array(0);

interface StreamContext {
  readonly rows: number;
  readonly decimation: number;
  /** Rows per pass of events() (whole data blocks in traditional files). */
  readonly scanStep: number;
  readonly timestampRequest: ReadRequest;
}

function makeStream(
  header: IntanHeader,
  kind: IntanStreamKind,
  channels: readonly IntanChannelInfo[],
  backend: IntanBackend,
  context: StreamContext,
): IntanStream {
  const scale = streamScale(header, kind);
  // Traditional files store offset-binary codes; the signed delivery turns them into code - 32768.
  const signed = scale.fromOffsetBinary;
  const what = `the ${STREAM_LABELS[kind]} of ${header.path}`;
  const { rows, decimation } = context;
  const base = {
    kind,
    label: STREAM_LABELS[kind],
    samplingRate: header.sampleRate / decimation,
    numSamples: rows,
    decimation,
    channels,
    dtype: scale.dtype,
    conversion: scale.conversion,
    offset: scale.offset,
    unit: scale.unit,
  };

  if (kind === "boardDigitalIn" || kind === "boardDigitalOut") {
    const wordRequest: ReadRequest = { content: kind, channels: EMPTY, signed: false, dtype: "uint16" };
    const readWords = async (start: number, end: number) =>
      (await backend.read([wordRequest], start, end))[0] as Uint16Array;
    const stream: IntanDigitalStream = {
      ...base,
      kind,
      data: (picked) => {
        const lines = packChannels(picked, channels.length, what);
        const bits = Int32Array.from(lines, (c) => channels[c]!.nativeOrder);
        return {
          dtype: "uint8",
          shape: [rows, lines.length],
          readRows: async (start, end) => unpackBits(await readWords(start, end), bits),
        };
      },
      words: () => ({ dtype: "uint16", shape: [rows], readRows: readWords }),
      events: async (picked) => {
        const lines = packChannels(picked, channels.length, what);
        // Words and timestamps of the same rows come from one read of the blocks (traditional layout).
        return digitalEdges(
          (start, end) => backend.read([wordRequest, context.timestampRequest], start, end),
          rows,
          Array.from(lines, (c) => channels[c]!),
          header.sampleRate,
          context.scanStep,
        );
      },
    };
    return stream;
  }

  const source = (
    picked: readonly number[] | undefined,
    request: (ch: Int32Array) => ReadRequest,
    dtype: NumericDtype,
    map?: (values: TypedArray) => TypedArray,
  ): ChunkSource => {
    const columns = packChannels(picked, channels.length, what);
    const req = request(columns);
    return {
      dtype,
      shape: [rows, columns.length],
      readRows: async (start, end) => {
        const [values] = await backend.read([req], start, end);
        return map ? map(values!) : values!;
      },
    };
  };

  if (kind === "stimulation") {
    const raw = (ch: Int32Array): ReadRequest => ({
      content: kind,
      channels: ch,
      signed: false,
      dtype: "uint16",
    });
    const stream: IntanStimulationStream = {
      ...base,
      kind,
      data: (picked) => source(picked, raw, "int16", (values) => decodeStimulation(values as Uint16Array)),
      words: (picked) => source(picked, raw, "uint16"),
    };
    return stream;
  }

  const stream: IntanAnalogStream = {
    ...base,
    kind,
    data: (picked) =>
      source(picked, (ch) => ({ content: kind, channels: ch, signed, dtype: scale.dtype }), scale.dtype),
  };
  return stream;
}

/**
 * Stimulation words to signed current steps: magnitude in bits 0-7, bit 8 set for negative current
 * (RHS2000 app note, "stimulation data"; Intan's RHS loader `extract_stim_data`).
 */
function decodeStimulation(words: Uint16Array): Int16Array {
  const out = new Int16Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    out[i] = (w & 0x100) !== 0 ? -(w & 0xff) : w & 0xff;
  }
  return out;
}

/** 16-line words to 0/1 per chosen bit, row-major (rows x bits). */
function unpackBits(words: Uint16Array, bits: Int32Array): Uint8Array {
  const width = bits.length;
  const out = new Uint8Array(words.length * width);
  for (let k = 0; k < width; k++) {
    const bit = bits[k]!;
    for (let i = 0, o = k; i < words.length; i++, o += width) out[o] = (words[i]! >>> bit) & 1;
  }
  return out;
}

/** Streams through the words and timestamps once and collects every line's edges. */
async function digitalEdges(
  read: (start: number, end: number) => Promise<TypedArray[]>,
  rows: number,
  lines: readonly IntanChannelInfo[],
  sampleRate: number,
  step: number,
): Promise<IntanDigitalEvents[]> {
  const tracker = new BitEdgeTracker(lines.map((l) => l.nativeOrder));
  // edge times come from the timestamps of the same block, so they are taken as each block is decoded
  const risingTimes = lines.map(() => [] as number[]);
  const fallingTimes = lines.map(() => [] as number[]);
  for (let start = 0; start < rows; start += step) {
    const end = Math.min(rows, start + step);
    const [words, stamps] = (await read(start, end)) as [Uint16Array, TypedArray];
    const seen = tracker.lines.map((l) => [l.rising.length, l.falling.length] as const);
    tracker.push(words, start);
    tracker.lines.forEach((line, j) => {
      const time = (row: number) => (stamps[row - start] as number) / sampleRate;
      for (const row of line.rising.slice(seen[j]![0])) risingTimes[j]!.push(time(row));
      for (const row of line.falling.slice(seen[j]![1])) fallingTimes[j]!.push(time(row));
    });
  }
  return lines.map((channel, j) => ({
    channel,
    line: channel.nativeOrder,
    risingRows: Float64Array.from(tracker.lines[j]!.rising),
    fallingRows: Float64Array.from(tracker.lines[j]!.falling),
    rising: Float64Array.from(risingTimes[j]!),
    falling: Float64Array.from(fallingTimes[j]!),
  }));
}

/** Rounds a pass length up to whole data blocks, so each pass reads every block once. */
function alignRows(rows: number, perBlock: number | undefined): number {
  if (perBlock === undefined) return rows;
  return Math.max(perBlock, Math.ceil(rows / perBlock) * perBlock);
}

/** First and last timestamp with two small synchronous reads (no pass over the data). */
function endTimestamps(
  layout: IntanLayout,
  path: string,
  header: IntanHeader,
  traditional: TraditionalFile | undefined,
  numSamples: number,
  dtype: NumericDtype,
): [number | undefined, number | undefined] {
  if (numSamples === 0) return [undefined, undefined];
  let file: string;
  let firstAt: number;
  let lastAt: number;
  if (layout === "traditional") {
    const per = traditional!.layout.bytesPerBlock;
    file = path;
    firstAt = header.headerBytes;
    lastAt = header.headerBytes + (traditional!.numBlocks - 1) * per + 4 * (header.samplesPerBlock - 1);
  } else {
    file = join(dirname(path), "time.dat");
    firstAt = 0;
    lastAt = 4 * (numSamples - 1);
  }
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(4);
    const at = (position: number) => {
      if (readSync(fd, buffer, 0, 4, position) !== 4) {
        throw new SourceDataError(
          file,
          `cannot read the timestamp at byte ${position}: the file is shorter than expected`,
        );
      }
      return dtype === "uint32" ? buffer.readUInt32LE(0) : buffer.readInt32LE(0);
    };
    return [at(firstAt), at(lastAt)];
  } finally {
    closeSync(fd);
  }
}
