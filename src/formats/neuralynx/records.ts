/**
 * Neuralynx record files after the 16 kB header (Neuralynx file format documents; field order cross-checked
 * with neo's NeuralynxRawIO). Timestamps are microseconds of the acquisition clock (uint64).
 * - `.ncs` continuous: 1044-byte records: timestamp, uint32 channel, uint32 sampling rate, uint32 valid
 *   samples, 512 int16 samples.
 * - `.nev` events: 184-byte records: int16 reserved, int16 system id, int16 data size, timestamp, int16 event
 *   id, uint16 TTL value, int16 CRC, 2 int16, 8 int32 extras, 128-byte event string.
 * - `.nse` / `.ntt` spikes: timestamp, uint32 channel, uint32 cell (cluster) number, int32 features (8 by
 *   default; the header's `-Feature` lines and record size say how many), int16 waveform samples (`.ntt`:
 *   WaveformLength rows of 4 channels).
 */
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";
import { InterleavedFile, type SampleRecord } from "../interleaved.js";
import { NEURALYNX_HEADER_BYTES, type NeuralynxHeader, readNeuralynxHeader } from "./header.js";

export const NCS_RECORD_BYTES = 1044;
export const NCS_SAMPLES_PER_RECORD = 512;
export const NEV_RECORD_BYTES = 184;

/**
 * Visits the records of a file in blocks of a few MB (bounded memory), after checking whole records.
 * @internal (shared by the readers of this folder; its Buffer type stays out of the published declarations)
 */
export function forEachRecord(
  path: string,
  recordBytes: number,
  visit: (block: Buffer, offset: number, index: number) => void,
): number {
  return withOpenFile(path, (fd, _, size) => {
    const payload = size - NEURALYNX_HEADER_BYTES;
    if (payload % recordBytes !== 0) {
      throw new SourceDataError(
        path,
        `its ${payload} bytes after the header are not whole ${recordBytes}-byte records (${payload % recordBytes} bytes left over after record ${Math.floor(payload / recordBytes)}): the file is truncated; cut it after the last whole record to convert the rest`,
      );
    }
    const count = payload / recordBytes;
    const perRead = Math.max(1, Math.floor((4 << 20) / recordBytes));
    const block = Buffer.alloc(Math.min(perRead, count) * recordBytes);
    for (let first = 0; first < count; first += perRead) {
      const n = Math.min(perRead, count - first);
      readFullySync(
        fd,
        block.subarray(0, n * recordBytes),
        NEURALYNX_HEADER_BYTES + first * recordBytes,
        path,
      );
      for (let k = 0; k < n; k++) visit(block, k * recordBytes, first + k);
    }
    return count;
  });
}

/** A run of records without a gap: its first sample and its first timestamp (µs). */
export interface NcsSegment {
  readonly firstSample: number;
  readonly numSamples: number;
  readonly startMicros: number;
}

export interface NcsFile {
  readonly path: string;
  readonly header: NeuralynxHeader;
  readonly name: string;
  readonly samplingRate: number;
  /** Volts per bit, negative when the input was inverted (so that data × gain is the input voltage). */
  readonly gainToVolts: number;
  readonly numSamples: number;
  readonly segments: readonly NcsSegment[];
  /** First and last record timestamps (µs); undefined for a file without records. */
  readonly firstMicros?: number;
  readonly file: InterleavedFile;
}

/**
 * Opens an `.ncs` file: reads every record header once. A record starts a new segment when its timestamp
 * differs from the previous record's timestamp plus its samples' duration by more than half a sample
 * period: Neuralynx rounds record timestamps to whole microseconds (15999 or 16000 µs apart at 32 kHz),
 * which must not split a continuous recording, while a real gap (a pause, dropped records) must.
 */
export function openNcsFile(path: string, options: { blockBytes?: number } = {}): NcsFile {
  const header = readNeuralynxHeader(path);
  const rate = header.samplingRate;
  if (rate === undefined || !(rate > 0)) {
    throw new SourceDataError(
      path,
      "the header states no SamplingFrequency; the samples cannot be placed in time",
    );
  }
  const bitVolts = header.adBitVolts[0];
  if (bitVolts === undefined)
    throw new SourceDataError(path, "the header states no ADBitVolts (the scale to volts)");
  const tolerance = Math.max(1, 0.5e6 / rate);
  const segments: NcsSegment[] = [];
  const records: SampleRecord[] = [];
  let previous: { micros: number; valid: number } | undefined;
  let numSamples = 0;
  let firstMicros: number | undefined;
  let allFull = true;
  forEachRecord(path, NCS_RECORD_BYTES, (block, at, index) => {
    const micros = Number(block.readBigUInt64LE(at));
    const valid = block.readUInt32LE(at + 16);
    if (valid > NCS_SAMPLES_PER_RECORD) {
      throw new SourceDataError(
        path,
        `record ${index} claims ${valid} valid samples; a record holds at most 512`,
      );
    }
    if (valid !== NCS_SAMPLES_PER_RECORD) allFull = false;
    firstMicros ??= micros;
    const expected = previous && previous.micros + (previous.valid * 1e6) / rate;
    if (valid > 0) {
      if (expected === undefined || Math.abs(micros - expected) > tolerance || segments.length === 0) {
        segments.push({ firstSample: numSamples, numSamples: valid, startMicros: micros });
      } else {
        const last = segments[segments.length - 1]!;
        segments[segments.length - 1] = { ...last, numSamples: last.numSamples + valid };
      }
      records.push({ position: NEURALYNX_HEADER_BYTES + index * NCS_RECORD_BYTES + 20, rows: valid });
      numSamples += valid;
      previous = { micros, valid };
    }
  });
  const blockBytes = options.blockBytes !== undefined ? { blockBytes: options.blockBytes } : {};
  const file = new InterleavedFile({
    path,
    dtype: "int16",
    numChannels: 1,
    records: allFull
      ? {
          kind: "strided",
          offset: NEURALYNX_HEADER_BYTES + 20,
          rowsPerRecord: NCS_SAMPLES_PER_RECORD,
          recordBytes: NCS_RECORD_BYTES,
          numRecords: records.length,
        }
      : { kind: "listed", list: records },
    ...blockBytes,
  });
  return {
    path,
    header,
    name: header.acqEntName ?? path.replace(/^.*[\\/]/, "").replace(/\.ncs$/i, ""),
    samplingRate: rate,
    gainToVolts: header.inputInverted ? -bitVolts : bitVolts,
    numSamples,
    segments,
    ...(firstMicros !== undefined && { firstMicros }),
    file,
  };
}

export interface NeuralynxEvents {
  readonly path: string;
  readonly header: NeuralynxHeader;
  readonly micros: number[];
  readonly eventIds: number[];
  readonly ttl: number[];
  readonly strings: string[];
}

/** Reads every record of an `Events.nev` file. */
export function readNeuralynxEvents(path: string): NeuralynxEvents {
  const header = readNeuralynxHeader(path);
  const out: NeuralynxEvents = { path, header, micros: [], eventIds: [], ttl: [], strings: [] };
  forEachRecord(path, NEV_RECORD_BYTES, (block, at) => {
    out.micros.push(Number(block.readBigUInt64LE(at + 6)));
    out.eventIds.push(block.readInt16LE(at + 14));
    out.ttl.push(block.readUInt16LE(at + 16));
    const text = block.subarray(at + 56, at + NEV_RECORD_BYTES);
    const end = text.indexOf(0);
    out.strings.push(text.toString("latin1", 0, end < 0 ? text.length : end).trim());
  });
  return out;
}

export interface NeuralynxSpikeUnit {
  /** Cell (cluster) number; 0 is unclustered. */
  readonly cell: number;
  readonly micros: number[];
  /** Mean and SD of the waveforms in volts, (samples, channels) row-major. */
  readonly waveformMean: Float64Array;
  readonly waveformSd: Float64Array;
}

export interface NeuralynxSpikeFile {
  readonly path: string;
  readonly header: NeuralynxHeader;
  readonly name: string;
  readonly channels: number;
  readonly waveformLength: number;
  readonly units: readonly NeuralynxSpikeUnit[];
  readonly firstMicros?: number;
}

/** Reads an `.nse` (1 channel) or `.ntt` (4 channels) spike file: spikes per cell number, waveform statistics. */
export function readNeuralynxSpikes(path: string): NeuralynxSpikeFile {
  const header = readNeuralynxHeader(path);
  const channels = /\.ntt$/i.test(path) ? 4 : 1;
  const samples = header.waveformLength ?? 32;
  const features =
    header.recordSize !== undefined
      ? (header.recordSize - 16 - 2 * samples * channels) / 4
      : header.featureCount || 8;
  if (!Number.isInteger(features) || features < 0) {
    throw new SourceDataError(
      path,
      `RecordSize ${header.recordSize} does not fit ${channels}-channel waveforms of ${samples} samples`,
    );
  }
  const recordBytes = 16 + 4 * features + 2 * samples * channels;
  const scale = Array.from({ length: channels }, (_, c) => {
    const v = header.adBitVolts[c] ?? header.adBitVolts[0];
    if (v === undefined)
      throw new SourceDataError(path, "the header states no ADBitVolts (the scale to volts)");
    return header.inputInverted ? -v : v;
  });
  const units = new Map<number, NeuralynxSpikeUnit & { count: number }>();
  let firstMicros: number | undefined;
  const width = samples * channels;
  forEachRecord(path, recordBytes, (block, at) => {
    const micros = Number(block.readBigUInt64LE(at));
    const cell = block.readUInt32LE(at + 12);
    firstMicros = firstMicros === undefined ? micros : Math.min(firstMicros, micros);
    let unit = units.get(cell);
    if (!unit) {
      unit = {
        cell,
        micros: [],
        waveformMean: new Float64Array(width),
        waveformSd: new Float64Array(width),
        count: 0,
      };
      units.set(cell, unit);
    }
    unit.micros.push(micros);
    unit.count++;
    const wave = at + 16 + 4 * features;
    for (let k = 0; k < width; k++) {
      const v = block.readInt16LE(wave + 2 * k) * scale[k % channels]!;
      unit.waveformMean[k]! += v;
      unit.waveformSd[k]! += v * v;
    }
  });
  const sorted = [...units.values()].sort((a, b) => a.cell - b.cell);
  for (const unit of sorted) {
    unit.micros.sort((a, b) => a - b);
    for (let k = 0; k < width; k++) {
      const mean = unit.waveformMean[k]! / unit.count;
      unit.waveformSd[k] = Math.sqrt(Math.max(0, unit.waveformSd[k]! / unit.count - mean * mean));
      unit.waveformMean[k] = mean;
    }
  }
  return {
    path,
    header,
    name: header.acqEntName ?? path.replace(/^.*[\\/]/, "").replace(/\.(nse|ntt)$/i, ""),
    channels,
    waveformLength: samples,
    units: sorted.map(({ count: _count, ...unit }) => unit),
    ...(firstMicros !== undefined && { firstMicros }),
  };
}
