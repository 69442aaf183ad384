/**
 * The legacy "Open Ephys format" (gui-docs, "Open Ephys format"; record layouts from plugin-GUI
 * `OriginalRecording.cpp` (GUI 0.4/0.5) and the open-ephys-data-format plugin (GUI 0.6)).
 *
 * One `.continuous` file per channel: a 1024-byte text header, then records of 2070 bytes:
 *
 *     int64   timestamp       little-endian; sample number of the record's first sample
 *     uint16  N               little-endian; samples in the record, always 1024
 *     uint16  recording       little-endian; recording number (0 for the first recording of an experiment)
 *     int16   samples[1024]   BIG-endian (the GUI converts with convertFloatToInt16BE)
 *     uint8   marker[10]      0 1 2 3 4 5 6 7 8 255
 *
 * The header, timestamp, N and recording number are written with `fwrite` from an x86 host, hence
 * little-endian; analysis-tools' `OpenEphys.py` reads the recording number big-endian, which is wrong for
 * any recording but the first (open-ephys-python-tools and neo read it little-endian).
 * A recording that stops mid-record is completed with zeros, so every record holds 1024 samples.
 *
 * `.events` records are 16 bytes: int64 timestamp (sample number), int16 position in the buffer, uint8
 * event type (3 = TTL), uint8 processor id, uint8 event id (1 = on, 0 = off), uint8 channel (0-based line),
 * uint16 recording number.
 *
 * Experiments (acquisition restarted) are separate files (`_2`, `_3`, ... suffixes); recordings within
 * an experiment are told apart by the record's recording number. Blocks are (experiment, recording) pairs in
 * that order. Streams group the channels of one processor by name prefix, as neo does: `Signals CH`
 * (headstage channels, bitVolts in µV), `Signals AUX` and `Signals ADC` (bitVolts in V).
 */
import { closeSync, openSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import {
  checkRange,
  DEFAULT_BLOCK_BYTES,
  LITTLE_ENDIAN_HOST,
  lastIndexWhere,
  openSourceFile,
  packChannels,
  readFully,
  readFullySync,
} from "../binary.js";
import { childrenNamed, descendantsNamed, readXmlFile } from "../xml.js";
import { countingSource, type OpenEphysStreamCommon, type OpenOpenEphysStreamOptions } from "./binary.js";
import { makeChannel } from "./channels.js";
import { type OpenEphysTtlEvents, splitByLine } from "./events.js";
import {
  findLegacyFolders,
  type LegacyContinuousName,
  type LegacyEventsName,
  parseContinuousName,
  parseEventsName,
} from "./legacyFiles.js";
import {
  LEGACY_HEADER_BYTES,
  type LegacyHeader,
  parseLegacyHeader,
  readLegacyHeader,
} from "./legacyHeader.js";
import { selectStream } from "./select.js";
import { parseOpenEphysDate, readOpenEphysSettings, settingsPathFor } from "./settings.js";

/** Samples per continuous record. */
export const LEGACY_SAMPLES_PER_RECORD = 1024;
/** Bytes per continuous record: 8 + 2 + 2 + 2 × 1024 + 10. */
export const LEGACY_RECORD_BYTES = 2070;
/** Bytes per event record. */
export const LEGACY_EVENT_BYTES = 16;
/** The 10 bytes that end every continuous record. */
export const LEGACY_RECORD_MARKER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 255] as const;
/** Event type of TTL events in `.events` records. */
export const LEGACY_TTL_EVENT = 3;

/** A stream of a legacy folder: the channel files of one processor and channel type. */
export interface OpenEphysLegacyStreamEntry {
  /** `Signals CH`, `Signals AUX`, `Signals ADC`; `Signals CH (100)` etc. when several processors recorded. */
  readonly name: string;
  readonly nodeId: number;
  /** Stream name from GUI 0.6 file names. */
  readonly stream: string | undefined;
  readonly channelType: string;
  /** Channel files in natural order (CH1, CH2, ..., CH10). */
  readonly files: readonly LegacyContinuousName[];
}

/** One recording of a legacy folder. */
export interface OpenEphysLegacyBlock {
  readonly blockIndex: number;
  readonly folderPath: string;
  readonly experiment: number;
  /** Recording number as stored in the records (0 for the first recording). */
  readonly recordingNumber: number;
  /** recordingNumber + 1, matching the binary format's `recording<M>` numbering. */
  readonly recording: number;
  readonly streams: readonly OpenEphysLegacyStreamEntry[];
  /** Event files of the experiment. */
  readonly eventFiles: readonly LegacyEventsName[];
}

/** A run of records of one recording in one file. */
interface Segment {
  readonly recordingNumber: number;
  readonly firstRecord: number;
  readonly recordCount: number;
  readonly firstTimestamp: number;
}

/** The layout of one `.continuous` file: header and recordings. */
interface ContinuousLayout {
  readonly path: string;
  readonly header: LegacyHeader;
  readonly recordCount: number;
  readonly segments: readonly Segment[];
}

function recordPosition(record: number): number {
  return LEGACY_HEADER_BYTES + record * LEGACY_RECORD_BYTES;
}

/** Reads the layout of a `.continuous` file: checks the size and markers and finds the recordings. */
function readContinuousLayout(path: string): ContinuousLayout {
  const header = readLegacyHeader(path);
  const payload = header.fileSize - LEGACY_HEADER_BYTES;
  if (payload % LEGACY_RECORD_BYTES !== 0) {
    throw new SourceDataError(
      path,
      `size ${header.fileSize} bytes is not the 1024-byte header plus whole ${LEGACY_RECORD_BYTES}-byte records (${payload % LEGACY_RECORD_BYTES} bytes left over after ${Math.floor(payload / LEGACY_RECORD_BYTES)} records): truncated? Use the complete file, or cut it after the last complete record`,
    );
  }
  const recordCount = payload / LEGACY_RECORD_BYTES;
  if (recordCount === 0) return { path, header, recordCount, segments: [] };
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(12);
    const marker = Buffer.alloc(10);
    const cache = new Map<number, { timestamp: number; recordingNumber: number }>();
    const at = (record: number) => {
      const known = cache.get(record);
      if (known) return known;
      readFullySync(fd, head, recordPosition(record), path);
      const n = head.readUInt16LE(8);
      if (n !== LEGACY_SAMPLES_PER_RECORD) {
        throw new SourceDataError(
          path,
          `record ${record} declares ${n} samples; every record of the format holds ${LEGACY_SAMPLES_PER_RECORD} (the file is corrupted, or not a continuous file)`,
        );
      }
      const value = { timestamp: Number(head.readBigInt64LE(0)), recordingNumber: head.readUInt16LE(10) };
      cache.set(record, value);
      return value;
    };
    for (const record of new Set([0, recordCount - 1])) {
      readFullySync(fd, marker, recordPosition(record) + LEGACY_RECORD_BYTES - 10, path);
      if (!LEGACY_RECORD_MARKER.every((b, i) => marker[i] === b)) {
        throw new SourceDataError(
          path,
          `record ${record} does not end with the record marker 0 1 2 3 4 5 6 7 8 255; the file is corrupted or not a continuous file`,
        );
      }
    }
    // Recording numbers only grow through a file (recordings are appended), so each boundary is found by
    // bisection: a few reads whatever the file size.
    const segments: Segment[] = [];
    let first = 0;
    while (first < recordCount) {
      const { recordingNumber, timestamp } = at(first);
      const lo = lastIndexWhere(first, recordCount - 1, (r) => at(r).recordingNumber === recordingNumber);
      const count = lo - first + 1;
      const last = at(lo);
      if (last.timestamp - timestamp !== (count - 1) * LEGACY_SAMPLES_PER_RECORD) {
        throw new SourceDataError(
          path,
          `recording ${recordingNumber} (records ${first} to ${lo}) is not continuous: its timestamps run from ${timestamp} to ${last.timestamp}, not ${LEGACY_SAMPLES_PER_RECORD} samples per record; records are missing or out of order, so samples cannot be placed in time`,
        );
      }
      if (segments.some((s) => s.recordingNumber >= recordingNumber)) {
        throw new SourceDataError(
          path,
          `recording numbers do not increase through the file (record ${first})`,
        );
      }
      segments.push({ recordingNumber, firstRecord: first, recordCount: count, firstTimestamp: timestamp });
      first = lo + 1;
    }
    return { path, header, recordCount, segments };
  } finally {
    closeSync(fd);
  }
}

function naturalOrder(a: LegacyContinuousName, b: LegacyContinuousName): number {
  const na = Number.isNaN(a.channelNumber) ? Number.MAX_SAFE_INTEGER : a.channelNumber;
  const nb = Number.isNaN(b.channelNumber) ? Number.MAX_SAFE_INTEGER : b.channelNumber;
  return na - nb || a.channel.localeCompare(b.channel);
}

/** The folder holding the legacy files (the given one, or its only Record Node sub-folder). */
function legacyFolder(folderPath: string): string {
  const folders = findLegacyFolders(folderPath);
  if (folders.length === 0) {
    throw new SourceDataError(
      folderPath,
      "no Open Ephys legacy-format recording found: expected .continuous files in it (or in a Record Node folder inside it)",
    );
  }
  if (folders.length > 1) {
    throw new SourceDataError(
      folderPath,
      `holds legacy-format files in ${folders.length} folders (${folders.join(", ")}); pass one of them`,
    );
  }
  return folders[0]!;
}

/**
 * Every recording of a legacy-format folder, ordered by experiment and recording number. The recordings of
 * an experiment are read from the first channel file of the experiment.
 */
export function discoverOpenEphysLegacyRecordings(folderPath: string): OpenEphysLegacyBlock[] {
  const folder = legacyFolder(folderPath);
  const names = readdirSync(folder).sort();
  const continuous = names.map(parseContinuousName).filter((n): n is LegacyContinuousName => n !== undefined);
  if (continuous.length === 0) {
    throw new SourceDataError(
      folder,
      "holds .continuous files, but none is named as the GUI names them (<processor>_<channel>[_<experiment>].continuous, e.g. 100_CH1.continuous); restore the original names",
    );
  }
  // GUI 0.4/0.5's "Separate Files" option appends `_<recording>` to file names, which cannot be told apart
  // from experiment suffixes; its Continuous_Data.openephys says so.
  for (const name of names.filter((n) => /^Continuous_Data(_\d+)?\.openephys$/.test(n))) {
    if (readXmlFile(join(folder, name)).attributes.separatefiles === "1") {
      throw new SourceDataError(
        join(folder, name),
        "the recording was saved with the GUI's 'Separate Files' option (one file per recording), which this reader does not support; record without it or convert the files to the binary format",
      );
    }
  }
  const events = names.map(parseEventsName).filter((n): n is LegacyEventsName => n !== undefined);
  const sources = new Set(continuous.map((c) => `${c.nodeId}\u0000${c.stream ?? ""}`));
  const streamName = (c: LegacyContinuousName) =>
    `Signals ${c.channelType}${sources.size > 1 ? ` (${c.nodeId}${c.stream ? ` ${c.stream}` : ""})` : ""}`;

  const experiments = [...new Set(continuous.map((c) => c.experiment))].sort((a, b) => a - b);
  const blocks: OpenEphysLegacyBlock[] = [];
  for (const experiment of experiments) {
    const files = continuous.filter((c) => c.experiment === experiment);
    const byName = new Map<string, LegacyContinuousName[]>();
    for (const file of files) {
      const name = streamName(file);
      byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    const streams = [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, group]): OpenEphysLegacyStreamEntry => {
        const first = group[0]!;
        return {
          name,
          nodeId: first.nodeId,
          stream: first.stream,
          channelType: first.channelType,
          files: [...group].sort(naturalOrder),
        };
      });
    const layout = readContinuousLayout(join(folder, streams[0]!.files[0]!.fileName));
    for (const segment of layout.segments) {
      blocks.push({
        blockIndex: blocks.length,
        folderPath: folder,
        experiment,
        recordingNumber: segment.recordingNumber,
        recording: segment.recordingNumber + 1,
        streams,
        eventFiles: events.filter((e) => e.experiment === experiment),
      });
    }
  }
  return blocks;
}

/** Distinct legacy stream names, sorted by code point. */
export function legacyStreamNames(blocks: readonly OpenEphysLegacyBlock[]): string[] {
  return [...new Set(blocks.flatMap((b) => b.streams.map((s) => s.name)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
}

/** A continuous stream of a legacy-format recording. */
export interface OpenEphysLegacyStream extends OpenEphysStreamCommon {
  readonly format: "legacy";
  readonly block: OpenEphysLegacyBlock;
  readonly entry: OpenEphysLegacyStreamEntry;
  /** The `.continuous` file of each channel, in channel order. */
  readonly files: readonly string[];
  /** Format version of the headers ("0.4", "0.5" or "0.6"). */
  readonly version: string;
}

/** Sample rates from `Continuous_Data[_N].openephys` (0.4/0.5) or `structure[_N].openephys` (0.6). */
function xmlSampleRates(folder: string, experiment: number): Map<string, number> {
  const rates = new Map<string, number>();
  const suffix = experiment > 1 ? `_${experiment}` : "";
  for (const name of [`Continuous_Data${suffix}.openephys`, `structure${suffix}.openephys`]) {
    let root: ReturnType<typeof readXmlFile>;
    try {
      root = readXmlFile(join(folder, name));
    } catch {
      continue;
    }
    for (const recording of childrenNamed(root, "RECORDING")) {
      const recordingRate = Number(recording.attributes.samplerate);
      for (const holder of [
        ...childrenNamed(recording, "PROCESSOR"),
        ...childrenNamed(recording, "STREAM"),
      ]) {
        const rate = Number(holder.attributes.sample_rate ?? recordingRate);
        for (const channel of descendantsNamed(holder, "CHANNEL")) {
          const file = channel.attributes.filename;
          if (file && rate > 0) rates.set(file, rate);
        }
      }
    }
  }
  return rates;
}

/**
 * Opens a continuous stream of a legacy-format folder (the Record Node folder holding the `.continuous`
 * files, or a session folder with one such Record Node inside). Headers and the record layout are read
 * here, synchronously (a few small reads per file); samples are read when the source is asked for rows.
 */
export function openOpenEphysLegacyStream(
  folderPath: string,
  options: OpenOpenEphysStreamOptions = {},
): OpenEphysLegacyStream {
  const blocks = discoverOpenEphysLegacyRecordings(folderPath);
  const { block, stream: entry } = selectStream(
    folderPath,
    blocks,
    legacyStreamNames(blocks),
    options.streamName,
    options.blockIndex,
  );
  const folder = block.folderPath;
  const layouts = entry.files.map((f) => readContinuousLayout(join(folder, f.fileName)));
  const xmlRates = layouts.some((l) => l.header.sampleRate === undefined)
    ? xmlSampleRates(folder, block.experiment)
    : new Map<string, number>();
  const rates = layouts.map((l, i) => {
    const rate = l.header.sampleRate ?? xmlRates.get(entry.files[i]!.fileName);
    if (rate === undefined) {
      throw new SourceDataError(
        l.path,
        "the header gives no sampleRate and no Continuous_Data/structure .openephys file names the file; the sample rate is unknown",
      );
    }
    return rate;
  });
  const samplingRate = rates[0]!;
  rates.forEach((rate, i) => {
    if (rate !== samplingRate) {
      throw new SourceDataError(
        layouts[i]!.path,
        `sampleRate is ${rate} but ${layouts[0]!.path} has ${samplingRate}; channels of one stream must share a sample rate`,
      );
    }
  });
  const segments = layouts.map((l) => {
    const segment = l.segments.find((s) => s.recordingNumber === block.recordingNumber);
    if (!segment) {
      throw new SourceDataError(
        l.path,
        `has no records of recording ${block.recordingNumber} (experiment ${block.experiment}); it holds recordings ${l.segments.map((s) => s.recordingNumber).join(", ") || "none"}`,
      );
    }
    return segment;
  });
  // Channels normally start and end together; if one lost records, keep the span all of them cover (as
  // neo does) rather than misalign them.
  const start = Math.max(...segments.map((s) => s.firstTimestamp));
  const end = Math.min(...segments.map((s) => s.firstTimestamp + s.recordCount * LEGACY_SAMPLES_PER_RECORD));
  const firstRecords = segments.map((s, i) => {
    const offset = (start - s.firstTimestamp) / LEGACY_SAMPLES_PER_RECORD;
    if (!Number.isInteger(offset)) {
      throw new SourceDataError(
        layouts[i]!.path,
        `its records start at sample ${s.firstTimestamp}, which is not a whole number of records from ${start} where other channels start; the channels cannot be aligned`,
      );
    }
    return s.firstRecord + offset;
  });
  const numSamples = Math.max(0, end - start);
  const channels = entry.files.map((f, i) => {
    const header = layouts[i]!.header;
    if (header.bitVolts === undefined) {
      throw new SourceDataError(
        layouts[i]!.path,
        "the header gives no bitVolts; the samples cannot be scaled",
      );
    }
    return makeChannel(i, {
      name: f.channel,
      description: header.fields.description ?? "",
      bitVolts: header.bitVolts,
      // Names decide the unit: CH channels are headstage channels (µV per bit), AUX/ADC are in volts.
      ...(f.channelType.toUpperCase() === "CH"
        ? { type: 0 }
        : f.channelType.toUpperCase() === "AUX"
          ? { type: 1 }
          : {}),
    });
  });
  const paths = layouts.map((l) => l.path);
  const reader = new LegacyReader(paths, Float64Array.from(firstRecords), numSamples, options.blockBytes);
  const settingsPath = settingsPathFor(folder, block.experiment);
  const sessionStartTime =
    (settingsPath ? readOpenEphysSettings(settingsPath).sessionStartTime : undefined) ??
    parseOpenEphysDate(layouts[0]!.header.dateCreated);
  const nonSync = channels.filter((c) => c.kind !== "sync").map((c) => c.index);

  return {
    format: "legacy",
    name: entry.name,
    blockIndex: block.blockIndex,
    experiment: block.experiment,
    recording: block.recording,
    block,
    entry,
    files: paths,
    version: layouts[0]!.header.version,
    fallbacks: [],
    samplingRate,
    numSamples,
    channels,
    firstSampleNumber: start,
    // Records were checked to be gap-free.
    lastSampleNumber: start + numSamples - 1,
    startTime: start / samplingRate,
    sessionStartTime,
    probe: undefined,
    data: (picked) => reader.source(picked ?? nonSync),
    sampleNumbers: () => countingSource(start, numSamples),
    ttlEvents: async () => {
      const files = block.eventFiles.filter(
        (e) => e.nodeId === undefined || (e.nodeId === entry.nodeId && e.stream === entry.stream),
      );
      return Promise.all(
        files.map((e) => readLegacyTtlEvents(join(folder, e.fileName), block.recordingNumber, samplingRate)),
      );
    },
  };
}

/** Lazy reads across the channel files of one stream. */
class LegacyReader {
  private readonly blockBytes: number;

  constructor(
    private readonly paths: readonly string[],
    /** Index (in its file) of each channel's first record of the block. */
    private readonly firstRecords: Float64Array,
    private readonly numSamples: number,
    blockBytes: number | undefined,
  ) {
    this.blockBytes = blockBytes ?? DEFAULT_BLOCK_BYTES;
  }

  source(columns: readonly number[]): ChunkSource {
    const picked = packChannels(columns, this.paths.length, "the stream's channels");
    return {
      dtype: "int16",
      shape: [this.numSamples, picked.length],
      readRows: (start, end) => this.readRows(start, end, picked),
    };
  }

  async readRows(start: number, end: number, columns: Int32Array): Promise<Int16Array> {
    checkRange(start, end, this.numSamples, "samples", this.paths[columns[0] ?? 0] ?? "the stream");
    const width = columns.length;
    const out = new Int16Array((end - start) * width);
    if (end === start || width === 0) return out;
    const firstRecord = Math.floor(start / LEGACY_SAMPLES_PER_RECORD);
    const lastRecord = Math.ceil(end / LEGACY_SAMPLES_PER_RECORD); // exclusive
    const perRead = Math.max(1, Math.floor(this.blockBytes / LEGACY_RECORD_BYTES));
    // Own ArrayBuffer (offset 0), so that an Int16Array can view it after swapping to host order.
    const buffer = Buffer.allocUnsafeSlow(Math.min(perRead, lastRecord - firstRecord) * LEGACY_RECORD_BYTES);
    const halfWords = new Int16Array(buffer.buffer, 0, buffer.length / 2);
    const wordsPerRecord = LEGACY_RECORD_BYTES / 2;
    for (let col = 0; col < width; col++) {
      const channel = columns[col]!;
      const path = this.paths[channel]!;
      const handle = await openSourceFile(path);
      try {
        for (let r = firstRecord; r < lastRecord; r += perRead) {
          const count = Math.min(perRead, lastRecord - r);
          const bytes = buffer.subarray(0, count * LEGACY_RECORD_BYTES);
          await readFully(handle, bytes, recordPosition(this.firstRecords[channel]! + r), path);
          // Samples are big-endian; records are an even number of bytes, so one swap of the whole block puts
          // every sample in host order (the record headers get scrambled, but they are not used here).
          if (LITTLE_ENDIAN_HOST) bytes.swap16();
          for (let k = 0; k < count; k++) {
            const recordStart = (r + k) * LEGACY_SAMPLES_PER_RECORD; // sample index of the record's first sample
            const from = Math.max(start, recordStart);
            const to = Math.min(end, recordStart + LEGACY_SAMPLES_PER_RECORD);
            let p = k * wordsPerRecord + 6 + (from - recordStart);
            let o = (from - start) * width + col;
            for (let s = from; s < to; s++, p++, o += width) out[o] = halfWords[p]!;
          }
        }
      } finally {
        await handle.close();
      }
    }
    return out;
  }
}

/**
 * TTL events of one recording from a legacy `.events` file. `recordingNumber` selects the recording (as
 * stored, from 0); `fallbackRate` is used when the header has no sampleRate. Timestamps are sample number /
 * sample rate.
 */
export async function readLegacyTtlEvents(
  path: string,
  recordingNumber: number,
  fallbackRate: number,
): Promise<OpenEphysTtlEvents> {
  const handle = await openSourceFile(path);
  let bytes: Buffer;
  try {
    const size = (await handle.stat()).size;
    if (size < LEGACY_HEADER_BYTES) {
      throw new SourceDataError(path, `is ${size} bytes long, shorter than the 1024-byte header: truncated?`);
    }
    bytes = Buffer.allocUnsafe(size);
    await readFully(handle, bytes, 0, path);
  } finally {
    await handle.close();
  }
  const header = parseLegacyHeader(
    bytes.subarray(0, LEGACY_HEADER_BYTES).toString("latin1"),
    path,
    bytes.length,
  );
  const payload = bytes.length - LEGACY_HEADER_BYTES;
  if (payload % LEGACY_EVENT_BYTES !== 0) {
    throw new SourceDataError(
      path,
      `size ${bytes.length} bytes is not the 1024-byte header plus whole ${LEGACY_EVENT_BYTES}-byte event records (${payload % LEGACY_EVENT_BYTES} bytes left over): truncated?`,
    );
  }
  const sampleRate = header.sampleRate ?? fallbackRate;
  const total = payload / LEGACY_EVENT_BYTES;
  const kept: number[] = [];
  for (let i = 0; i < total; i++) {
    const p = LEGACY_HEADER_BYTES + i * LEGACY_EVENT_BYTES;
    if (bytes[p + 10] === LEGACY_TTL_EVENT && bytes.readUInt16LE(p + 14) === recordingNumber) kept.push(p);
  }
  const line = new Int32Array(kept.length);
  const state = new Int8Array(kept.length);
  const sampleNumber = new Float64Array(kept.length);
  const timestamp = new Float64Array(kept.length);
  const processorId = new Int32Array(kept.length);
  kept.forEach((p, i) => {
    sampleNumber[i] = Number(bytes.readBigInt64LE(p));
    timestamp[i] = sampleNumber[i]! / sampleRate;
    processorId[i] = bytes[p + 11]!;
    state[i] = bytes[p + 12] ? 1 : -1;
    line[i] = bytes[p + 13]! + 1;
  });
  return {
    name: basename(path),
    path,
    channelName: undefined,
    description: header.fields.description,
    sampleRate,
    timestampSource: "sampleNumbers",
    line,
    state,
    sampleNumber,
    timestamp,
    fullWord: undefined,
    processorId,
    lines: splitByLine(line, state, sampleNumber, timestamp),
  };
}
