/**
 * The Axona `.set` file (the trial's settings) and the raw `.bin` file it describes, per Axona's
 * "DacqUSB file formats" document. A `.bin` is 432-byte packets: a 32-byte header (`ADU1`/`ADU2`, packet
 * number, digital inputs, position), 3 samples × 64 channels of little-endian int16 (every channel of one
 * sample, then the next sample) and a 16-byte trailer. Within a sample the channels are stored in the
 * hardware's order: channels 0-7 at positions 32-39, 8-15 at 0-7, 16-23 at 40-47, 24-31 at 8-15, and so
 * on (blocks of 8 alternating between the upper and lower half).
 */
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { readBytesSync, withOpenFile } from "../binary.js";
import { InterleavedFile } from "../interleaved.js";
import { type AxonaHeader, numberField, optionalNumberField, readAxonaHeader, trialStart } from "./header.js";

/** What a `.set` file says about the trial. */
export interface AxonaSet {
  readonly header: AxonaHeader;
  /** `trial_date` + `trial_time`, ISO 8601 without zone. */
  readonly startTime: string | undefined;
  readonly experimenter: string | undefined;
  readonly comments: string | undefined;
  readonly swVersion: string | undefined;
  /** Raw (`.bin`) sampling rate in Hz (`rawRate`, 48 kHz by default in DacqUSB). */
  readonly rawRate: number | undefined;
  /** ADC full scale in millivolts (`ADC_fullscale_mv`). */
  readonly adcFullscaleMv: number;
  /** `gain_ch_N` per channel N (0-based). */
  readonly gains: ReadonlyMap<number, number>;
  /** Tetrodes recorded (`collectMask_N 1`), 1-based, ascending. */
  readonly activeTetrodes: readonly number[];
}

/** Reads an Axona `.set` file. */
export function readAxonaSet(path: string): AxonaSet {
  const header = readAxonaHeader(path, false);
  const gains = new Map<number, number>();
  const tetrodes: number[] = [];
  for (const [key, value] of header.fields) {
    const gain = /^gain_ch_(\d+)$/.exec(key);
    if (gain) gains.set(Number(gain[1]), numberField(header, key));
    const mask = /^collectMask_(\d+)$/.exec(key);
    if (mask && Number(value) === 1) tetrodes.push(Number(mask[1]));
  }
  const text = (key: string) => {
    const value = header.fields.get(key)?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  return {
    header,
    startTime: trialStart(header),
    experimenter: text("experimenter"),
    comments: text("comments"),
    swVersion: text("sw_version"),
    rawRate: optionalNumberField(header, "rawRate"),
    adcFullscaleMv: numberField(header, "ADC_fullscale_mv"),
    gains,
    activeTetrodes: tetrodes.sort((a, b) => a - b),
  };
}

/**
 * Volts per stored unit of channel `channel` (0-based) for samples of `bits` bits:
 * ADC full scale / (gain × 2^(bits-1)), as in Axona's document (±full scale over the signed range).
 */
export function axonaGainToVolts(set: AxonaSet, channel: number, bits: number): number {
  const gain = set.gains.get(channel);
  if (gain === undefined || gain <= 0) {
    throw new SourceDataError(
      set.header.path,
      `has no positive gain_ch_${channel}; the channel's samples cannot be scaled to volts`,
    );
  }
  return set.adcFullscaleMv / 1000 / (gain * 2 ** (bits - 1));
}

/** Position of channel `channel` (0-63) among the 64 values of one sample in a `.bin` packet. */
export function binChannelPosition(channel: number): number {
  const block = Math.floor(channel / 8);
  const base = block % 2 === 0 ? 32 + (block / 2) * 8 : ((block - 1) / 2) * 8;
  return base + (channel % 8);
}

const PACKET_BYTES = 432;
const PACKET_HEADER = 32;
const SAMPLES_PER_PACKET = 3;
const BIN_CHANNELS = 64;

/** A raw `.bin` file: whole packets only. */
export interface AxonaBin {
  readonly path: string;
  readonly numPackets: number;
  readonly numSamples: number;
  /** Bytes after the last whole packet (a file cut short). */
  readonly trailingBytes: number;
  /** Samples of the given channels (0-63, Axona's numbering), shape (samples, channels). */
  source(channels: readonly number[]): ChunkSource;
}

/** Opens a raw `.bin` file; a file that does not start with an `ADU` packet is a SourceDataError. */
export function openAxonaBin(path: string): AxonaBin {
  const size = withOpenFile(path, (_fd, _path, bytes) => bytes);
  if (size < PACKET_BYTES) {
    throw new SourceDataError(path, `holds ${size} bytes, less than one 432-byte DacqUSB packet`);
  }
  const ident = readBytesSync(path, 0, 4, "its first packet").toString("latin1");
  if (!ident.startsWith("ADU")) {
    throw new SourceDataError(
      path,
      `starts with '${ident}', not an 'ADU' packet: it is not an Axona raw .bin file`,
    );
  }
  const numPackets = Math.floor(size / PACKET_BYTES);
  const file = new InterleavedFile({
    path,
    dtype: "int16",
    numChannels: BIN_CHANNELS,
    records: {
      kind: "strided",
      offset: PACKET_HEADER,
      rowsPerRecord: SAMPLES_PER_PACKET,
      recordBytes: PACKET_BYTES,
      numRecords: numPackets,
    },
  });
  return {
    path,
    numPackets,
    numSamples: file.numSamples,
    trailingBytes: size - numPackets * PACKET_BYTES,
    source: (channels) => file.source(channels.map(binChannelPosition)),
  };
}
