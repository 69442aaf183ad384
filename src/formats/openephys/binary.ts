/**
 * Opening one continuous stream of an Open Ephys binary-format recording (gui-docs, "Binary format"):
 * `continuous.dat` holds little-endian int16 samples, all channels of a sample after one another; the
 * number of samples follows from its size. `sample_numbers.npy` (GUI >= 0.6; `timestamps.npy` of int64
 * before) gives each sample's index since acquisition started; `timestamps.npy` (GUI >= 0.6;
 * `synchronized_timestamps.npy` in 0.5) gives seconds on the Record Node's synchronized clock.
 *
 * `startTime` is first sample number / sample rate, the convention neo and NeuroConv use; the synchronized
 * first timestamp is `firstTimestamp`. They differ for streams that are not the Record Node's main stream
 * (e.g. an NI-DAQ next to a Neuropixels probe).
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { InterleavedFile } from "../interleaved.js";
import { NpyFile, type NpyHeader, npyToFloat64, readNpyHeader } from "../npy/index.js";
import { makeChannel, type OpenEphysChannel } from "./channels.js";
import {
  binaryStreamNames,
  discoverOpenEphysRecordings,
  type OpenEphysBinaryStreamEntry,
  type OpenEphysRecordingBlock,
} from "./discover.js";
import { type OpenEphysTtlEvents, readBinaryTtlEvents } from "./events.js";
import { selectStream } from "./select.js";
import { findNeuropixelsProbe, type OpenEphysProbe, readOpenEphysSettings } from "./settings.js";

/** Options of {@link openOpenEphysBinaryStream} and {@link openOpenEphysLegacyStream}. */
export interface OpenOpenEphysStreamOptions {
  /** Stream name (see {@link getOpenEphysStreamNames}); required when the folder holds several streams. */
  readonly streamName?: string;
  /** Position in the list of recordings (default: the first recording that holds the stream). */
  readonly blockIndex?: number;
  /** Largest single read in bytes (default 8 MiB); smaller values only split reads. */
  readonly blockBytes?: number;
}

/** What both formats offer for one continuous stream of one recording. */
export interface OpenEphysStreamCommon {
  /** The stream name it was opened by. */
  readonly name: string;
  /** Position of the recording among the folder's recordings. */
  readonly blockIndex: number;
  readonly experiment: number;
  readonly recording: number;
  readonly samplingRate: number;
  /** Samples per channel in this recording. */
  readonly numSamples: number;
  readonly channels: readonly OpenEphysChannel[];
  /** Sample number (index since acquisition started) of the first sample. */
  readonly firstSampleNumber: number;
  /**
   * Sample number of the last sample. When it is not firstSampleNumber + numSamples - 1, samples were
   * dropped and a regular rate does not describe the timing: use the sample numbers.
   */
  readonly lastSampleNumber: number;
  /** firstSampleNumber / samplingRate, in seconds. */
  readonly startTime: number;
  /** Date the GUI wrote (settings.xml, or the legacy header), ISO 8601 local time without a zone. */
  readonly sessionStartTime: string | undefined;
  /** Neuropixels probe geometry from settings.xml, when the stream records a Neuropixels probe. */
  readonly probe: OpenEphysProbe | undefined;
  /**
   * int16 samples of the given channel indices (default: every channel that is not a sync channel),
   * shape (numSamples, channels).
   */
  data(channels?: readonly number[]): ChunkSource;
  /** int64 sample number of every sample, shape (numSamples). */
  sampleNumbers(): ChunkSource;
  /** The TTL events recorded with this stream. */
  ttlEvents(): Promise<OpenEphysTtlEvents[]>;
  /** Files or header fields that change timing or scale but are missing, each with the value used instead. */
  readonly fallbacks: readonly string[];
}

/** A continuous stream of a binary-format recording. */
export interface OpenEphysBinaryStream extends OpenEphysStreamCommon {
  readonly format: "binary";
  readonly block: OpenEphysRecordingBlock;
  readonly entry: OpenEphysBinaryStreamEntry;
  readonly datPath: string;
  /** The int64 sample-number file, undefined when it is missing (numbers then count from 0). */
  readonly sampleNumbersPath: string | undefined;
  /** The float64 synchronized-timestamps file, when present. */
  readonly timestampsPath: string | undefined;
  /** First synchronized timestamp in seconds, when the file is present. */
  readonly firstTimestamp: number | undefined;
  /** Wall-clock start of the recording from sync_messages.txt ("Software Time"), ISO 8601 UTC. */
  readonly softwareStartTime: string | undefined;
  /** float64 synchronized timestamps (seconds) of every sample, shape (numSamples), when present. */
  timestamps(): ChunkSource | undefined;
}

/** Names of the continuous streams of a binary-format folder (see {@link OpenEphysBinaryStreamEntry.name}). */
export function getOpenEphysBinaryStreamNames(folderPath: string): string[] {
  return binaryStreamNames(discoverOpenEphysRecordings(folderPath));
}

function npyHeaderIfExists(path: string): NpyHeader | undefined {
  try {
    statSync(path);
  } catch {
    return undefined;
  }
  return readNpyHeader(path);
}

/** Element `row` of a numeric 1-D `.npy` array. */
function element(header: NpyHeader, row: number): number {
  return npyToFloat64(NpyFile.open(header.path).readRows(row, row + 1), header.path, "numbers")[0]!;
}

function checkLength(header: NpyHeader, numSamples: number, datPath: string): void {
  const n = header.shape.length === 0 ? 1 : header.shape[0]!;
  if (header.shape.length !== 1 || n !== numSamples) {
    throw new SourceDataError(
      header.path,
      `holds ${header.shape.length === 1 ? `${n} values` : `an array of shape (${header.shape.join(", ")})`} but ${datPath} holds ${numSamples} samples; one of the files is truncated or they are from different recordings`,
    );
  }
}

/** A lazy 1-D source over a numeric `.npy` file of `rows` elements. */
function npySource(header: NpyHeader, dtype: "int64" | "float64"): ChunkSource {
  let file: NpyFile | undefined;
  return {
    dtype,
    shape: [header.shape[0]!],
    readRows: (start, end) => {
      file ??= NpyFile.open(header.path);
      const data = file.readRows(start, end).data;
      if (dtype === "int64") {
        if (data instanceof BigInt64Array) return data;
        if (Array.isArray(data)) throw new SourceDataError(header.path, "expected numbers, found text");
        return BigInt64Array.from(data as ArrayLike<number | bigint>, (v) => BigInt(v));
      }
      if (data instanceof Float64Array) return data;
      if (Array.isArray(data)) throw new SourceDataError(header.path, "expected numbers, found text");
      return Float64Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
    },
  };
}

/** sample numbers first..first+n-1 as a lazy int64 source (for missing sample-number files). */
export function countingSource(first: number, n: number): ChunkSource {
  return {
    dtype: "int64",
    shape: [n],
    readRows: (start, end) => {
      const out = new BigInt64Array(end - start);
      for (let i = 0; i < out.length; i++) out[i] = BigInt(first + start + i);
      return out;
    },
  };
}

function readSoftwareStartTime(recordingFolder: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(recordingFolder, "sync_messages.txt"), "latin1");
  } catch {
    return undefined;
  }
  // GUI >= 0.6: "Software Time (milliseconds since midnight Jan 1st 1970 UTC): <ms>";
  // GUI 0.5: "Software time: <ticks>@<rate>Hz".
  const m = /software time[^:\n]*:\s*(\d+)(?:@(\d+(?:\.\d+)?)Hz)?/i.exec(text);
  if (!m) return undefined;
  const ms = m[2] ? (Number(m[1]) / Number(m[2])) * 1000 : Number(m[1]);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Opens a continuous stream of a binary-format folder (any level: session, Record Node, experiment or
 * recording folder). Headers are read here, synchronously; samples, sample numbers and timestamps are read
 * when their sources are asked for rows.
 */
export function openOpenEphysBinaryStream(
  folderPath: string,
  options: OpenOpenEphysStreamOptions = {},
): OpenEphysBinaryStream {
  const blocks = discoverOpenEphysRecordings(folderPath);
  const view = blocks.map((b) => ({
    ...b,
    block: b,
    streams: b.streams.map((s) => ({ name: s.name, alias: s.folderName, entry: s })),
  }));
  const { block: chosen, stream } = selectStream(
    folderPath,
    view,
    binaryStreamNames(blocks),
    options.streamName,
    options.blockIndex,
  );
  const block = chosen.block;
  const entry = stream.entry;
  const datPath = join(entry.folderPath, "continuous.dat");
  let size: number;
  try {
    size = statSync(datPath).size;
  } catch (error) {
    throw new SourceDataError(
      datPath,
      `cannot read the stream's data file (${(error as Error).message}); structure.oebin lists the stream '${entry.folderName}' but its continuous.dat is missing`,
    );
  }
  const numChannels = entry.numChannels;
  const rowBytes = numChannels * 2;
  if (rowBytes === 0 || size % rowBytes !== 0) {
    throw new SourceDataError(
      datPath,
      `size ${size} bytes is not a whole number of samples (${numChannels} channels x 2 bytes = ${rowBytes} bytes each; ${rowBytes === 0 ? size : size % rowBytes} bytes left over): truncated? Use the complete file, or cut it to a multiple of ${rowBytes} bytes`,
    );
  }
  const numSamples = size / rowBytes;
  const samplingRate = entry.samplingRate;

  // Sample numbers: sample_numbers.npy (>= 0.6) or an integer timestamps.npy (0.5).
  const timestampsHeader = npyHeaderIfExists(join(entry.folderPath, "timestamps.npy"));
  const isFloat = (h: NpyHeader | undefined) =>
    h !== undefined && (h.dtype === "float64" || h.dtype === "float32");
  let sampleNumbersHeader = npyHeaderIfExists(join(entry.folderPath, "sample_numbers.npy"));
  let syncHeader: NpyHeader | undefined;
  if (sampleNumbersHeader) syncHeader = isFloat(timestampsHeader) ? timestampsHeader : undefined;
  else if (timestampsHeader && !isFloat(timestampsHeader)) {
    sampleNumbersHeader = timestampsHeader;
    syncHeader = npyHeaderIfExists(join(entry.folderPath, "synchronized_timestamps.npy"));
  } else syncHeader = isFloat(timestampsHeader) ? timestampsHeader : undefined;
  if (sampleNumbersHeader) checkLength(sampleNumbersHeader, numSamples, datPath);
  if (syncHeader) checkLength(syncHeader, numSamples, datPath);
  const firstSampleNumber = sampleNumbersHeader && numSamples > 0 ? element(sampleNumbersHeader, 0) : 0;
  const lastSampleNumber =
    sampleNumbersHeader && numSamples > 0 ? element(sampleNumbersHeader, numSamples - 1) : numSamples - 1;
  const firstTimestamp = syncHeader && numSamples > 0 ? element(syncHeader, 0) : undefined;

  const channels = entry.info.channels.map((c, index) =>
    makeChannel(index, {
      name: c.channel_name,
      ...(c.description !== undefined ? { description: c.description } : {}),
      bitVolts: c.bit_volts,
      ...(c.units !== undefined ? { units: c.units } : {}),
      ...(typeof c.type === "number" ? { type: c.type } : {}),
      ...(c.identifier !== undefined ? { identifier: c.identifier } : {}),
      ...(c.history !== undefined ? { history: c.history } : {}),
    }),
  );
  const settings = block.settingsPath ? readOpenEphysSettings(block.settingsPath) : undefined;
  const probe = settings
    ? findNeuropixelsProbe(settings, entry.sourceProcessorId, entry.streamName)
    : undefined;
  const file = new InterleavedFile({
    path: datPath,
    dtype: "int16",
    numChannels,
    records: { kind: "contiguous", offset: 0, rows: numSamples },
    ...(options.blockBytes !== undefined && { blockBytes: options.blockBytes }),
  });
  const nonSync = channels.filter((c) => c.kind !== "sync").map((c) => c.index);
  const ttlEntries = block.eventStreams.filter(
    (e) => e.isTtl && e.folderName.split("/")[0] === entry.folderName,
  );

  return {
    format: "binary",
    name: entry.name,
    blockIndex: block.blockIndex,
    experiment: block.experiment,
    recording: block.recording,
    block,
    entry,
    datPath,
    samplingRate,
    numSamples,
    channels,
    firstSampleNumber,
    lastSampleNumber,
    startTime: firstSampleNumber / samplingRate,
    sessionStartTime: settings?.sessionStartTime,
    softwareStartTime: readSoftwareStartTime(block.folderPath),
    probe,
    sampleNumbersPath: sampleNumbersHeader?.path,
    fallbacks:
      sampleNumbersHeader || numSamples === 0
        ? []
        : [
            `${entry.folderPath}: sample_numbers.npy (or an integer timestamps.npy) is missing, so the first sample number is unknown; sample numbers count from 0 (starting_time 0 s)`,
          ],
    timestampsPath: syncHeader?.path,
    firstTimestamp,
    data: (picked) => file.source(picked ?? nonSync),
    sampleNumbers: () =>
      sampleNumbersHeader ? npySource(sampleNumbersHeader, "int64") : countingSource(0, numSamples),
    timestamps: () => (syncHeader ? npySource(syncHeader, "float64") : undefined),
    ttlEvents: () => Promise.all(ttlEntries.map((e) => readBinaryTtlEvents(e, samplingRate))),
  };
}
