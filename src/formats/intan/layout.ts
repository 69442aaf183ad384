/**
 * What the header implies: the streams of a recording, their channels and scaling, and the record layout of
 * one data block of the traditional (header-attached) file.
 *
 * Block layout, per "RHD2000 Application Note: Data File Formats" / "RHS2000 Application Note: Data File
 * Formats" ("Traditional Intan File Format"), checked against Intan-RHX `IntanFileSaveManager` and the
 * RHD2000 GUI's `SignalProcessor`: each block holds N samples (60 or 128) and stores, in this order and
 * channel after channel (all N samples of one channel, then the next channel):
 *   RHD: N timestamps (int32; uint32 before 1.2) | amplifier N x uint16 | auxiliary N/4 x uint16 |
 *        supply voltage 1 x uint16 | temperature 1 x int16 (per sensor) | board ADC N x uint16 |
 *        digital in N x uint16 (one word, if any line is enabled) | digital out N x uint16 (likewise)
 *   RHS: N timestamps (int32) | amplifier N x uint16 | DC amplifier N x uint16 (if saved) |
 *        stimulation N x uint16 (one per amplifier channel) | board ADC N x uint16 | board DAC N x uint16 |
 *        digital in N x uint16 | digital out N x uint16
 */
import type { NumericDtype } from "../../data/dtype.js";
import type { IntanChannelInfo, IntanHeader } from "./header.js";

/** The kinds of stream an Intan recording can hold. */
export type IntanStreamKind =
  | "amplifier"
  | "auxiliary"
  | "supplyVoltage"
  | "temperature"
  | "boardAdc"
  | "boardDigitalIn"
  | "boardDigitalOut"
  | "dcAmplifier"
  | "stimulation"
  | "boardDac";

/** The stream kinds that carry 16 digital lines packed in one word per sample. */
export const DIGITAL_KINDS: readonly IntanStreamKind[] = ["boardDigitalIn", "boardDigitalOut"];

/** A readable name for each stream, for messages and descriptions. */
export const STREAM_LABELS: Record<IntanStreamKind, string> = {
  amplifier: "amplifier channels",
  auxiliary: "auxiliary input channels",
  supplyVoltage: "supply voltage channels",
  temperature: "temperature sensors",
  boardAdc: "board ADC (analog input) channels",
  boardDigitalIn: "board digital input channels",
  boardDigitalOut: "board digital output channels",
  dcAmplifier: "DC amplifier channels",
  stimulation: "stimulation channels",
  boardDac: "board DAC (analog output) channels",
};

/** Header signal-type number of each stream whose channels the header lists. */
export function signalTypeOf(fileType: "rhd" | "rhs", kind: IntanStreamKind): number | undefined {
  const rhd: Partial<Record<IntanStreamKind, number>> = {
    amplifier: 0,
    auxiliary: 1,
    supplyVoltage: 2,
    boardAdc: 3,
    boardDigitalIn: 4,
    boardDigitalOut: 5,
  };
  const rhs: Partial<Record<IntanStreamKind, number>> = {
    amplifier: 0,
    boardAdc: 3,
    boardDac: 4,
    boardDigitalIn: 5,
    boardDigitalOut: 6,
  };
  return (fileType === "rhd" ? rhd : rhs)[kind];
}

/** Enabled channels of one signal type, in header order (the order their data is stored in). */
export function enabledChannels(header: IntanHeader, signalType: number): IntanChannelInfo[] {
  const out: IntanChannelInfo[] = [];
  for (const group of header.groups) {
    for (const channel of group.channels) {
      if (channel.enabled && channel.signalType === signalType) out.push(channel);
    }
  }
  return out;
}

/**
 * Channels of every stream the header announces (before looking at any data file). Temperature sensors are
 * not channel records: they are synthesized as `TEMP-1`, `TEMP-2`, ... with signal type -1.
 */
export function streamChannels(header: IntanHeader): Map<IntanStreamKind, IntanChannelInfo[]> {
  const map = new Map<IntanStreamKind, IntanChannelInfo[]>();
  const add = (kind: IntanStreamKind) => {
    const type = signalTypeOf(header.fileType, kind);
    if (type === undefined) return;
    const channels = enabledChannels(header, type);
    if (channels.length > 0) map.set(kind, channels);
  };
  add("amplifier");
  if (header.fileType === "rhs") {
    const amplifier = map.get("amplifier") ?? [];
    if (header.dcAmplifierDataSaved && amplifier.length > 0) map.set("dcAmplifier", amplifier);
    if (amplifier.length > 0) map.set("stimulation", amplifier);
  } else {
    add("auxiliary");
    add("supplyVoltage");
    if (header.numTempSensors > 0) {
      map.set(
        "temperature",
        Array.from({ length: header.numTempSensors }, (_, i) => temperatureChannel(i)),
      );
    }
  }
  add("boardAdc");
  add("boardDac");
  add("boardDigitalIn");
  add("boardDigitalOut");
  return map;
}

function temperatureChannel(i: number): IntanChannelInfo {
  return {
    nativeName: `TEMP-${i + 1}`,
    customName: `TEMP-${i + 1}`,
    nativeOrder: i,
    customOrder: i,
    signalType: -1,
    enabled: true,
    chipChannel: -1,
    commandStream: undefined,
    boardStream: i,
    spikeTrigger: {
      voltageTriggerMode: 0,
      voltageThreshold: 0,
      digitalTriggerChannel: 0,
      digitalEdgePolarity: 0,
    },
    impedanceMagnitude: 0,
    impedancePhase: 0,
    groupName: "",
    groupPrefix: "",
    groupIndex: -1,
  };
}

/**
 * How stored integers become SI values: `value = data * conversion + offset` (the NWB convention), where
 * `data` is what the stream's ChunkSource yields.
 *
 * Choice of dtype: where Intan's formula is `step * (raw - 32768)` (offset binary: amplifier, RHD board ADC
 * in modes 1 and 13, RHS board ADC and DAC) the data is delivered as int16 `raw - 32768` (a bijection on all
 * 65536 codes, computed as raw XOR 0x8000), so `offset` is 0, the data is signed like every other
 * electrophysiology format, and traditional and split layouts (where Intan itself stores amplifier data as
 * int16) yield identical arrays. Where the formula is `step * raw` the raw uint16 is kept. The DC amplifier
 * (`-0.01923 V * (raw - 512)`, a 10-bit code) keeps its raw uint16 with a negative conversion and an offset
 * so that every stored value stays exact.
 */
export interface IntanScale {
  readonly dtype: NumericDtype;
  readonly conversion: number;
  readonly offset: number;
  readonly unit: "volts" | "amperes" | "degrees Celsius" | "";
  /** The delivered value is the stored offset-binary word XOR 0x8000 (traditional files). */
  readonly fromOffsetBinary: boolean;
}

/**
 * Scale of each stream. Values from the app notes' conversion tables (also Intan's loaders
 * `scale_analog_data`): amplifier 0.195 µV/bit offset 32768; auxiliary 37.4 µV/bit; supply 74.8 µV/bit;
 * temperature 0.01 °C/bit (int16, the RHD2000 GUI stores 100 x °C); RHD board ADC 50.354 µV/bit (mode 0),
 * 152.59 µV/bit offset 32768 (mode 1), 312.5 µV/bit offset 32768 (mode 13); RHS board ADC and DAC
 * 312.5 µV/bit offset 32768; RHS DC amplifier -19.23 mV/bit offset 512; RHS stimulation current = step
 * size x signed 8-bit magnitude.
 */
export function streamScale(header: IntanHeader, kind: IntanStreamKind): IntanScale {
  const signed = (step: number, unit: IntanScale["unit"] = "volts"): IntanScale => ({
    dtype: "int16",
    conversion: step,
    offset: 0,
    unit,
    fromOffsetBinary: true,
  });
  const unsigned = (step: number, unit: IntanScale["unit"] = "volts"): IntanScale => ({
    dtype: "uint16",
    conversion: step,
    offset: 0,
    unit,
    fromOffsetBinary: false,
  });
  switch (kind) {
    case "amplifier":
      return signed(0.195e-6);
    case "auxiliary":
      return unsigned(37.4e-6);
    case "supplyVoltage":
      return unsigned(74.8e-6);
    case "temperature":
      return {
        dtype: "int16",
        conversion: 0.01,
        offset: 0,
        unit: "degrees Celsius",
        fromOffsetBinary: false,
      };
    case "boardAdc":
      if (header.fileType === "rhs") return signed(312.5e-6);
      // Intan's RHD loader: mode 1 and 13 are offset binary; every other mode scales like mode 0.
      if (header.evalBoardMode === 1) return signed(152.59e-6);
      if (header.evalBoardMode === 13) return signed(312.5e-6);
      return unsigned(50.354e-6);
    case "boardDac":
      return signed(312.5e-6);
    case "dcAmplifier":
      return {
        dtype: "uint16",
        conversion: -0.01923,
        offset: 512 * 0.01923,
        unit: "volts",
        fromOffsetBinary: false,
      };
    case "stimulation":
      return {
        dtype: "int16",
        conversion: header.stimulation?.stimStepSize ?? 0,
        offset: 0,
        unit: "amperes",
        fromOffsetBinary: false,
      };
    case "boardDigitalIn":
    case "boardDigitalOut":
      return { dtype: "uint8", conversion: 1, offset: 0, unit: "", fromOffsetBinary: false };
  }
}

/** One region of a traditional data block: `channels` x `samplesPerBlock` values, channel after channel. */
export interface IntanBlockRegion {
  readonly content: IntanStreamKind | "timestamps";
  /** Byte offset of the region from the start of the block. */
  readonly byteOffset: number;
  readonly channels: number;
  readonly samplesPerBlock: number;
  readonly bytesPerSample: 2 | 4;
}

/** The record layout of one data block of a traditional file. */
export interface IntanBlockLayout {
  readonly samplesPerBlock: number;
  readonly bytesPerBlock: number;
  readonly regions: readonly IntanBlockRegion[];
}

/** Computes the data-block layout of a traditional file from its header (see the module comment). */
export function blockLayout(header: IntanHeader): IntanBlockLayout {
  const n = header.samplesPerBlock;
  const channels = streamChannels(header);
  const count = (kind: IntanStreamKind) => channels.get(kind)?.length ?? 0;
  const regions: IntanBlockRegion[] = [];
  let offset = 0;
  const push = (content: IntanBlockRegion["content"], k: number, samples: number, bytes: 2 | 4 = 2) => {
    if (k === 0) return;
    regions.push({
      content,
      byteOffset: offset,
      channels: k,
      samplesPerBlock: samples,
      bytesPerSample: bytes,
    });
    offset += k * samples * bytes;
  };
  push("timestamps", 1, n, 4);
  push("amplifier", count("amplifier"), n);
  if (header.fileType === "rhs") {
    push("dcAmplifier", count("dcAmplifier"), n);
    push("stimulation", count("stimulation"), n);
    push("boardAdc", count("boardAdc"), n);
    push("boardDac", count("boardDac"), n);
  } else {
    push("auxiliary", count("auxiliary"), n / 4);
    push("supplyVoltage", count("supplyVoltage"), 1);
    push("temperature", count("temperature"), 1);
    push("boardAdc", count("boardAdc"), n);
  }
  // One 16-bit word per sample carries all 16 lines, saved when any line is enabled.
  push("boardDigitalIn", count("boardDigitalIn") > 0 ? 1 : 0, n);
  push("boardDigitalOut", count("boardDigitalOut") > 0 ? 1 : 0, n);
  return { samplesPerBlock: n, bytesPerBlock: offset, regions };
}
