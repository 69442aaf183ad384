/**
 * Blackrock NSx continuous files (`.ns1` to `.ns6`), file specs 2.1, 2.2, 2.3 and 3.0.
 *
 * Layout (Blackrock "NEV and NSx File Specification"; field order cross-checked with neo's BlackrockRawIO):
 * - 2.1 (`NEURALSG`): 8-byte id, 16-byte label, uint32 period (in 1/30000 s), uint32 channel count, one uint32
 *   electrode id per channel, then int16 samples interleaved to the end of the file. No scaling, no start.
 * - 2.2, 2.3, 3.0 (`NEURALCD`; `BRSMPGRP` for some 3.x): 314-byte basic header (id, version major/minor,
 *   uint32 header bytes, label, 256-byte comment, period, timestamp resolution, SYSTEMTIME time origin, channel
 *   count), one 66-byte `CC` extended header per channel (electrode id, 16-byte label, connector bank and pin,
 *   int16 min/max digital and analog values, 16-byte unit, high/low-pass corner (mHz), order and type), then
 *   data packets: uint8 1, timestamp (uint32; uint64 from 3.0), uint32 sample count, int16 samples. A paused
 *   recording has several packets; each starts at its own timestamp. 3.0 files written in PTP mode store
 *   one sample per packet with a nanosecond timestamp.
 * The sampling rate is 30000 / period for every spec; packet timestamps count `timestampResolution` Hz.
 */
import { statSync } from "node:fs";
import { SourceDataError } from "../../errors.js";
import { readBytesSync } from "../binary.js";
import { InterleavedFile, type SampleRecord } from "../interleaved.js";

/** The clock all Blackrock periods refer to. */
export const BLACKROCK_MAIN_RATE = 30000;

export type BlackrockSpec = "2.1" | "2.2" | "2.3" | "3.0";

export interface NsxChannel {
  readonly electrodeId: number;
  /** Label from the extended header; spec 2.1 has none: chanN (electrodes 1-128) or ainpN (129 on). */
  readonly label: string;
  readonly connectorBank?: string;
  readonly connectorPin?: number;
  /** Factor from stored values to volts; undefined when the file states no scaling (spec 2.1). */
  readonly gainToVolts?: number;
  readonly offsetToVolts?: number;
  /** Filter corners as the header states them ("high" and "low frequency corner"), in Hz. */
  readonly highFreqCornerHz?: number;
  readonly lowFreqCornerHz?: number;
}

/** A run of samples without a pause: its first sample and its start on the recording clock. */
export interface NsxSegment {
  readonly firstSample: number;
  readonly numSamples: number;
  /** Timestamp of the first sample, in seconds. */
  readonly startTime: number;
}

export interface NsxFile {
  readonly path: string;
  readonly spec: BlackrockSpec;
  readonly label: string;
  readonly comment: string;
  readonly samplingRate: number;
  readonly timestampResolution: number;
  /** Time origin from the header, ISO 8601 without zone (UTC per the spec); absent in spec 2.1. */
  readonly timeOrigin?: string;
  readonly channels: readonly NsxChannel[];
  readonly numSamples: number;
  readonly segments: readonly NsxSegment[];
  readonly file: InterleavedFile;
}

const BASIC_HEADER_BYTES = 314;
const CHANNEL_HEADER_BYTES = 66;
const VOLTS_PER_UNIT: Readonly<Record<string, number>> = { uV: 1e-6, mV: 1e-3, V: 1, nV: 1e-9 };

function text(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString("latin1", 0, end < 0 ? bytes.length : end).trim();
}

/** SYSTEMTIME (year, month, weekday, day, hour, minute, second, millisecond) as ISO 8601 (no zone). */
export function systemTime(bytes: Uint8Array, offset: number): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const f = Array.from({ length: 8 }, (_, i) => view.getUint16(offset + 2 * i, true));
  const [year, month, , day, hour, minute, second, ms] = f as [number, ...number[]];
  if (year === 0 || month === 0 || day === 0) return undefined;
  const p = (n: number | undefined, w = 2) => String(n).padStart(w, "0");
  return `${p(year, 4)}-${p(month)}-${p(day)}T${p(hour)}:${p(minute)}:${p(second)}.${p(ms, 3)}`;
}

/** Label of a spec 2.1 electrode, as Blackrock's software names it. */
export function defaultLabel(electrodeId: number): string {
  return electrodeId < 129 ? `chan${electrodeId}` : `ainp${electrodeId - 128}`;
}

/** Opens an NSx file: reads its headers and finds its data packets (a few reads; no sample is read). */
export function openNsxFile(path: string, options: { blockBytes?: number } = {}): NsxFile {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new SourceDataError(path, `cannot read the file (${(error as Error).message})`);
  }
  const id = readBytesSync(path, 0, 10, "the file type id").toString("latin1", 0, 8);
  const blockBytes = options.blockBytes !== undefined ? { blockBytes: options.blockBytes } : {};
  if (id === "NEURALSG") return openSpec21(path, size, blockBytes);
  if (id !== "NEURALCD" && id !== "BRSMPGRP") {
    throw new SourceDataError(
      path,
      `starts with '${id.replace(/[^\x20-\x7e]/g, "?")}', not NEURALSG, NEURALCD or BRSMPGRP: not a Blackrock NSx file`,
    );
  }
  const basic = readBytesSync(path, 0, BASIC_HEADER_BYTES, "the basic header");
  const major = basic.readUInt8(8);
  const minor = basic.readUInt8(9);
  const spec = `${major}.${minor}`;
  if (spec !== "2.2" && spec !== "2.3" && major !== 3) {
    throw new SourceDataError(
      path,
      `is NSx file spec ${spec}; supported specs are 2.1, 2.2, 2.3 and 3.x (the header layout of other versions is not published)`,
    );
  }
  const headerBytes = basic.readUInt32LE(10);
  const period = basic.readUInt32LE(286);
  const timestampResolution = basic.readUInt32LE(290);
  const channelCount = basic.readUInt32LE(310);
  if (period === 0) throw new SourceDataError(path, "the header states a sampling period of 0");
  if (headerBytes !== BASIC_HEADER_BYTES + channelCount * CHANNEL_HEADER_BYTES) {
    throw new SourceDataError(
      path,
      `the header says it is ${headerBytes} bytes long, but ${channelCount} channels need ${BASIC_HEADER_BYTES + channelCount * CHANNEL_HEADER_BYTES}: the header is corrupted`,
    );
  }
  const extended = readBytesSync(
    path,
    BASIC_HEADER_BYTES,
    channelCount * CHANNEL_HEADER_BYTES,
    "the channel headers",
  );
  const channels: NsxChannel[] = [];
  for (let c = 0; c < channelCount; c++) {
    const h = extended.subarray(c * CHANNEL_HEADER_BYTES, (c + 1) * CHANNEL_HEADER_BYTES);
    const minDigital = h.readInt16LE(22);
    const maxDigital = h.readInt16LE(24);
    const minAnalog = h.readInt16LE(26);
    const maxAnalog = h.readInt16LE(28);
    const unit = text(h.subarray(30, 46));
    const toVolts = VOLTS_PER_UNIT[unit];
    const scaled = toVolts !== undefined && maxDigital !== minDigital;
    const gain = scaled ? ((maxAnalog - minAnalog) / (maxDigital - minDigital)) * toVolts : undefined;
    const bank = h.readUInt8(20);
    channels.push({
      electrodeId: h.readUInt16LE(2),
      label: text(h.subarray(4, 20)),
      connectorBank: bank >= 1 && bank <= 26 ? String.fromCharCode(64 + bank) : String(bank),
      connectorPin: h.readUInt8(21),
      ...(gain !== undefined && {
        gainToVolts: gain,
        offsetToVolts: (minAnalog - minDigital * (gain / toVolts!)) * toVolts!,
      }),
      highFreqCornerHz: h.readUInt32LE(46) / 1000,
      lowFreqCornerHz: h.readUInt32LE(56) / 1000,
    });
  }
  const timestampBytes = major >= 3 ? 8 : 4;
  const packets = findPackets(path, size, headerBytes, channelCount, timestampBytes);
  const timeOrigin = systemTime(basic, 294);
  const common = {
    path,
    spec: (major >= 3 ? "3.0" : spec) as BlackrockSpec,
    label: text(basic.subarray(14, 30)),
    comment: text(basic.subarray(30, 286)),
    samplingRate: BLACKROCK_MAIN_RATE / period,
    timestampResolution,
    ...(timeOrigin !== undefined && { timeOrigin }),
    channels,
  };
  const toSeconds = (t: bigint | number) => Number(t) / timestampResolution;
  const segments: NsxSegment[] = [];
  const ptp = packets.length > 1 && packets.every((p) => p.rows === 1);
  let numSamples = 0;
  for (const packet of packets) {
    const startTime = toSeconds(packet.timestamp);
    const last = segments.at(-1);
    // PTP files: one sample per packet; a new segment only where the clock jumps by more than half a period
    const contiguous =
      ptp &&
      last !== undefined &&
      Math.abs(startTime - (last.startTime + last.numSamples / common.samplingRate)) <
        0.5 / common.samplingRate;
    if (contiguous) segments[segments.length - 1] = { ...last, numSamples: last.numSamples + packet.rows };
    else if (packet.rows > 0) segments.push({ firstSample: numSamples, numSamples: packet.rows, startTime });
    numSamples += packet.rows;
  }
  const file = new InterleavedFile({
    path,
    dtype: "int16",
    numChannels: channelCount,
    records: ptp
      ? {
          kind: "strided",
          offset: packets[0]!.position,
          rowsPerRecord: 1,
          recordBytes: 1 + timestampBytes + 4 + 2 * channelCount,
          numRecords: packets.length,
        }
      : { kind: "listed", list: packets.filter((p) => p.rows > 0) },
    ...blockBytes,
  });
  return { ...common, numSamples, segments, file };
}

interface Packet extends SampleRecord {
  readonly timestamp: bigint | number;
}

/**
 * Walks the data packets. PTP files (3.0, one sample per packet) are checked from their size instead of
 * packet by packet: millions of packets would take millions of reads; their timestamps are read in blocks.
 */
function findPackets(
  path: string,
  size: number,
  headerBytes: number,
  channelCount: number,
  timestampBytes: number,
): Packet[] {
  const headBytes = 1 + timestampBytes + 4;
  const packets: Packet[] = [];
  let position = headerBytes;
  while (position < size) {
    if (size - position < headBytes) {
      throw new SourceDataError(
        path,
        `ends ${size - position} bytes into the header of data packet ${packets.length + 1} (at byte ${position}): the file is truncated`,
      );
    }
    const head = readBytesSync(path, position, headBytes, `data packet ${packets.length + 1}`);
    if (head.readUInt8(0) !== 1) {
      throw new SourceDataError(
        path,
        `data packet ${packets.length + 1} at byte ${position} does not start with 1 (found ${head.readUInt8(0)}): the file is corrupted`,
      );
    }
    const timestamp = timestampBytes === 8 ? head.readBigUInt64LE(1) : head.readUInt32LE(1);
    const rows = head.readUInt32LE(1 + timestampBytes);
    const dataBytes = rows * channelCount * 2;
    if (position + headBytes + dataBytes > size) {
      throw new SourceDataError(
        path,
        `data packet ${packets.length + 1} announces ${rows} samples of ${channelCount} channels, but the file ends ${position + headBytes + dataBytes - size} bytes early: the file is truncated (the last complete sample can be kept by cutting the file)`,
      );
    }
    packets.push({ position: position + headBytes, rows, timestamp });
    position += headBytes + dataBytes;
    if (rows === 1 && packets.length === 2) {
      const ptp = readPtpPackets(path, size, headerBytes, channelCount, timestampBytes);
      if (ptp) return ptp;
    }
  }
  return packets;
}

/** PTP layout: every packet holds one sample; returns undefined when the file is not entirely so. */
function readPtpPackets(
  path: string,
  size: number,
  headerBytes: number,
  channelCount: number,
  timestampBytes: number,
): Packet[] | undefined {
  const packetBytes = 1 + timestampBytes + 4 + 2 * channelCount;
  if ((size - headerBytes) % packetBytes !== 0) return undefined;
  const count = (size - headerBytes) / packetBytes;
  const packets: Packet[] = [];
  const perRead = Math.max(1, Math.floor((4 << 20) / packetBytes));
  for (let first = 0; first < count; first += perRead) {
    const n = Math.min(perRead, count - first);
    const block = readBytesSync(path, headerBytes + first * packetBytes, n * packetBytes, "the data packets");
    for (let k = 0; k < n; k++) {
      const at = k * packetBytes;
      if (block.readUInt8(at) !== 1 || block.readUInt32LE(at + 1 + timestampBytes) !== 1) return undefined;
      const timestamp = timestampBytes === 8 ? block.readBigUInt64LE(at + 1) : block.readUInt32LE(at + 1);
      packets.push({
        position: headerBytes + (first + k) * packetBytes + 1 + timestampBytes + 4,
        rows: 1,
        timestamp,
      });
    }
  }
  return packets;
}

/** Spec 2.1: no packets; the samples fill the file after the electrode ids. */
function openSpec21(path: string, size: number, blockBytes: { blockBytes?: number }): NsxFile {
  const basic = readBytesSync(path, 0, 32, "the basic header");
  const period = basic.readUInt32LE(24);
  const channelCount = basic.readUInt32LE(28);
  if (period === 0) throw new SourceDataError(path, "the header states a sampling period of 0");
  const ids = readBytesSync(path, 32, 4 * channelCount, "the electrode ids");
  const headerBytes = 32 + 4 * channelCount;
  const rowBytes = 2 * channelCount;
  const payload = size - headerBytes;
  if (payload % rowBytes !== 0) {
    throw new SourceDataError(
      path,
      `its ${payload} data bytes are not whole samples of ${channelCount} int16 channels (${payload % rowBytes} bytes left over): the file is truncated`,
    );
  }
  const numSamples = payload / rowBytes;
  const channels = Array.from({ length: channelCount }, (_, c) => {
    const electrodeId = ids.readUInt32LE(4 * c);
    return { electrodeId, label: defaultLabel(electrodeId) };
  });
  return {
    path,
    spec: "2.1",
    label: text(basic.subarray(8, 24)),
    comment: "",
    samplingRate: BLACKROCK_MAIN_RATE / period,
    timestampResolution: BLACKROCK_MAIN_RATE,
    channels,
    numSamples,
    segments: numSamples > 0 ? [{ firstSample: 0, numSamples, startTime: 0 }] : [],
    file: new InterleavedFile({
      path,
      dtype: "int16",
      numChannels: channelCount,
      records: { kind: "contiguous", offset: headerBytes, rows: numSamples },
      ...blockBytes,
    }),
  };
}
