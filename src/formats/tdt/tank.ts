/**
 * Tucker-Davis Technologies (TDT) tank blocks: the `.tsq` index, `.tev` event data and per-channel `.sev`
 * stream files. Knows nothing of NWB.
 *
 * Layout (TDT's "Tank format" description, also what neo's TdtRawIO and TDT's own readers decode): the
 * `.tsq` is a table of 40-byte little-endian records `size int32` (record size in 4-byte words, 10 for the
 * header alone), `type int32`, `name char[4]`, `channel uint16` (1-based), `sort code uint16`, `timestamp
 * float64` (seconds since the Unix epoch), `offset int64` (byte position of the data in the `.tev`; for
 * strobe events the event's value as float64 instead), `format int32` (0 float32, 1 int32, 2 int16, 3 int8,
 * 4 float64, 5 int64), `frequency float32`. The second record marks the block start and the last one its
 * stop. A stream record points at `(size - 10) * 4` bytes of one channel's samples; a snippet record at one
 * waveform of that length, its channel and sort code in the record. A `.sev` file holds one channel of one
 * stream after a 40-byte header, contiguously.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { allocate, bytesPerElement, type NumericDtype, type TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import {
  checkRange,
  openSourceFile,
  readBytesSync,
  readFully,
  readFullySync,
  withOpenFile,
} from "../binary.js";
import { type ColumnReader, InterleavedFile, stackColumns } from "../interleaved.js";

const RECORD_BYTES = 40;
const HEADER_WORDS = 10;
/** Record types, after masking the flag bits (TDT's EVTYPE_MASK). */
const TYPE_MASK = 0xff0f;
const TYPE_STRON = 0x101;
const TYPE_STROFF = 0x102;
const TYPE_SCALAR = 0x201;
const TYPE_STREAM = 0x8101;
const TYPE_SNIP = 0x8201;
const TYPE_MARK = 0x8801;
const MARK_START = 1;
const MARK_STOP = 2;

const FORMATS: readonly NumericDtype[] = ["float32", "int32", "int16", "int8", "float64", "int64"];
/** Records read from the `.tsq` per pass (bounded memory on long blocks). */
const RECORDS_PER_READ = 1 << 16;

/** One stream store (a Gizmo's continuous output): every channel at one rate. */
export interface TdtStream {
  readonly name: string;
  readonly samplingRate: number;
  readonly dtype: NumericDtype;
  /** Channel numbers as TDT counts them (1-based), in column order. */
  readonly channels: readonly number[];
  /** Samples per channel that the data files hold (what {@link TdtStream.data} reads). */
  readonly numSamples: number;
  /** Samples per channel the index lists; more than `numSamples` when the data file is truncated. */
  readonly indexedSamples: number;
  /** Time of the first sample, in seconds after the block start. */
  readonly startTime: number;
  /**
   * Runs of contiguous samples: first sample and its time after the block start. One run unless the index
   * shows a pause (a block that starts more than a sample away from where the previous one ended).
   */
  readonly segments: readonly { readonly firstIndex: number; readonly startingTime: number }[];
  /** Where the samples are: the block's `.tev` or one `.sev` file per channel. */
  readonly storage: "tev" | "sev";
  /** The samples, shape (numSamples, channels). */
  data(): ChunkSource;
}

/** An epoc store: strobe events with a value each (trial numbers, stimulus codes, TTL states). */
export interface TdtEpocs {
  readonly name: string;
  /** Onset times in seconds after the block start. */
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** Offset times of the same store (strobe-off records), when the block has them. */
  readonly offsets: Float64Array;
}

/**
 * A snippet store (e.g. `eS1s`, a spike-detection Gizmo's output): short waveforms cut around threshold
 * crossings, each record one snippet of one channel with the sort code assigned online (0: unsorted).
 */
export interface TdtSnippets {
  readonly name: string;
  readonly samplingRate: number;
  readonly dtype: NumericDtype;
  readonly samplesPerSnippet: number;
  /** Per snippet, in index order: channel (1-based), sort code and time in seconds after the block start. */
  readonly channels: Float64Array;
  readonly sortCodes: Float64Array;
  readonly times: Float64Array;
  /** Visits the waveforms of the snippets at `indices` (stored values), reading the `.tev` once per snippet. */
  forEachWaveform(indices: ArrayLike<number>, visit: (waveform: TypedArray, index: number) => void): void;
}

/** Stores this reader lists but does not decode (scalars), with their record counts. */
export interface TdtOtherStore {
  readonly name: string;
  readonly kind: "scalars";
  readonly count: number;
}

/** One TDT block (a recording session). */
export interface TdtBlock {
  readonly folderPath: string;
  /** Common file name of the block's files, without extension. */
  readonly stem: string;
  /** Block start and stop in seconds since the Unix epoch (stop undefined when the index has no stop mark). */
  readonly startTimestamp: number;
  readonly stopTimestamp: number | undefined;
  readonly streams: readonly TdtStream[];
  readonly epocs: readonly TdtEpocs[];
  readonly snippets: readonly TdtSnippets[];
  readonly otherStores: readonly TdtOtherStore[];
  /** What the files lack: truncated data files, a cut index; each names the file and what is missing. */
  readonly problems: readonly string[];
}

/** One channel of a `.tev` stream: fixed-size blocks at listed byte positions. */
class TevColumn implements ColumnReader {
  readonly numSamples: number;

  constructor(
    private readonly path: string,
    readonly dtype: NumericDtype,
    private readonly samplesPerBlock: number,
    private readonly positions: Float64Array,
  ) {
    this.numSamples = positions.length * samplesPerBlock;
  }

  async readRows(start: number, end: number): Promise<TypedArray> {
    checkRange(start, end, this.numSamples, "samples", this.path);
    const width = bytesPerElement(this.dtype);
    const out = allocate(this.dtype, end - start);
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    const handle = await openSourceFile(this.path);
    try {
      for (let row = start; row < end; ) {
        const block = Math.floor(row / this.samplesPerBlock);
        const within = row - block * this.samplesPerBlock;
        const n = Math.min(this.samplesPerBlock - within, end - row);
        const target = bytes.subarray((row - start) * width, (row - start + n) * width);
        await readFully(handle, target, this.positions[block]! + within * width, this.path);
        row += n;
      }
      return out;
    } finally {
      await handle.close();
    }
  }
}

/** Growable float64 list (index tables of unknown length). */
class Float64List {
  private values = new Float64Array(64);
  length = 0;
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
  toArray(): Float64Array {
    return this.values.slice(0, this.length);
  }
}

interface StreamIndex {
  readonly name: string;
  readonly words: number;
  readonly format: number;
  readonly frequency: number;
  readonly firstTimestamp: number;
  readonly byChannel: Map<number, Float64List>;
  /** Block timestamps of the first channel seen (the clock of the stream). */
  readonly firstChannel: number;
  readonly blockTimes: Float64List;
}

interface SnippetIndex {
  readonly words: number;
  readonly format: number;
  readonly frequency: number;
  readonly channels: Float64List;
  readonly sortCodes: Float64List;
  readonly times: Float64List;
  readonly offsets: Float64List;
}

interface EpocIndex {
  readonly onsetTimes: Float64List;
  readonly values: Float64List;
  readonly offsetTimes: Float64List;
}

/** The block's `.tsq`: the path given, or the one `.tsq` in the folder given. */
function findTsq(folderPath: string): string {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(folderPath);
  } catch {
    throw new SourceDataError(
      folderPath,
      "does not exist; pass the folder of a TDT block (holding its .tsq and .tev)",
    );
  }
  if (stats.isFile()) {
    const candidate = join(dirname(folderPath), `${basename(folderPath, extname(folderPath))}.tsq`);
    try {
      statSync(candidate);
      return candidate;
    } catch {
      throw new SourceDataError(candidate, "is missing: a TDT block needs its .tsq index beside the .tev");
    }
  }
  const tsqs = readdirSync(folderPath).filter((f) => f.toLowerCase().endsWith(".tsq"));
  if (tsqs.length === 1) return join(folderPath, tsqs[0]!);
  if (tsqs.length > 1) {
    throw new SourceDataError(
      folderPath,
      `holds several TDT blocks (${tsqs.join(", ")}); pass one of their .tsq or .tev files as the path`,
    );
  }
  const blocks = readdirSync(folderPath, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  throw new SourceDataError(
    folderPath,
    `has no .tsq file, so it is not a TDT block${blocks.length > 0 ? ` (a tank? pass one of its block folders: ${blocks.join(", ")})` : ""}`,
  );
}

const nameOf = (bytes: Buffer, at: number) => bytes.toString("latin1", at, at + 4).replace(/\0+$/, "");

/**
 * Opens a TDT block: `folderPath` is the block folder (one `.tsq`) or any file of the block. The index is
 * scanned once (bounded reads); samples stay on disk. Stream stores with `.sev` files read them; the others
 * read the `.tev`. Records that point past the end of the `.tev` are left out and named in `problems`.
 */
export function openTdtBlock(folderPath: string): TdtBlock {
  const tsqPath = findTsq(folderPath);
  const folder = dirname(tsqPath);
  const stem = basename(tsqPath, extname(tsqPath));
  const tevPath = join(folder, `${stem}.tev`);
  const problems: string[] = [];
  const streams = new Map<string, StreamIndex>();
  const epocs = new Map<string, EpocIndex>();
  const snippets = new Map<string, SnippetIndex>();
  const others = new Map<string, TdtOtherStore>();
  let start: number | undefined;
  let stop: number | undefined;

  withOpenFile(tsqPath, (_fd, path, size) => {
    const count = Math.floor(size / RECORD_BYTES);
    if (size % RECORD_BYTES !== 0) {
      problems.push(
        `${path}: ends inside record ${count} (${size % RECORD_BYTES} of 40 bytes); that record is left out`,
      );
    }
    if (count < 2)
      throw new SourceDataError(path, `holds ${count} index records; a TDT block index starts with 2`);
    for (let first = 0; first < count; first += RECORDS_PER_READ) {
      const n = Math.min(RECORDS_PER_READ, count - first);
      const bytes = readBytesSync(path, first * RECORD_BYTES, n * RECORD_BYTES, "the index records");
      for (let r = 0; r < n; r++) {
        const at = r * RECORD_BYTES;
        const type = bytes.readInt32LE(at + 4) & TYPE_MASK;
        const timestamp = bytes.readDoubleLE(at + 16);
        if (type === TYPE_MARK) {
          const mark = bytes.readUInt16LE(at + 8);
          if (mark === MARK_START) start = timestamp;
          else if (mark === MARK_STOP) stop = timestamp;
          continue;
        }
        const name = nameOf(bytes, at + 8);
        if (type === TYPE_STREAM) {
          let stream = streams.get(name);
          if (!stream) {
            stream = {
              name,
              words: bytes.readInt32LE(at),
              format: bytes.readInt32LE(at + 32),
              frequency: bytes.readFloatLE(at + 36),
              firstTimestamp: timestamp,
              byChannel: new Map(),
              firstChannel: bytes.readUInt16LE(at + 12),
              blockTimes: new Float64List(),
            };
            streams.set(name, stream);
          }
          const channel = bytes.readUInt16LE(at + 12);
          if (channel === stream.firstChannel) stream.blockTimes.push(timestamp);
          const list = stream.byChannel.get(channel) ?? new Float64List();
          stream.byChannel.set(channel, list);
          list.push(Number(bytes.readBigInt64LE(at + 24)));
        } else if (type === TYPE_STRON || type === TYPE_STROFF) {
          let epoc = epocs.get(name);
          if (!epoc) {
            epoc = {
              onsetTimes: new Float64List(),
              values: new Float64List(),
              offsetTimes: new Float64List(),
            };
            epocs.set(name, epoc);
          }
          if (type === TYPE_STROFF) epoc.offsetTimes.push(timestamp);
          else {
            epoc.onsetTimes.push(timestamp);
            epoc.values.push(bytes.readDoubleLE(at + 24));
          }
        } else if (type === TYPE_SNIP) {
          let snip = snippets.get(name);
          if (!snip) {
            snip = {
              words: bytes.readInt32LE(at),
              format: bytes.readInt32LE(at + 32),
              frequency: bytes.readFloatLE(at + 36),
              channels: new Float64List(),
              sortCodes: new Float64List(),
              times: new Float64List(),
              offsets: new Float64List(),
            };
            snippets.set(name, snip);
          }
          if (bytes.readInt32LE(at) !== snip.words) {
            throw new SourceDataError(
              path,
              `snippet store '${name}' has records of ${snip.words} and ${bytes.readInt32LE(at)} words; TDT snippets of one store have one length`,
            );
          }
          snip.channels.push(bytes.readUInt16LE(at + 12));
          snip.sortCodes.push(bytes.readUInt16LE(at + 14));
          snip.times.push(timestamp);
          snip.offsets.push(Number(bytes.readBigInt64LE(at + 24)));
        } else if (type === TYPE_SCALAR) {
          others.set(name, { name, kind: "scalars", count: (others.get(name)?.count ?? 0) + 1 });
        }
      }
    }
  });
  if (start === undefined) {
    throw new SourceDataError(
      tsqPath,
      "has no block-start record (type 0x8801, mark 1); it is not a TDT block index",
    );
  }
  if (stop === undefined) problems.push(`${tsqPath}: has no block-stop record (the recording was cut off)`);
  const blockStart = start;

  let tevSize: number | undefined;
  try {
    tevSize = statSync(tevPath).size;
  } catch {
    tevSize = undefined;
  }
  const sevFiles = readdirSync(folder).filter((f) => f.toLowerCase().endsWith(".sev"));
  const truncated: string[] = [];
  const result: TdtStream[] = [];
  // stores written only to .sev files may have no index records
  for (const file of sevFiles) {
    const store = /_([^_]{1,4})_ch\d+\.sev$/i.exec(file)?.[1];
    if (store !== undefined && !streams.has(store)) {
      streams.set(store, {
        name: store,
        words: 0,
        format: -1,
        frequency: 0,
        firstTimestamp: blockStart,
        byChannel: new Map(),
        firstChannel: 0,
        blockTimes: new Float64List(),
      });
    }
  }
  for (const index of streams.values()) {
    const sev = sevStream(folder, sevFiles, index, blockStart, problems);
    if (sev) {
      result.push(sev);
      continue;
    }
    const dtype = FORMATS[index.format];
    if (dtype === undefined) {
      throw new SourceDataError(
        tsqPath,
        `stream '${index.name}' has data format ${index.format}, not one TDT defines (0-5)`,
      );
    }
    const samplesPerBlock = ((index.words - HEADER_WORDS) * 4) / bytesPerElement(dtype);
    const blockBytes = samplesPerBlock * bytesPerElement(dtype);
    if (tevSize === undefined) {
      throw new SourceDataError(
        tevPath,
        `is missing; stream '${index.name}' of the block has its samples there`,
      );
    }
    const channels = [...index.byChannel.keys()].sort((a, b) => a - b);
    const positions = channels.map((c) => index.byChannel.get(c)!.toArray());
    const indexedBlocks = Math.min(...positions.map((p) => p.length));
    // blocks present for every channel: the leading blocks whose bytes lie inside the .tev
    const presentBlocks = Math.min(
      ...positions.map((p) => {
        let k = 0;
        while (k < indexedBlocks && p[k]! + blockBytes <= tevSize!) k++;
        return k;
      }),
    );
    if (positions.some((p) => p.length !== indexedBlocks)) {
      problems.push(
        `${tsqPath}: the channels of stream '${index.name}' have ${Math.min(...positions.map((p) => p.length))} to ${Math.max(...positions.map((p) => p.length))} blocks; the ${indexedBlocks} blocks every channel has are kept`,
      );
    }
    if (presentBlocks < indexedBlocks) {
      truncated.push(
        `'${index.name}' keeps ${presentBlocks * samplesPerBlock} of ${indexedBlocks * samplesPerBlock} samples`,
      );
    }
    const segments = segmentsOf(
      index.blockTimes.toArray().subarray(0, presentBlocks),
      samplesPerBlock,
      index.frequency,
      blockStart,
    );
    if (segments.length > 1) {
      problems.push(
        `${tsqPath}: stream '${index.name}' pauses ${segments.length - 1} time(s) (blocks not contiguous in time); its timestamps follow the index`,
      );
    }
    const columns = positions.map(
      (p) => new TevColumn(tevPath, dtype, samplesPerBlock, p.subarray(0, presentBlocks)),
    );
    result.push({
      name: index.name,
      samplingRate: index.frequency,
      dtype,
      channels,
      numSamples: presentBlocks * samplesPerBlock,
      indexedSamples: indexedBlocks * samplesPerBlock,
      startTime: index.firstTimestamp - blockStart,
      segments,
      storage: "tev",
      data: () => stackColumns(columns),
    });
  }
  if (truncated.length > 0) {
    problems.push(
      `${tevPath}: ends at byte ${tevSize} but the index lists stream samples beyond it (truncated file); per channel, stream ${truncated.join(", stream ")}`,
    );
  }

  const order = storeOrder(join(folder, `${stem}.Tbk`));
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  result.sort((a, b) => rank(a.name) - rank(b.name));
  return {
    folderPath: folder,
    stem,
    startTimestamp: blockStart,
    stopTimestamp: stop,
    streams: result,
    epocs: [...epocs].map(([name, e]) => ({
      name,
      times: e.onsetTimes.toArray().map((t) => t - blockStart),
      values: e.values.toArray(),
      offsets: e.offsetTimes.toArray().map((t) => t - blockStart),
    })),
    snippets: [...snippets].map(([name, index]) =>
      snippetStore(tsqPath, tevPath, tevSize, name, index, blockStart, problems),
    ),
    otherStores: [...others.values()],
    problems,
  };
}

/** A snippet store's index; snippets whose bytes lie past the end of the `.tev` are left out (a problem). */
function snippetStore(
  tsqPath: string,
  tevPath: string,
  tevSize: number | undefined,
  name: string,
  index: SnippetIndex,
  blockStart: number,
  problems: string[],
): TdtSnippets {
  const dtype = FORMATS[index.format];
  if (dtype === undefined) {
    throw new SourceDataError(
      tsqPath,
      `snippet store '${name}' has data format ${index.format}, not one TDT defines (0-5)`,
    );
  }
  if (tevSize === undefined) {
    throw new SourceDataError(
      tevPath,
      `is missing; snippet store '${name}' of the block has its waveforms there`,
    );
  }
  const width = bytesPerElement(dtype);
  const samplesPerSnippet = ((index.words - HEADER_WORDS) * 4) / width;
  const offsets = index.offsets.toArray();
  const kept: number[] = [];
  offsets.forEach((offset, i) => {
    if (offset + samplesPerSnippet * width <= tevSize) kept.push(i);
  });
  if (kept.length < offsets.length) {
    problems.push(
      `${tevPath}: ends at byte ${tevSize} but the index lists snippets beyond it (truncated file); snippet store '${name}' keeps ${kept.length} of ${offsets.length} snippets`,
    );
  }
  const pick = (values: Float64Array) => Float64Array.from(kept, (i) => values[i]!);
  const keptOffsets = pick(offsets);
  return {
    name,
    samplingRate: index.frequency,
    dtype,
    samplesPerSnippet,
    channels: pick(index.channels.toArray()),
    sortCodes: pick(index.sortCodes.toArray()),
    times: pick(index.times.toArray()).map((t) => t - blockStart),
    forEachWaveform(indices, visit) {
      withOpenFile(tevPath, (fd) => {
        const waveform = allocate(dtype, samplesPerSnippet);
        const bytes = new Uint8Array(waveform.buffer, waveform.byteOffset, waveform.byteLength);
        for (let k = 0; k < indices.length; k++) {
          const i = indices[k]!;
          readFullySync(fd, bytes, keptOffsets[i]!, tevPath);
          visit(waveform, i);
        }
      });
    },
  };
}

/** Runs of blocks whose timestamps follow one another at the stream's rate (within one sample). */
function segmentsOf(
  blockTimes: Float64Array,
  samplesPerBlock: number,
  rate: number,
  blockStart: number,
): { firstIndex: number; startingTime: number }[] {
  const first = blockTimes[0];
  if (first === undefined) return [{ firstIndex: 0, startingTime: 0 }];
  const segments = [{ firstIndex: 0, startingTime: first - blockStart }];
  let origin = { block: 0, time: first };
  for (let k = 1; k < blockTimes.length; k++) {
    const expected = origin.time + ((k - origin.block) * samplesPerBlock) / rate;
    if (Math.abs(blockTimes[k]! - expected) > 1 / rate) {
      segments.push({ firstIndex: k * samplesPerBlock, startingTime: blockTimes[k]! - blockStart });
      origin = { block: k, time: blockTimes[k]! };
    }
  }
  return segments;
}

/**
 * Store names in the order the `.Tbk` header lists them (the order TDT's software shows, neo's stream
 * order); empty when the block has no `.Tbk`. Only the `StoreName` entries are read: the rest of the
 * header repeats what the index records say.
 */
function storeOrder(tbkPath: string): string[] {
  let text: string;
  try {
    text = readFileSync(tbkPath, "latin1");
  } catch {
    return [];
  }
  return [...text.matchAll(/NAME=StoreName;TYPE=\w*;VALUE=([^;\r\n]*);/g)].map((m) => m[1]!);
}

/** SEV header fields (TDT's SEV layout: 40 bytes, then the channel's samples). */
interface SevHeader {
  readonly channel: number;
  readonly dtype: NumericDtype;
  readonly samplingRate: number;
  readonly numSamples: number;
}

function readSevHeader(path: string): SevHeader {
  const size = withOpenFile(path, (_fd, _path, bytes) => bytes);
  const header = readBytesSync(path, 0, RECORD_BYTES, "the 40-byte SEV header");
  if (header.toString("latin1", 8, 11) !== "SEV") {
    throw new SourceDataError(path, "does not start with a SEV header (bytes 8-10 are not 'SEV')");
  }
  const version = header.readUInt8(11);
  if (version === 0) {
    throw new SourceDataError(
      path,
      "has an empty SEV header (written before OpenEx 2.18); its rate and format are unknown",
    );
  }
  const dtype = FORMATS[header.readUInt8(24) & 7];
  if (dtype === undefined)
    throw new SourceDataError(path, `has data format ${header.readUInt8(24) & 7}, not one TDT defines`);
  const decimate = header.readUInt8(25);
  const rate = header.readUInt16LE(26);
  const width = bytesPerElement(dtype);
  return {
    channel: header.readUInt16LE(16),
    dtype,
    samplingRate: (2 ** (rate - 12) * 25_000_000) / Math.max(1, decimate),
    numSamples: Math.floor((size - RECORD_BYTES) / width),
  };
}

/** A stream stored as one `.sev` file per channel (`..._<store>_Ch<N>.sev`), or undefined when it has none. */
function sevStream(
  folder: string,
  sevFiles: readonly string[],
  index: StreamIndex,
  blockStart: number,
  problems: string[],
): TdtStream | undefined {
  const pattern = new RegExp(`_${index.name.replace(/[^A-Za-z0-9]/g, "\\$&")}_ch(\\d+)\\.sev$`, "i");
  const files = sevFiles.filter((f) => pattern.test(f)).map((f) => join(folder, f));
  if (files.length === 0) return undefined;
  const headers = files.map((f) => ({ path: f, ...readSevHeader(f) })).sort((a, b) => a.channel - b.channel);
  const numSamples = Math.min(...headers.map((h) => h.numSamples));
  if (headers.some((h) => h.numSamples !== numSamples)) {
    problems.push(
      `${folder}: the .sev files of stream '${index.name}' hold ${numSamples} to ${Math.max(...headers.map((h) => h.numSamples))} samples; the first ${numSamples} of each are kept`,
    );
  }
  const first = headers[0]!;
  const columns = headers.map(
    (h) =>
      new InterleavedFile({
        path: h.path,
        dtype: h.dtype,
        numChannels: 1,
        records: { kind: "contiguous", offset: RECORD_BYTES, rows: numSamples },
      }),
  );
  return {
    name: index.name,
    samplingRate: first.samplingRate,
    dtype: first.dtype,
    channels: headers.map((h) => h.channel),
    numSamples,
    indexedSamples: numSamples,
    startTime: index.firstTimestamp - blockStart,
    segments: [{ firstIndex: 0, startingTime: index.firstTimestamp - blockStart }],
    storage: "sev",
    data: () =>
      stackColumns(
        columns.map((c) => ({ dtype: c.dtype, numSamples, readRows: (s, e) => c.readRows(s, e) })),
      ),
  };
}
