/**
 * Plexon `.plx` files (versions 100-107), from the layout in Plexon's SDK header `Plexon.h` (field order
 * cross-checked with neo's PlexonRawIO):
 * - file header, 7504 bytes: uint32 magic "PLEX", int32 version, 128-byte comment, int32 ADFrequency (the
 *   timestamp clock), DSP (spike), event and slow (continuous) channel counts, points per waveform and before
 *   threshold, year/month/day/hour/minute/second, fast read, waveform rate, float64 last timestamp, then (from
 *   version 103) trodalness, bits per spike and slow sample, uint16 spike and slow max magnitude (mV),
 *   (105) uint16 spike pre-amp gain, (106) acquiring and processing software names, padding, and counts;
 * - one 1020-byte header per spike channel (name, channel number, gain, ...), one 296-byte header per event
 *   channel (name, channel number), one 296-byte header per slow channel (name, channel number, ADFreq,
 *   gain, enabled, pre-amp gain);
 * - then data blocks: uint16 type (1 spike, 4 event, 5 continuous), uint16 upper byte of a 40-bit timestamp,
 *   uint32 timestamp, uint16 channel, uint16 unit (sorted unit; for strobed events the strobe value), uint16
 *   waveform count and uint16 words per waveform, followed by that many int16 values.
 * Scales (Plexon SDK): slow channels mV per bit = 5000 / (2048 × gain × 1000) (versions < 102),
 * 5000 / (2048 × gain × pre-amp gain) (102), slow max magnitude / (0.5 × 2^bits per slow sample × gain ×
 * pre-amp gain) (≥ 103); spike waveforms 3000 / (2048 × gain × 1000) (< 103), spike max magnitude /
 * (0.5 × 2^bits per spike sample × gain × 1000) (103-104), ... × spike pre-amp gain instead of 1000 (≥ 105).
 */
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";
import { InterleavedFile, type SampleRecord, stackColumns } from "../interleaved.js";

const FILE_HEADER_BYTES = 7504;
const SPIKE_HEADER_BYTES = 1020;
const EVENT_HEADER_BYTES = 296;
const SLOW_HEADER_BYTES = 296;
const BLOCK_HEADER_BYTES = 16;

export interface PlxSlowChannel {
  readonly name: string;
  readonly channel: number;
  readonly samplingRate: number;
  readonly gainToVolts: number;
  readonly enabled: boolean;
}

export interface PlxSegment {
  readonly firstSample: number;
  readonly numSamples: number;
  /** Timestamp of the first sample, in seconds. */
  readonly startTime: number;
}

/** Continuous channels of one rate recorded together. */
export interface PlxStream {
  readonly name: string;
  readonly samplingRate: number;
  readonly channels: readonly PlxSlowChannel[];
  readonly numSamples: number;
  readonly segments: readonly PlxSegment[];
  readonly data: ChunkSource;
}

export interface PlxUnit {
  readonly channel: number;
  readonly channelName: string;
  /** 0 unsorted, 1-26 sorted units (a, b, c, ...). */
  readonly unit: number;
  readonly timestamps: number[];
  /** Mean and SD of the waveforms in volts; absent when the file stores spike times only. */
  readonly waveformMean?: Float64Array;
  readonly waveformSd?: Float64Array;
}

export interface PlxEventChannel {
  readonly name: string;
  readonly channel: number;
  readonly timestamps: number[];
  /** Strobe values (the block's unit field), for the strobed channel. */
  readonly values: number[];
}

export interface PlxFile {
  readonly path: string;
  readonly version: number;
  readonly comment: string;
  /** Timestamp clock in Hz. */
  readonly timestampRate: number;
  readonly waveformRate: number;
  readonly waveformLength: number;
  readonly startTime?: string;
  readonly software?: string;
  readonly streams: readonly PlxStream[];
  readonly units: readonly PlxUnit[];
  readonly events: readonly PlxEventChannel[];
}

function text(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString("latin1", 0, end < 0 ? bytes.length : end).trim();
}

/** Opens a `.plx` file: headers, one pass over the data block headers (spikes and events are read). */
export function openPlxFile(path: string): PlxFile {
  return withOpenFile(path, parse);
}

function parse(fd: number, path: string, size: number): PlxFile {
  if (size < FILE_HEADER_BYTES) {
    throw new SourceDataError(
      path,
      `is ${size} bytes long, shorter than the 7504-byte PLX file header: truncated`,
    );
  }
  const h = Buffer.alloc(FILE_HEADER_BYTES);
  readFullySync(fd, h, 0, path);
  if (h.toString("latin1", 0, 4) !== "PLEX") {
    throw new SourceDataError(
      path,
      "does not start with PLEX: not a Plexon .plx file (.pl2 files are a different format)",
    );
  }
  const version = h.readInt32LE(4);
  if (version < 100 || version > 107) {
    throw new SourceDataError(path, `is PLX version ${version}; versions 100 to 107 are supported`);
  }
  const timestampRate = h.readInt32LE(136);
  const [spikeCount, eventCount, slowCount] = [h.readInt32LE(140), h.readInt32LE(144), h.readInt32LE(148)];
  const waveformLength = h.readInt32LE(152);
  const [year, month, day, hour, minute, second] = [0, 1, 2, 3, 4, 5].map((k) =>
    h.readInt32LE(160 + 4 * k),
  ) as [number, number, number, number, number, number];
  const waveformRate = h.readInt32LE(188);
  const bitsPerSpike = version >= 103 ? h.readUInt8(202) : 12;
  const bitsPerSlow = version >= 103 ? h.readUInt8(203) : 12;
  const spikeMaxMv = h.readUInt16LE(204);
  const slowMaxMv = h.readUInt16LE(206);
  const spikePreAmp = h.readUInt16LE(208);
  const headersBytes =
    FILE_HEADER_BYTES +
    spikeCount * SPIKE_HEADER_BYTES +
    eventCount * EVENT_HEADER_BYTES +
    slowCount * SLOW_HEADER_BYTES;
  if (size < headersBytes) {
    throw new SourceDataError(
      path,
      `ends at byte ${size}, inside its channel headers (${headersBytes} bytes): truncated`,
    );
  }
  const headers = Buffer.alloc(headersBytes - FILE_HEADER_BYTES);
  readFullySync(fd, headers, FILE_HEADER_BYTES, path);
  const spikeChannels = new Map<number, { name: string; gain: number }>();
  for (let k = 0; k < spikeCount; k++) {
    const c = headers.subarray(k * SPIKE_HEADER_BYTES, (k + 1) * SPIKE_HEADER_BYTES);
    const gain = c.readInt32LE(80);
    const mvPerBit =
      version < 103
        ? 3000 / (2048 * gain * 1000)
        : spikeMaxMv / (0.5 * 2 ** bitsPerSpike * gain * (version < 105 ? 1000 : spikePreAmp));
    spikeChannels.set(c.readInt32LE(64), { name: text(c.subarray(0, 32)), gain: mvPerBit * 1e-3 });
  }
  const eventStart = spikeCount * SPIKE_HEADER_BYTES;
  const eventChannels = new Map<number, PlxEventChannel>();
  for (let k = 0; k < eventCount; k++) {
    const c = headers.subarray(
      eventStart + k * EVENT_HEADER_BYTES,
      eventStart + (k + 1) * EVENT_HEADER_BYTES,
    );
    const channel = c.readInt32LE(32);
    eventChannels.set(channel, { name: text(c.subarray(0, 32)), channel, timestamps: [], values: [] });
  }
  const slowStart = eventStart + eventCount * EVENT_HEADER_BYTES;
  const slowChannels = new Map<number, PlxSlowChannel>();
  for (let k = 0; k < slowCount; k++) {
    const c = headers.subarray(slowStart + k * SLOW_HEADER_BYTES, slowStart + (k + 1) * SLOW_HEADER_BYTES);
    const gain = c.readInt32LE(40);
    const preAmp = c.readInt32LE(48);
    const mvPerBit =
      version < 102
        ? 5000 / (2048 * gain * 1000)
        : version === 102
          ? 5000 / (2048 * gain * preAmp)
          : slowMaxMv / (0.5 * 2 ** bitsPerSlow * gain * preAmp);
    slowChannels.set(c.readInt32LE(32), {
      name: text(c.subarray(0, 32)),
      channel: c.readInt32LE(32),
      samplingRate: c.readInt32LE(36),
      gainToVolts: mvPerBit * 1e-3,
      enabled: c.readInt32LE(44) !== 0,
    });
  }

  const slowRecords = new Map<number, (SampleRecord & { tick: number })[]>();
  const units = new Map<
    number,
    PlxUnit & { waveformMean: Float64Array; waveformSd: Float64Array; count: number; waveforms: number }
  >();
  const walker = new BlockWalker(fd, path, headersBytes, size);
  for (let block = walker.next(); block; block = walker.next()) {
    const { type, tick, channel, unit, words, position, read } = block;
    if (type === 5) {
      if (words > 0) {
        const list = slowRecords.get(channel) ?? [];
        list.push({ position, rows: words, tick });
        slowRecords.set(channel, list);
      }
    } else if (type === 4) {
      const events = eventChannels.get(channel);
      if (events) {
        events.timestamps.push(tick);
        events.values.push(unit);
      }
    } else if (type === 1) {
      const spike = spikeChannels.get(channel);
      if (!spike) continue;
      const key = channel * 65536 + unit;
      let entry = units.get(key);
      if (!entry) {
        entry = {
          channel,
          channelName: spike.name,
          unit,
          timestamps: [],
          waveformMean: new Float64Array(waveformLength),
          waveformSd: new Float64Array(waveformLength),
          count: 0,
          waveforms: 0,
        };
        units.set(key, entry);
      }
      entry.timestamps.push(tick);
      entry.count++;
      const wave = read();
      if (wave.length > 0) entry.waveforms++;
      for (let s = 0; s < Math.min(waveformLength, wave.length); s++) {
        const v = wave[s]! * spike.gain;
        entry.waveformMean[s]! += v;
        entry.waveformSd[s]! += v * v;
      }
    } else {
      throw new SourceDataError(
        path,
        `data block at byte ${position - BLOCK_HEADER_BYTES} has unknown type ${type}: the file is corrupted`,
      );
    }
  }
  const sortedUnits = [...units.values()].sort((a, b) => a.channel - b.channel || a.unit - b.unit);
  for (const unit of sortedUnits) {
    for (let s = 0; s < waveformLength; s++) {
      const mean = unit.waveformMean[s]! / unit.waveforms;
      unit.waveformSd[s] = Math.sqrt(Math.max(0, unit.waveformSd[s]! / unit.waveforms - mean * mean));
      unit.waveformMean[s] = mean;
    }
  }
  const software = version >= 106 ? text(h.subarray(210, 228)) : "";
  return {
    path,
    version,
    comment: text(h.subarray(8, 136)),
    timestampRate,
    waveformRate,
    waveformLength,
    ...(year > 0 &&
      month > 0 && {
        startTime: `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T${[
          hour,
          minute,
          second,
        ]
          .map((v) => String(v).padStart(2, "0"))
          .join(":")}`,
      }),
    ...(software && { software }),
    streams: streamsOf(path, slowChannels, slowRecords, timestampRate),
    units: sortedUnits.map(({ count: _count, waveforms, waveformMean, waveformSd, ...unit }) =>
      waveforms > 0 ? { ...unit, waveformMean, waveformSd } : unit,
    ),
    events: [...eventChannels.values()].filter((e) => e.timestamps.length > 0),
  };
}

/**
 * Groups continuous channels with samples into streams of channels with the same rate, sample count and block
 * times; blocks whose timestamp is not where the previous block ended (by more than half a sample) start a
 * new segment.
 */
function streamsOf(
  path: string,
  channels: ReadonlyMap<number, PlxSlowChannel>,
  records: ReadonlyMap<number, (SampleRecord & { tick: number })[]>,
  timestampRate: number,
): PlxStream[] {
  const groups = new Map<
    string,
    { channels: PlxSlowChannel[]; files: InterleavedFile[]; segments: PlxSegment[]; rows: number }
  >();
  for (const [number, list] of [...records.entries()].sort(([a], [b]) => a - b)) {
    const channel = channels.get(number);
    if (!channel || list.length === 0) continue;
    const ticksPerSample = timestampRate / channel.samplingRate;
    const segments: PlxSegment[] = [];
    let rows = 0;
    let expected: number | undefined;
    for (const record of list) {
      if (expected === undefined || Math.abs(record.tick - expected) > ticksPerSample / 2) {
        segments.push({ firstSample: rows, numSamples: record.rows, startTime: record.tick / timestampRate });
      } else {
        const last = segments[segments.length - 1]!;
        segments[segments.length - 1] = { ...last, numSamples: last.numSamples + record.rows };
      }
      rows += record.rows;
      expected = record.tick + record.rows * ticksPerSample;
    }
    const key = `${channel.samplingRate}|${rows}|${segments.map((s) => `${s.firstSample}@${s.startTime}`).join(",")}`;
    const group = groups.get(key) ?? { channels: [], files: [], segments, rows };
    group.channels.push(channel);
    group.files.push(
      new InterleavedFile({ path, dtype: "int16", numChannels: 1, records: { kind: "listed", list } }),
    );
    groups.set(key, group);
  }
  const sameRate = (rate: number) =>
    [...groups.values()].filter((g) => g.channels[0]!.samplingRate === rate).length;
  const seen = new Map<number, number>();
  return [...groups.values()].map((g) => {
    const rate = g.channels[0]!.samplingRate;
    const index = seen.get(rate) ?? 0;
    seen.set(rate, index + 1);
    return {
      name: sameRate(rate) > 1 ? `${rate}Hz_${index}` : `${rate}Hz`,
      samplingRate: rate,
      channels: g.channels,
      numSamples: g.rows,
      segments: g.segments,
      data: stackColumns(g.files),
    };
  });
}

interface Block {
  readonly type: number;
  readonly tick: number;
  readonly channel: number;
  readonly unit: number;
  /** Total int16 values after the header. */
  readonly words: number;
  /** Byte position of the values. */
  readonly position: number;
  /** The values (read only when asked: spike waveforms). */
  readonly read: () => Int16Array;
}

/** Walks the data blocks through a window of a few MB (bounded memory, one read per window). */
class BlockWalker {
  private window = Buffer.alloc(0);
  private windowStart = 0;
  private position: number;

  constructor(
    private readonly fd: number,
    private readonly path: string,
    start: number,
    private readonly size: number,
  ) {
    this.position = start;
  }

  private bytes(at: number, length: number): Buffer {
    if (at < this.windowStart || at + length > this.windowStart + this.window.length) {
      const want = Math.min(Math.max(length, 4 << 20), this.size - at);
      this.window = Buffer.alloc(want);
      readFullySync(this.fd, this.window, at, this.path);
      this.windowStart = at;
    }
    return this.window.subarray(at - this.windowStart, at - this.windowStart + length);
  }

  next(): Block | undefined {
    if (this.position >= this.size) return undefined;
    const at = this.position;
    if (this.size - at < BLOCK_HEADER_BYTES) {
      throw new SourceDataError(
        this.path,
        `ends ${this.size - at} bytes into the data block header at byte ${at}: truncated`,
      );
    }
    const head = this.bytes(at, BLOCK_HEADER_BYTES);
    const words = head.readUInt16LE(12) * head.readUInt16LE(14);
    const end = at + BLOCK_HEADER_BYTES + 2 * words;
    if (end > this.size) {
      throw new SourceDataError(
        this.path,
        `the data block at byte ${at} needs ${2 * words} bytes of samples, but the file ends ${end - this.size} bytes early: truncated`,
      );
    }
    const block: Block = {
      type: head.readUInt16LE(0),
      tick: head.readUInt16LE(2) * 2 ** 32 + head.readUInt32LE(4),
      channel: head.readUInt16LE(8),
      unit: head.readUInt16LE(10),
      words,
      position: at + BLOCK_HEADER_BYTES,
      read: () => {
        const raw = this.bytes(at + BLOCK_HEADER_BYTES, 2 * words);
        return Int16Array.from({ length: words }, (_, k) => raw.readInt16LE(2 * k));
      },
    };
    this.position = end;
    return block;
  }
}
