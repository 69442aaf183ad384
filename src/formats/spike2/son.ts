/**
 * CED Spike2 `.smr` files (32-bit SON, system ids 1-9), from CED's SON filing system documentation (header
 * structures of the SON library; field order cross-checked with neo's Spike2RawIO):
 * - file header at 0: int16 system id, 10-byte copyright, 8-byte creator, int16 µs per time unit, int16 time
 *   units per ADC interrupt, int16 file state, int32 first data, int16 channel count, int16 channel header
 *   size, ..., int32 max time, float64 time base (system id ≥ 6; 1e-6 before), time/date (hundredths,
 *   second, minute, hour, day, month, int16 year);
 * - one 140-byte header per channel at 512 + 140 × n: int32 first and last block, int16 block count, int16
 *   extra bytes per item (markers), 72-byte comment, int32 max time, int32 divide (ticks per sample, system id
 *   ≥ 6), int16 physical channel, 10-byte title, float32 ideal rate, uint8 kind, then for Adc / AdcMark
 *   float32 scale, float32 offset, 6-byte unit, int16 divide (system id < 6: samples every divide × time
 *   units per ADC); strings are Pascal strings (length byte first);
 * - data blocks (positions in bytes, × 512 for system id 9): int32 previous and next block, int32 start and
 *   end time (ticks), int16 channel, int16 item count, then the items: Adc int16 samples (value = raw ×
 *   scale / 6553.6 + offset), RealWave float32, events int32 ticks, markers int32 tick + 4 marker bytes,
 *   AdcMark / RealMark / TextMark tick + marker bytes + extra bytes.
 * A tick is µs-per-time × time base seconds.
 */
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";
import { InterleavedFile, type SampleRecord, stackColumns } from "../interleaved.js";

export type SonChannelKind =
  | "Adc"
  | "EventFall"
  | "EventRise"
  | "EventBoth"
  | "Marker"
  | "AdcMark"
  | "RealMark"
  | "TextMark"
  | "RealWave";

const KINDS: Readonly<Record<number, SonChannelKind>> = {
  1: "Adc",
  2: "EventFall",
  3: "EventRise",
  4: "EventBoth",
  5: "Marker",
  6: "AdcMark",
  7: "RealMark",
  8: "TextMark",
  9: "RealWave",
};

export interface SonWaveChannel {
  /** Channel number in the file (from 1, as Spike2 shows it). */
  readonly number: number;
  readonly title: string;
  readonly comment: string;
  readonly kind: "Adc" | "RealWave";
  readonly unit: string;
  /** Factor from stored int16 to `unit` (scale / 6553.6); 1 for RealWave. */
  readonly gain: number;
  readonly offset: number;
  readonly samplingRate: number;
  readonly physicalChannel: number;
}

export interface SonSegment {
  readonly firstSample: number;
  readonly numSamples: number;
  readonly startTime: number;
}

/** Waveform channels of one rate, type and timing, read together. */
export interface SonStream {
  readonly samplingRate: number;
  readonly channels: readonly SonWaveChannel[];
  readonly numSamples: number;
  readonly segments: readonly SonSegment[];
  /** Samples of every channel, (time, channels), int16 (Adc) or float32 (RealWave). */
  readonly data: ChunkSource;
  /** Samples of some of the channels (indices into `channels`). */
  readonly pick: (indices: readonly number[]) => ChunkSource;
}

export interface SonEventChannel {
  readonly number: number;
  readonly title: string;
  readonly comment: string;
  readonly kind: SonChannelKind;
  /** Seconds. */
  readonly times: number[];
  /** First marker byte, for markers and marked channels. */
  readonly codes?: number[];
  /** Text of TextMark items. */
  readonly texts?: string[];
}

export interface SonFile {
  readonly path: string;
  readonly systemId: number;
  readonly creator: string;
  /** Seconds per clock tick. */
  readonly tickSeconds: number;
  readonly startTime?: string;
  readonly comments: readonly string[];
  readonly streams: readonly SonStream[];
  readonly events: readonly SonEventChannel[];
}

function pascal(bytes: Buffer, offset: number, size: number): string {
  const length = Math.min(bytes.readUInt8(offset), size - 1);
  return bytes
    .toString("latin1", offset + 1, offset + 1 + length)
    .replace(/\0.*$/, "")
    .trim();
}

/** Opens an `.smr` file: headers and the block chains of every channel; waveform samples stay on disk. */
export function openSonFile(path: string): SonFile {
  return withOpenFile(path, parse);
}

function parse(fd: number, path: string, size: number): SonFile {
  if (size < 512)
    throw new SourceDataError(path, `is ${size} bytes long, shorter than the 512-byte SON header: truncated`);
  const h = Buffer.alloc(512);
  readFullySync(fd, h, 0, path);
  const systemId = h.readInt16LE(0);
  if (/^\.smrx$/i.test(path.slice(-5)) || h.toString("latin1", 0, 4) === "S64\0") {
    throw new SourceDataError(
      path,
      "is a 64-bit SON (.smrx) file: not supported yet (CED documents that layout only through its SON64 library); save it from Spike2 as a 32-bit .smr file",
    );
  }
  if (systemId < 1 || systemId > 9) {
    throw new SourceDataError(
      path,
      `has SON system id ${systemId}; 32-bit SON files have ids 1 to 9 (not a .smr file?)`,
    );
  }
  const usPerTime = h.readInt16LE(20);
  const timePerAdc = h.readInt16LE(22);
  const channelCount = h.readInt16LE(30);
  const timeBase = systemId >= 6 ? h.readDoubleLE(44) : 1e-6;
  // ticks per second as an integer where it is one (1e6 / 10, not 10 × 1e-6), so that rates come out exact
  const perSecond =
    Math.abs(1 / timeBase - Math.round(1 / timeBase)) < 1e-6 ? Math.round(1 / timeBase) : 1 / timeBase;
  const tickSeconds = usPerTime / perSecond;
  const diskBlock = systemId === 9 ? 512 : 1;
  const year = systemId >= 6 ? h.readInt16LE(58) : 0;
  const startTime =
    year > 0
      ? `${year}-${[h[57]!, h[56]!].map((v) => String(v).padStart(2, "0")).join("-")}T${[
          h[55]!,
          h[54]!,
          h[53]!,
        ]
          .map((v) => String(v).padStart(2, "0"))
          .join(":")}.${String(h[52]!).padStart(2, "0")}`
      : undefined;
  const headersBytes = 512 + 140 * channelCount;
  if (size < headersBytes) {
    throw new SourceDataError(
      path,
      `ends at byte ${size}, inside its ${channelCount} channel headers: truncated`,
    );
  }
  const headers = Buffer.alloc(140 * channelCount);
  readFullySync(fd, headers, 512, path);
  const blockHead = Buffer.alloc(20);
  const streams = new Map<
    string,
    { channels: SonWaveChannel[]; files: InterleavedFile[]; segments: SonSegment[]; rows: number }
  >();
  const events: SonEventChannel[] = [];
  for (let n = 0; n < channelCount; n++) {
    const c = headers.subarray(140 * n, 140 * (n + 1));
    const kind = KINDS[c.readUInt8(122)];
    const blocks = c.readInt16LE(14);
    if (kind === undefined || blocks <= 0) continue;
    const title = pascal(c, 108, 10);
    const comment = pascal(c, 26, 72);
    const extra = c.readInt16LE(16);
    // walk the chain of blocks
    const list: { position: number; items: number; start: number; end: number }[] = [];
    let block = c.readInt32LE(6);
    for (let b = 0; b < blocks; b++) {
      const position = block * diskBlock;
      if (position < headersBytes || position + 20 > size) {
        throw new SourceDataError(
          path,
          `channel ${n + 1} ('${title}') block ${b + 1} of ${blocks} is at byte ${position}, outside the file (${size} bytes): the file is truncated or corrupted`,
        );
      }
      readFullySync(fd, blockHead, position, path);
      const items = blockHead.readInt16LE(18);
      list.push({
        position: position + 20,
        items,
        start: blockHead.readInt32LE(8),
        end: blockHead.readInt32LE(12),
      });
      block = blockHead.readInt32LE(4);
    }
    if (kind === "Adc" || kind === "RealWave") {
      const divide = systemId >= 6 ? c.readInt32LE(102) : c.readInt16LE(138) * timePerAdc;
      const intervalTicks = divide;
      const item = kind === "Adc" ? 2 : 4;
      const last = list[list.length - 1]!;
      if (last.position + last.items * item > size) {
        throw new SourceDataError(
          path,
          `channel ${n + 1} ('${title}'): its last block runs past the end of the file: truncated`,
        );
      }
      const channel: SonWaveChannel = {
        number: n + 1,
        title,
        comment,
        kind,
        unit: pascal(c, 132, 6),
        gain: kind === "Adc" ? c.readFloatLE(124) / 6553.6 : 1,
        offset: kind === "Adc" ? c.readFloatLE(128) : 0,
        samplingRate: perSecond / (intervalTicks * usPerTime),
        physicalChannel: c.readInt16LE(106),
      };
      const segments: SonSegment[] = [];
      let rows = 0;
      let previousEnd: number | undefined;
      for (const b of list) {
        if (b.items <= 0) continue;
        if (
          previousEnd === undefined ||
          Math.abs(b.start - (previousEnd + intervalTicks)) > intervalTicks / 2
        ) {
          segments.push({ firstSample: rows, numSamples: b.items, startTime: b.start * tickSeconds });
        } else {
          const lastSegment = segments[segments.length - 1]!;
          segments[segments.length - 1] = { ...lastSegment, numSamples: lastSegment.numSamples + b.items };
        }
        rows += b.items;
        previousEnd = b.end;
      }
      const records: SampleRecord[] = list
        .filter((b) => b.items > 0)
        .map((b) => ({ position: b.position, rows: b.items }));
      // channels sampled together (same rate and blocks) start a few ticks apart (the ADC scans them in turn):
      // they share a stream when their segments start within one sample of each other
      const shape = `${kind}|${intervalTicks}|${rows}|${segments.map((s) => `${s.firstSample}+${s.numSamples}`).join(",")}`;
      const interval = intervalTicks * tickSeconds;
      const key =
        [...streams.keys()].find(
          (k) =>
            k.startsWith(`${shape}#`) &&
            streams
              .get(k)!
              .segments.every((s, i) => Math.abs(s.startTime - segments[i]!.startTime) < interval),
        ) ?? `${shape}#${streams.size}`;
      const group = streams.get(key) ?? { channels: [], files: [], segments, rows };
      group.channels.push(channel);
      group.files.push(
        new InterleavedFile({
          path,
          dtype: kind === "Adc" ? "int16" : "float32",
          numChannels: 1,
          records: { kind: "listed", list: records },
        }),
      );
      streams.set(key, group);
      continue;
    }
    // event-like channels: read their items (a few bytes each)
    const itemBytes = kind.startsWith("Event") ? 4 : 8 + (kind === "Marker" ? 0 : extra);
    const times: number[] = [];
    const codes: number[] = [];
    const texts: string[] = [];
    for (const b of list) {
      if (b.items <= 0) continue;
      if (b.position + b.items * itemBytes > size) {
        throw new SourceDataError(
          path,
          `channel ${n + 1} ('${title}'): a data block runs past the end of the file: truncated`,
        );
      }
      const bytes = Buffer.alloc(b.items * itemBytes);
      readFullySync(fd, bytes, b.position, path);
      for (let k = 0; k < b.items; k++) {
        const at = k * itemBytes;
        times.push(bytes.readInt32LE(at) * tickSeconds);
        if (itemBytes > 4) codes.push(bytes.readUInt8(at + 4));
        if (kind === "TextMark") {
          const raw = bytes.subarray(at + 8, at + itemBytes);
          const end = raw.indexOf(0);
          texts.push(raw.toString("latin1", 0, end < 0 ? raw.length : end));
        }
      }
    }
    events.push({
      number: n + 1,
      title,
      comment,
      kind,
      times,
      ...(itemBytes > 4 && { codes }),
      ...(kind === "TextMark" && { texts }),
    });
  }
  const comments = [0, 1, 2, 3, 4].map((k) => pascal(h, 112 + 80 * k, 80)).filter(Boolean);
  return {
    path,
    systemId,
    creator: h.toString("latin1", 12, 20).replace(/\0/g, "").trim(),
    tickSeconds,
    ...(startTime !== undefined && { startTime }),
    comments,
    streams: [...streams.values()].map((g) => ({
      samplingRate: g.channels[0]!.samplingRate,
      channels: g.channels,
      numSamples: g.rows,
      segments: g.segments,
      data: stackColumns(g.files),
      pick: (indices: readonly number[]) => stackColumns(indices.map((i) => g.files[i]!)),
    })),
    events,
  };
}
