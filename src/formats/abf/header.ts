/**
 * ABF (Axon Binary File) headers, version 1 (`ABF `, pCLAMP <= 9) and version 2 (`ABF2`, pCLAMP >= 10),
 * decoded into one layout. Offsets follow Axon's ABF File Support Pack (abfheadr.h for ABF1, the ABF2
 * section structures of ABFFIO); all words are little-endian.
 *
 * - ABF1: one fixed header; per-ADC arrays are indexed by the physical ADC number. Headers of version 1.6
 *   and later are 6144 bytes long and hold the "extended" groups (per-DAC epochs, telegraphs); older ones
 *   are 2048 bytes and describe the epochs of the active DAC only.
 * - ABF2: a 512-byte header ends with a table of sections (block index, entry size, entry count); blocks are
 *   512 bytes. Names and units live in a strings section referenced by 1-based indices.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { SourceDataError } from "../../errors.js";

/** Bytes per block: section positions are counted in blocks. */
export const ABF_BLOCK_BYTES = 512;
const ABF1_HEADER_BYTES = 6144;
const ABF1_OLD_HEADER_BYTES = 2048;
const ABF2_HEADER_BYTES = 512;

/** nOperationMode: how sweeps were acquired. */
export type AbfOperationMode =
  | "eventVariableLength"
  | "eventFixedLength"
  | "gapFree"
  | "highSpeedOscilloscope"
  | "episodic";

const OPERATION_MODES: Record<number, AbfOperationMode> = {
  1: "eventVariableLength",
  2: "eventFixedLength",
  3: "gapFree",
  4: "highSpeedOscilloscope",
  5: "episodic",
};

/** nExperimentType as the protocol states it. */
export type AbfExperimentType = "voltageClamp" | "currentClamp" | "simpleAcquisition" | "unknown";

/** Amplifier mode reported by a MultiClamp-style telegraph (0 V-clamp, 1 I-clamp, 2 I=0). */
export type AbfTelegraphMode = "voltageClamp" | "currentClamp" | "currentZero";

export interface AbfTelegraph {
  readonly instrument: number;
  /** Extra gain the amplifier reported (multiplies the signal). */
  readonly additionalGain: number;
  /** Low-pass filter cut-off reported by the amplifier, in Hz (0 when unknown). */
  readonly filter: number;
  readonly membraneCapacitance: number;
  readonly accessResistance: number;
  readonly mode: AbfTelegraphMode | undefined;
}

/** One recorded input channel, in sampling order. */
export interface AbfAdcChannel {
  /** Position in the interleaved data. */
  readonly index: number;
  /** Physical ADC number. */
  readonly adcNumber: number;
  readonly name: string;
  readonly units: string;
  /** Physical value = raw * gain + offset (in `units`); for float32 data gain is 1 and offset 0. */
  readonly gain: number;
  readonly offset: number;
  readonly instrumentScaleFactor: number;
  readonly signalGain: number;
  readonly programmableGain: number;
  readonly lowpassFilter: number;
  readonly highpassFilter: number;
  /** Present when telegraphs were enabled for this channel. */
  readonly telegraph: AbfTelegraph | undefined;
}

/** What a DAC plays during a sweep. */
export type AbfWaveformSource = "none" | "epochs" | "file";

/** One epoch of a DAC's waveform; durations are in samples per channel. */
export interface AbfEpoch {
  readonly number: number;
  /** nEpochType: 0 off, 1 step, 2 ramp, 3 pulse train, 4 triangle train, 5 cosine train, 7 biphasic train. */
  readonly type: number;
  readonly initLevel: number;
  readonly levelIncrement: number;
  readonly initDuration: number;
  readonly durationIncrement: number;
  /** Pulse trains: period and width in samples (ABF2 only; 0 in ABF1). */
  readonly pulsePeriod: number;
  readonly pulseWidth: number;
}

/** One command output channel. */
export interface AbfDacChannel {
  readonly dacNumber: number;
  readonly name: string;
  readonly units: string;
  readonly holdingLevel: number;
  readonly waveformSource: AbfWaveformSource;
  /** Between sweeps and after the last epoch the DAC returns to the holding level, or keeps the last level. */
  readonly interEpisodeLevel: "holding" | "last";
  /** Epochs in order (type 0 epochs omitted). */
  readonly epochs: readonly AbfEpoch[];
}

export interface AbfTag {
  /** Sample index (all channels counted) from the start of the recording, as stored. */
  readonly position: number;
  /** Seconds from the start of the recording. */
  readonly time: number;
  readonly comment: string;
  readonly type: number;
}

/** Where one sweep's samples are and when it started. */
export interface AbfSweep {
  /** Samples per channel. */
  readonly rows: number;
  /** First sample of the sweep in the data section, all channels counted. */
  readonly firstSample: number;
  /** Start time in seconds from the start of the recording. */
  readonly startTime: number;
}

export interface AbfHeader {
  readonly path: string;
  readonly majorVersion: 1 | 2;
  /** e.g. "2.9.0.0" or "1.83". */
  readonly version: string;
  readonly operationMode: AbfOperationMode;
  readonly experimentType: AbfExperimentType;
  readonly dataFormat: "int16" | "float32";
  /** Byte position of the first sample. */
  readonly dataOffset: number;
  /** Samples in the data section, all channels counted. */
  readonly totalSamples: number;
  /** Sampling rate of each channel, in Hz. */
  readonly sampleRate: number;
  readonly channels: readonly AbfAdcChannel[];
  readonly dacs: readonly AbfDacChannel[];
  readonly sweeps: readonly AbfSweep[];
  readonly tags: readonly AbfTag[];
  /** Local date-time without zone (ISO 8601), or undefined when the file records no date. */
  readonly startDateTime: string | undefined;
  readonly protocolPath: string;
  readonly fileComment: string;
  readonly creator: string;
}

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    readonly view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  ) {}
  i16 = (at: number) => this.view.getInt16(at, true);
  u16 = (at: number) => this.view.getUint16(at, true);
  i32 = (at: number) => this.view.getInt32(at, true);
  u32 = (at: number) => this.view.getUint32(at, true);
  f32 = (at: number) => this.view.getFloat32(at, true);
  i64 = (at: number) => Number(this.view.getBigInt64(at, true));
  /** Fixed-width text padded with spaces or NULs. */
  text(at: number, length: number): string {
    return decodeText(this.bytes.subarray(at, at + length));
  }
}

/** Latin-1 text (Axon writes µ and ° as single bytes), without padding. */
function decodeText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end))
    .toString("latin1")
    .trim();
}

/** Reads `length` bytes at `position`; a file too short for them is truncated. */
function readAt(fd: number, path: string, position: number, length: number, what: string): Reader {
  const size = fstatSync(fd).size;
  if (position + length > size) {
    throw new SourceDataError(
      path,
      `truncated ABF file: the ${what} needs bytes ${position}-${position + length} but the file has ${size} bytes; copy the file again from the acquisition computer`,
    );
  }
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, bytes, done, length - done, position + done);
    if (n === 0)
      throw new SourceDataError(path, `the file ended at byte ${position + done} while reading the ${what}`);
    done += n;
  }
  return new Reader(bytes);
}

/**
 * Reads and decodes the header of an ABF1 or ABF2 file. Throws a {@link SourceDataError} naming the file
 * when it is not an ABF file, has an unsupported version, or is shorter than its header says.
 *
 * @example
 * ```ts
 * const header = readAbfHeader("cell1_0003.abf");
 * console.log(header.operationMode, header.sweeps.length, header.channels.map((c) => c.units));
 * ```
 */
export function readAbfHeader(path: string): AbfHeader {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size < 8) throw new SourceDataError(path, `not an ABF file: only ${size} bytes`);
    const start = readAt(fd, path, 0, 8, "file signature");
    const signature = Buffer.from(start.bytes.subarray(0, 4)).toString("latin1");
    let header: AbfHeader;
    if (signature === "ABF ") header = readAbf1(fd, path, start.f32(4));
    else if (signature === "ABF2") header = readAbf2(fd, path, start.bytes.subarray(4, 8));
    else {
      throw new SourceDataError(
        path,
        `not an ABF file: it starts with ${JSON.stringify(signature)}, not "ABF " (ABF1) or "ABF2"`,
      );
    }
    checkDataSize(header, size);
    return header;
  } finally {
    closeSync(fd);
  }
}

function checkDataSize(header: AbfHeader, size: number): void {
  const bytesPerSample = header.dataFormat === "int16" ? 2 : 4;
  const end = header.dataOffset + header.totalSamples * bytesPerSample;
  if (end > size) {
    throw new SourceDataError(
      header.path,
      `truncated ABF file: the header announces ${header.totalSamples} samples ending at byte ${end}, but the file has ${size} bytes; copy the file again from the acquisition computer`,
    );
  }
  const lastSweep = header.sweeps.at(-1);
  const needed = lastSweep ? lastSweep.firstSample + lastSweep.rows * header.channels.length : 0;
  if (needed > header.totalSamples) {
    throw new SourceDataError(
      header.path,
      `inconsistent ABF header: the sweeps need ${needed} samples but the data section holds ${header.totalSamples}`,
    );
  }
}

function operationModeOf(path: string, code: number): AbfOperationMode {
  const mode = OPERATION_MODES[code];
  if (!mode)
    throw new SourceDataError(path, `unknown ABF operation mode ${code} (nOperationMode, expected 1-5)`);
  return mode;
}

function experimentTypeOf(code: number): AbfExperimentType {
  return code === 0
    ? "voltageClamp"
    : code === 1
      ? "currentClamp"
      : code === 2
        ? "simpleAcquisition"
        : "unknown";
}

function telegraphModeOf(code: number): AbfTelegraphMode | undefined {
  return code === 0 ? "voltageClamp" : code === 1 ? "currentClamp" : code === 2 ? "currentZero" : undefined;
}

function waveformSourceOf(enabled: number, source: number): AbfWaveformSource {
  if (!enabled) return "none";
  return source === 1 ? "epochs" : source === 2 ? "file" : "none";
}

/** Physical scaling of an int16 channel: volts at the ADC, divided by every gain along the signal path. */
function scaling(
  dataFormat: AbfHeader["dataFormat"],
  adcRange: number,
  adcResolution: number,
  c: { instrumentScaleFactor: number; signalGain: number; programmableGain: number; extraGain: number },
  instrumentOffset: number,
  signalOffset: number,
): { gain: number; offset: number } {
  if (dataFormat === "float32") return { gain: 1, offset: 0 };
  const gain =
    adcRange / (c.instrumentScaleFactor * c.signalGain * c.programmableGain * c.extraGain) / adcResolution;
  return { gain, offset: instrumentOffset - signalOffset };
}

function isoDate(date: number, milliseconds: number): string | undefined {
  if (date <= 0) return undefined;
  // ABF1 files before 2000 wrote YYMMDD; later ones YYYYMMDD.
  let year = Math.floor(date / 10000);
  if (year < 100) year += year < 80 ? 2000 : 1900;
  const month = Math.floor(date / 100) % 100;
  const day = date % 100;
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const ms = Math.round(milliseconds);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** Synch array: (start, length) int32 pairs, one per sweep. */
function readSynch(fd: number, path: string, position: number, count: number): Int32Array {
  const reader = readAt(fd, path, position, count * 8, "synch array (sweep start times)");
  const out = new Int32Array(count * 2);
  for (let i = 0; i < count * 2; i++) out[i] = reader.i32(i * 4);
  return out;
}

interface SweepLayout {
  readonly mode: AbfOperationMode;
  readonly channelCount: number;
  readonly totalSamples: number;
  /** Samples per sweep, all channels counted (fixed-length modes). */
  readonly samplesPerEpisode: number;
  readonly episodes: number;
  readonly sampleRate: number;
  /** Synch time unit in µs; 0 means synch times are in samples. */
  readonly synchTimeUnit: number;
  readonly episodeStartToStart: number;
  readonly synch: Int32Array | undefined;
}

/**
 * Sweeps from the operation mode: gap-free data is one sweep; fixed-length modes cut the data into equal
 * sweeps; variable-length event mode takes each sweep's length from the synch array. Start times come from
 * the synch array when there is one, else from the episode start-to-start interval.
 */
function sweepsOf(path: string, layout: SweepLayout): AbfSweep[] {
  const { channelCount: n, sampleRate, synch } = layout;
  const synchSeconds = (value: number) =>
    layout.synchTimeUnit > 0 ? value * layout.synchTimeUnit * 1e-6 : value / n / sampleRate;
  if (layout.mode === "gapFree") {
    return [{ rows: Math.floor(layout.totalSamples / n), firstSample: 0, startTime: 0 }];
  }
  const count = synch ? synch.length / 2 : layout.episodes;
  const sweeps: AbfSweep[] = [];
  if (layout.mode === "eventVariableLength") {
    if (!synch) {
      throw new SourceDataError(
        path,
        "variable-length event data without a synch array: sweep lengths unknown",
      );
    }
    // Lengths are stored in samples; some writers stored them in synch time units instead. The reading whose
    // lengths add up to the data section is the right one.
    const lengths = Array.from({ length: count }, (_, i) => synch[2 * i + 1]!);
    const sum = (scale: number) => lengths.reduce((a, l) => a + Math.round(l / scale), 0);
    const scale =
      sum(1) === layout.totalSamples
        ? 1
        : layout.synchTimeUnit > 0 && sum(layout.synchTimeUnit) === layout.totalSamples
          ? layout.synchTimeUnit
          : undefined;
    if (scale === undefined) {
      throw new SourceDataError(
        path,
        `the synch array's sweep lengths (${sum(1)} samples) do not add up to the data section (${layout.totalSamples} samples)`,
      );
    }
    let first = 0;
    for (let i = 0; i < count; i++) {
      const length = Math.round(lengths[i]! / scale);
      sweeps.push({
        rows: Math.floor(length / n),
        firstSample: first,
        startTime: synchSeconds(synch[2 * i]!),
      });
      first += length;
    }
    return sweeps;
  }
  const perSweep = layout.samplesPerEpisode;
  if (!(perSweep > 0) || perSweep % n !== 0) {
    throw new SourceDataError(path, `invalid samples per sweep ${perSweep} for ${n} channels`);
  }
  const rows = perSweep / n;
  const interval = layout.episodeStartToStart > 0 ? layout.episodeStartToStart : rows / sampleRate;
  for (let i = 0; i < count; i++) {
    sweeps.push({
      rows,
      firstSample: i * perSweep,
      startTime: synch ? synchSeconds(synch[2 * i]!) : i * interval,
    });
  }
  return sweeps;
}

// ---------------------------------------------------------------- ABF1

/** Where an ABF1 header keeps its ten-epoch tables: the extended group (per DAC) or the old one (active DAC). */
interface Abf1EpochLayout {
  readonly type: number;
  readonly initLevel: number;
  readonly levelIncrement: number;
  readonly initDuration: number;
  readonly durationIncrement: number;
  /** Durations are int32 in the extended group, int16 in the old one. */
  readonly durationBytes: 2 | 4;
}
const ABF1_EXTENDED_EPOCHS: Abf1EpochLayout = {
  type: 2308,
  initLevel: 2348,
  levelIncrement: 2428,
  initDuration: 2508,
  durationIncrement: 2588,
  durationBytes: 4,
};
const ABF1_OLD_EPOCHS: Abf1EpochLayout = {
  type: 1444,
  initLevel: 1464,
  levelIncrement: 1504,
  initDuration: 1544,
  durationIncrement: 1564,
  durationBytes: 2,
};

/** Ten epochs from entry `first` of an ABF1 epoch table. */
function abf1Epochs(h: Reader, layout: Abf1EpochLayout, first: number): AbfEpoch[] {
  const duration = (base: number, k: number) =>
    layout.durationBytes === 4 ? h.i32(base + 4 * k) : h.i16(base + 2 * k);
  return Array.from({ length: 10 }, (_, e) => {
    const k = first + e;
    return {
      number: e,
      type: h.i16(layout.type + 2 * k),
      initLevel: h.f32(layout.initLevel + 4 * k),
      levelIncrement: h.f32(layout.levelIncrement + 4 * k),
      initDuration: duration(layout.initDuration, k),
      durationIncrement: duration(layout.durationIncrement, k),
      pulsePeriod: 0,
      pulseWidth: 0,
    };
  });
}

function readAbf1(fd: number, path: string, version: number): AbfHeader {
  if (!(version >= 1 && version < 2)) {
    throw new SourceDataError(
      path,
      `unsupported ABF version ${version}: an "ABF " file must be version 1.x (this reader supports ABF 1.x and 2.x)`,
    );
  }
  const extended = version >= 1.6;
  const h = readAt(fd, path, 0, extended ? ABF1_HEADER_BYTES : ABF1_OLD_HEADER_BYTES, "ABF1 header");
  const dataFormat = h.i16(100) === 1 ? "float32" : "int16";
  const channelCount = h.i16(120);
  if (channelCount < 1 || channelCount > 16) {
    throw new SourceDataError(path, `invalid ABF1 header: ${channelCount} channels (nADCNumChannels)`);
  }
  const sampleRate = 1e6 / (h.f32(122) * channelCount);
  const adcRange = h.f32(244);
  const adcResolution = h.i32(252);
  const channels: AbfAdcChannel[] = [];
  for (let index = 0; index < channelCount; index++) {
    const adc = h.i16(410 + 2 * index);
    const telegraphOn = extended && h.i16(4512 + 2 * adc) === 1;
    const telegraph: AbfTelegraph | undefined = telegraphOn
      ? {
          instrument: h.i16(4544 + 2 * adc),
          additionalGain: h.f32(4576 + 4 * adc),
          filter: h.f32(4640 + 4 * adc),
          membraneCapacitance: h.f32(4704 + 4 * adc),
          accessResistance: 0,
          mode: telegraphModeOf(h.i16(4768 + 2 * adc)),
        }
      : undefined;
    const factors = {
      instrumentScaleFactor: h.f32(922 + 4 * adc),
      signalGain: h.f32(1050 + 4 * adc),
      programmableGain: h.f32(730 + 4 * adc),
      extraGain: telegraph?.additionalGain ?? 1,
    };
    channels.push({
      index,
      adcNumber: adc,
      name: h.text(442 + 10 * adc, 10),
      units: h.text(602 + 8 * adc, 8),
      ...scaling(dataFormat, adcRange, adcResolution, factors, h.f32(986 + 4 * adc), h.f32(1114 + 4 * adc)),
      instrumentScaleFactor: factors.instrumentScaleFactor,
      signalGain: factors.signalGain,
      programmableGain: factors.programmableGain,
      lowpassFilter: h.f32(1178 + 4 * adc),
      highpassFilter: h.f32(1242 + 4 * adc),
      telegraph,
    });
  }
  const activeDac = h.i16(1440);
  const dacs: AbfDacChannel[] = [];
  for (let dac = 0; dac < 4; dac++) {
    // Extended headers describe waveforms for DACs 0 and 1; older ones for the active DAC only.
    const epochs: AbfEpoch[] = [];
    let waveformSource: AbfWaveformSource = "none";
    let interEpisodeLevel: AbfDacChannel["interEpisodeLevel"] = "holding";
    if (extended && dac < 2) {
      waveformSource = waveformSourceOf(h.i16(2296 + 2 * dac), h.i16(2300 + 2 * dac));
      interEpisodeLevel = h.i16(2304 + 2 * dac) ? "last" : "holding";
      epochs.push(...abf1Epochs(h, ABF1_EXTENDED_EPOCHS, dac * 10));
    } else if (!extended && dac === activeDac) {
      waveformSource = waveformSourceOf(1, h.i16(1438));
      interEpisodeLevel = h.i16(1442) ? "last" : "holding";
      epochs.push(...abf1Epochs(h, ABF1_OLD_EPOCHS, 0));
    }
    dacs.push({
      dacNumber: dac,
      name: h.text(1306 + 10 * dac, 10),
      units: h.text(1346 + 8 * dac, 8),
      holdingLevel: h.f32(1394 + 4 * dac),
      waveformSource,
      interEpisodeLevel,
      epochs: epochs.filter((e) => e.type !== 0),
    });
  }
  const mode = operationModeOf(path, h.i16(8));
  const synchCount = h.i32(96);
  const synch = synchCount > 0 ? readSynch(fd, path, h.i32(92) * ABF_BLOCK_BYTES, synchCount) : undefined;
  const totalSamples = h.i32(10);
  const synchTimeUnit = h.f32(130);
  const sweeps = sweepsOf(path, {
    mode,
    channelCount,
    totalSamples,
    samplesPerEpisode: h.i32(138),
    episodes: h.i32(16),
    sampleRate,
    synchTimeUnit,
    episodeStartToStart: h.f32(178),
    synch,
  });
  const tagCount = h.i32(48);
  const tags = readTags(fd, path, h.i32(44) * ABF_BLOCK_BYTES, tagCount, 64, (position) =>
    synchTimeUnit > 0 ? position * synchTimeUnit * 1e-6 : position / channelCount / sampleRate,
  );
  const bytesPerSample = dataFormat === "int16" ? 2 : 4;
  const startSeconds = h.i32(24) + h.i16(366) / 1000;
  return {
    path,
    majorVersion: 1,
    version: version.toFixed(2),
    operationMode: mode,
    experimentType: experimentTypeOf(h.i16(260)),
    dataFormat,
    dataOffset: h.i32(40) * ABF_BLOCK_BYTES + h.i16(14) * bytesPerSample,
    totalSamples,
    sampleRate,
    channels,
    dacs,
    sweeps,
    tags,
    startDateTime: isoDate(h.i32(20), startSeconds * 1000),
    protocolPath: extended ? h.text(4898, 256) : "",
    fileComment: extended ? h.text(5154, 128) || h.text(310, 56) : h.text(310, 56),
    creator: h.text(294, 16),
  };
}

function readTags(
  fd: number,
  path: string,
  position: number,
  count: number,
  entryBytes: number,
  seconds: (position: number) => number,
): AbfTag[] {
  if (count <= 0) return [];
  const r = readAt(fd, path, position, count * entryBytes, "tag section");
  return Array.from({ length: count }, (_, i) => {
    const at = i * entryBytes;
    const stored = r.i32(at);
    return { position: stored, time: seconds(stored), comment: r.text(at + 4, 56), type: r.i16(at + 60) };
  });
}

// ---------------------------------------------------------------- ABF2

interface Section {
  readonly position: number;
  readonly entryBytes: number;
  readonly count: number;
}

const SECTION_INDEX = {
  protocol: 0,
  adc: 1,
  dac: 2,
  epochPerDac: 5,
  strings: 9,
  data: 10,
  tag: 11,
  synchArray: 15,
} as const;

function readAbf2(fd: number, path: string, versionBytes: Uint8Array): AbfHeader {
  // fFileVersionNumber is four bytes, least significant first: [0, 0, 9, 2] is 2.9.0.0.
  const version = [versionBytes[3], versionBytes[2], versionBytes[1], versionBytes[0]].join(".");
  if (versionBytes[3] !== 2) {
    throw new SourceDataError(
      path,
      `unsupported ABF version ${version}: an "ABF2" file must be version 2.x (this reader supports ABF 1.x and 2.x)`,
    );
  }
  const h = readAt(fd, path, 0, ABF2_HEADER_BYTES, "ABF2 header");
  const section = (k: number): Section => ({
    position: h.u32(76 + 16 * k) * ABF_BLOCK_BYTES,
    entryBytes: h.u32(80 + 16 * k),
    count: h.i64(84 + 16 * k),
  });
  const entries = (s: Section, what: string): Reader[] => {
    if (s.count === 0) return [];
    const r = readAt(fd, path, s.position, s.entryBytes * s.count, what);
    return Array.from(
      { length: s.count },
      (_, i) => new Reader(r.bytes.subarray(i * s.entryBytes, (i + 1) * s.entryBytes)),
    );
  };
  const strings = readStrings(fd, path, section(SECTION_INDEX.strings));
  const text = (index: number) => strings[index - 1] ?? "";
  const [p] = entries(section(SECTION_INDEX.protocol), "protocol section");
  if (!p) throw new SourceDataError(path, "invalid ABF2 file: no protocol section");
  const dataFormat = h.u16(30) === 1 ? "float32" : "int16";
  const adcRange = p.f32(110);
  const adcResolution = p.i32(118);
  const sampleRate = 1e6 / p.f32(2);
  const channels = entries(section(SECTION_INDEX.adc), "ADC section").map((a, index): AbfAdcChannel => {
    const telegraph: AbfTelegraph | undefined =
      a.i16(2) === 1
        ? {
            instrument: a.i16(4),
            additionalGain: a.f32(6),
            filter: a.f32(10),
            membraneCapacitance: a.f32(14),
            accessResistance: a.f32(20),
            mode: telegraphModeOf(a.i16(18)),
          }
        : undefined;
    const factors = {
      instrumentScaleFactor: a.f32(40),
      signalGain: a.f32(48),
      programmableGain: a.f32(28),
      extraGain: telegraph?.additionalGain ?? 1,
    };
    return {
      index,
      adcNumber: a.i16(0),
      name: text(a.i32(74)),
      units: text(a.i32(78)),
      ...scaling(dataFormat, adcRange, adcResolution, factors, a.f32(44), a.f32(52)),
      instrumentScaleFactor: factors.instrumentScaleFactor,
      signalGain: factors.signalGain,
      programmableGain: factors.programmableGain,
      lowpassFilter: a.f32(56),
      highpassFilter: a.f32(60),
      telegraph,
    };
  });
  if (channels.length === 0) throw new SourceDataError(path, "invalid ABF2 file: no ADC channels");
  const epochsByDac = new Map<number, AbfEpoch[]>();
  for (const e of entries(section(SECTION_INDEX.epochPerDac), "epoch-per-DAC section")) {
    const dac = e.i16(2);
    const list = epochsByDac.get(dac) ?? [];
    list.push({
      number: e.i16(0),
      type: e.i16(4),
      initLevel: e.f32(6),
      levelIncrement: e.f32(10),
      initDuration: e.i32(14),
      durationIncrement: e.i32(18),
      pulsePeriod: e.i32(22),
      pulseWidth: e.i32(26),
    });
    epochsByDac.set(dac, list);
  }
  const dacs = entries(section(SECTION_INDEX.dac), "DAC section").map((d): AbfDacChannel => {
    const dacNumber = d.i16(0);
    return {
      dacNumber,
      name: text(d.i32(24)),
      units: text(d.i32(28)),
      holdingLevel: d.f32(12),
      waveformSource: waveformSourceOf(d.i16(40), d.i16(42)),
      interEpisodeLevel: d.i16(44) ? "last" : "holding",
      epochs: (epochsByDac.get(dacNumber) ?? [])
        .filter((e) => e.type !== 0)
        .sort((x, y) => x.number - y.number),
    };
  });
  const data = section(SECTION_INDEX.data);
  const synchSection = section(SECTION_INDEX.synchArray);
  const synch =
    synchSection.count > 0 ? readSynch(fd, path, synchSection.position, synchSection.count) : undefined;
  const mode = operationModeOf(path, p.i16(0));
  const synchTimeUnit = p.f32(14);
  const sweeps = sweepsOf(path, {
    mode,
    channelCount: channels.length,
    totalSamples: data.count,
    samplesPerEpisode: p.i32(22),
    episodes: h.u32(12),
    sampleRate,
    synchTimeUnit,
    episodeStartToStart: p.f32(62),
    synch,
  });
  const tagSection = section(SECTION_INDEX.tag);
  const tags = readTags(fd, path, tagSection.position, tagSection.count, tagSection.entryBytes, (position) =>
    synchTimeUnit > 0 ? position * synchTimeUnit * 1e-6 : position / channels.length / sampleRate,
  );
  return {
    path,
    majorVersion: 2,
    version,
    operationMode: mode,
    experimentType: experimentTypeOf(p.i16(126)),
    dataFormat,
    dataOffset: data.position,
    totalSamples: data.count,
    sampleRate,
    channels,
    dacs,
    sweeps,
    tags,
    startDateTime: isoDate(h.u32(16), h.u32(20)),
    protocolPath: text(h.u32(72)),
    fileComment: p.i16(130) ? text(p.i32(132)) : "",
    creator: text(h.u32(60)),
  };
}

/**
 * The strings section: a 44-byte header ("SSCH", version, string count, ...) then NUL-terminated strings,
 * referenced from the other sections by 1-based index.
 */
function readStrings(fd: number, path: string, s: Section): string[] {
  if (s.entryBytes === 0) return [];
  const r = readAt(fd, path, s.position, s.entryBytes, "strings section");
  const signature = Buffer.from(r.bytes.subarray(0, 4)).toString("latin1");
  if (signature !== "SSCH") {
    throw new SourceDataError(path, `invalid ABF2 strings section: signature ${JSON.stringify(signature)}`);
  }
  const count = r.u32(8);
  const out: string[] = [];
  let at = 44;
  while (out.length < count && at < r.bytes.length) {
    let end = r.bytes.indexOf(0, at);
    if (end < 0) end = r.bytes.length;
    out.push(Buffer.from(r.bytes.subarray(at, end)).toString("latin1"));
    at = end + 1;
  }
  return out;
}
