/**
 * The standard Intan header that starts every `.rhd` / `.rhs` file (and is the whole of `info.rhd` /
 * `info.rhs` in the split layouts). Little-endian throughout; text fields are Qt `QString`s: a uint32 byte
 * length (0xFFFFFFFF = null string) followed by UTF-16LE code units.
 *
 * Field order and version rules follow Intan's "RHD2000 Application Note: Data File Formats" and
 * "RHS2000 Application Note: Data File Formats" ("Standard Intan RHD/RHS Header"), as implemented by Intan's
 * reference loaders (load-rhd-notebook-python, load-rhs-notebook-python) and written by Intan's own
 * software (Intan-RHX `SaveManager::writeIntanFileHeader`, the RHD2000 evaluation GUI `SignalGroup` stream
 * operators).
 *
 * Parsing is synchronous (recording interfaces read headers in their constructors).
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { SourceDataError } from "../../errors.js";

/** 0xC6912702: an RHD2000-family file (RHD recording systems). */
export const RHD_MAGIC = 0xc6912702;
/** 0xD69127AC: an RHS2000-family file (RHS stimulation/recording controller). */
export const RHS_MAGIC = 0xd69127ac;

/** Which header family the magic number says. */
export type IntanFileType = "rhd" | "rhs";

/**
 * Signal types as numbered in the header. RHD: 0 amplifier, 1 auxiliary input, 2 supply voltage,
 * 3 board ADC, 4 board digital in, 5 board digital out. RHS: 0 amplifier, 3 board ADC, 4 board DAC (analog
 * out), 5 board digital in, 6 board digital out (1 and 2 do not exist for RHS).
 */
export type IntanSignalType = number;

/** Spike-scope trigger settings stored with every channel (only meaningful for amplifier channels). */
export interface IntanSpikeTrigger {
  /** 0: trigger on a digital input, 1: trigger on a voltage threshold. */
  readonly voltageTriggerMode: number;
  /** Threshold in microvolts. */
  readonly voltageThreshold: number;
  /** Board digital input used as trigger (0-15). */
  readonly digitalTriggerChannel: number;
  /** 0: falling edge, 1: rising edge. */
  readonly digitalEdgePolarity: number;
}

/** One channel record of the header. */
export interface IntanChannelInfo {
  /** Name given by the software, e.g. `A-000`, `A-AUX1`, `ANALOG-IN-1`, `DIGITAL-IN-01`. */
  readonly nativeName: string;
  /** Name the user gave (equal to the native name unless renamed). */
  readonly customName: string;
  /** Native channel number; for board digital channels the bit of the 16-bit word. */
  readonly nativeOrder: number;
  readonly customOrder: number;
  readonly signalType: IntanSignalType;
  readonly enabled: boolean;
  /** Channel number on the amplifier chip. */
  readonly chipChannel: number;
  /** RHS only: command stream of the chip. */
  readonly commandStream: number | undefined;
  /** Data stream of the acquisition board. */
  readonly boardStream: number;
  readonly spikeTrigger: IntanSpikeTrigger;
  /** Last measured electrode impedance magnitude (ohms); 0 when never measured. */
  readonly impedanceMagnitude: number;
  /** Last measured electrode impedance phase (degrees). */
  readonly impedancePhase: number;
  /** Name of the signal group (port) the channel belongs to, e.g. `Port A`. */
  readonly groupName: string;
  /** Prefix of the group, e.g. `A`. */
  readonly groupPrefix: string;
  /** Position of the group in the header (0-based). */
  readonly groupIndex: number;
}

/** One signal group (a headstage port, or the board's analog/digital ports). */
export interface IntanSignalGroup {
  readonly name: string;
  readonly prefix: string;
  readonly enabled: boolean;
  /** Channels the group declares (enabled or not). */
  readonly numChannels: number;
  readonly numAmplifierChannels: number;
  /** Every channel record of the group, enabled or not, in header order. */
  readonly channels: readonly IntanChannelInfo[];
}

/** Amplifier filter settings. "Actual" values are what the hardware achieved, "desired" what was asked. */
export interface IntanFilterSettings {
  readonly dspEnabled: boolean;
  readonly actualDspCutoffFrequency: number;
  readonly actualLowerBandwidth: number;
  /** RHS only: lower bandwidth used during amplifier settle. */
  readonly actualLowerSettleBandwidth: number | undefined;
  readonly actualUpperBandwidth: number;
  readonly desiredDspCutoffFrequency: number;
  readonly desiredLowerBandwidth: number;
  readonly desiredLowerSettleBandwidth: number | undefined;
  readonly desiredUpperBandwidth: number;
  /** 0: off, 1: 50 Hz, 2: 60 Hz. */
  readonly notchFilterMode: number;
  /** 0 (off), 50 or 60 Hz. */
  readonly notchFilterFrequency: 0 | 50 | 60;
  /**
   * The notch filter was applied before saving: true for Intan RHX files (version 3.0 on) with the filter on.
   * Earlier software saved unfiltered data and recorded the setting for later processing (Intan's loaders
   * then filter on load; this reader never changes the samples).
   */
  readonly notchFilterInData: boolean;
  readonly desiredImpedanceTestFrequency: number;
  readonly actualImpedanceTestFrequency: number;
}

/** RHS stimulation settings. */
export interface IntanStimulationSettings {
  /** 0/1: amplifier fast settle used. */
  readonly ampSettleMode: number;
  /** 0/1: charge recovery mode (current-limited or switch). */
  readonly chargeRecoveryMode: number;
  /** Amperes per step of the stimulation current magnitude. */
  readonly stimStepSize: number;
  /** Amperes. */
  readonly chargeRecoveryCurrentLimit: number;
  /** Volts. */
  readonly chargeRecoveryTargetVoltage: number;
}

/** Everything the standard header says. */
export interface IntanHeader {
  /** File the header was read from (used in error messages). */
  readonly path: string;
  readonly fileType: IntanFileType;
  readonly version: { readonly major: number; readonly minor: number };
  /** Amplifier sampling rate (samples/s), as stored (float32). */
  readonly sampleRate: number;
  readonly filters: IntanFilterSettings;
  /** RHS only. */
  readonly stimulation: IntanStimulationSettings | undefined;
  readonly notes: readonly [string, string, string];
  /** RHD ≥ 1.1: temperature sensors saved per data block (0 otherwise, and always 0 for RHS). */
  readonly numTempSensors: number;
  /**
   * Board mode: 0 RHD USB interface / evaluation board (ADC 0-3.3 V), 1 (ADC ±5 V), 13 RHD recording
   * controller (ADC ±10.24 V), 14 RHS controller. RHD < 1.3 stores none: 0 is assumed.
   */
  readonly evalBoardMode: number;
  /** RHD ≥ 2.0 and RHS: the reference channel name ("n/a" from Intan RHX: hardware reference). */
  readonly referenceChannel: string | undefined;
  /** RHS only: DC amplifier waveforms were saved. */
  readonly dcAmplifierDataSaved: boolean;
  readonly groups: readonly IntanSignalGroup[];
  /** Samples per data block of the traditional layout: 60 for RHD 1.x, 128 otherwise. */
  readonly samplesPerBlock: number;
  /** RHD < 1.2 saved timestamps as uint32, later versions (and RHS) as int32. */
  readonly timestampsSigned: boolean;
  /** Size of the header in bytes: data blocks (traditional layout) start here. */
  readonly headerBytes: number;
}

const VERSION_HINT =
  "this reader supports RHD header versions 1.0-3.x and RHS header versions 1.0-3.x (Intan RHD2000 GUI, Stimulation/Recording Controller software, Intan RHX)";

/**
 * Header majors this reader knows: RHD 1.x (RHD2000 evaluation GUI), 2.x (Recording Controller software),
 * 3.x (Intan RHX); RHS 1.x (Stimulation/Recording Controller software) and 3.x (RHX). RHX 3.x kept the 2.0
 * layout (it only applies the notch filter before saving), so every 3.x minor is accepted.
 */
const SUPPORTED_MAJORS: Record<IntanFileType, readonly number[]> = { rhd: [1, 2, 3], rhs: [1, 2, 3] };

/** Whether a header version is one this reader knows the layout of. */
export function isSupportedVersion(fileType: IntanFileType, major: number, minor: number): boolean {
  return minor >= 0 && SUPPORTED_MAJORS[fileType].includes(major);
}

/** Thrown internally when the buffer ends inside the header; the caller retries with more bytes. */
class NeedMoreBytes extends Error {}

class Cursor {
  position = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Buffer,
    private readonly complete: boolean,
    private readonly path: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number, what: string): void {
    if (this.position + count <= this.bytes.byteLength) return;
    if (!this.complete) throw new NeedMoreBytes();
    throw new SourceDataError(
      this.path,
      `the file ends at byte ${this.bytes.byteLength} inside the Intan header (while reading ${what}): truncated? Use the complete file as written by the Intan software`,
    );
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.position, true);
    this.position += 4;
    return v;
  }

  i16(what: string): number {
    this.need(2, what);
    const v = this.view.getInt16(this.position, true);
    this.position += 2;
    return v;
  }

  f32(what: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.position, true);
    this.position += 4;
    return v;
  }

  qstring(what: string): string {
    const length = this.u32(what);
    if (length === 0xffffffff) return ""; // null QString
    if (length % 2 !== 0) {
      throw new SourceDataError(
        this.path,
        `the text field '${what}' at byte ${this.position - 4} has an odd byte length ${length}; Intan text fields are UTF-16 (2 bytes per character). The header is damaged or this is not an Intan file`,
      );
    }
    if (this.complete && this.position + length > this.bytes.byteLength) {
      throw new SourceDataError(
        this.path,
        `the text field '${what}' at byte ${this.position - 4} claims ${length} bytes but the file ends ${this.bytes.byteLength - this.position} bytes later: truncated, or a damaged header? Use the complete file as written by the Intan software`,
      );
    }
    this.need(length, what);
    const text = this.bytes.toString("utf16le", this.position, this.position + length);
    this.position += length;
    return text;
  }
}

/**
 * Parses a header from the first bytes of a file. `complete` says whether `bytes` is the whole file (an
 * end inside the header is then an error, otherwise {@link NeedMoreBytes}).
 */
function parse(bytes: Buffer, complete: boolean, path: string): IntanHeader {
  const c = new Cursor(bytes, complete, path);
  const magic = c.u32("magic number");
  let fileType: IntanFileType;
  if (magic === RHD_MAGIC) fileType = "rhd";
  else if (magic === RHS_MAGIC) fileType = "rhs";
  else {
    throw new SourceDataError(
      path,
      `magic number 0x${magic.toString(16).toUpperCase().padStart(8, "0")} is neither RHD (0xC6912702) nor RHS (0xD69127AC): this is not an Intan data file (pass the .rhd/.rhs file, or info.rhd/info.rhs for the one-file-per-signal-type and one-file-per-channel layouts)`,
    );
  }
  const major = c.i16("version number");
  const minor = c.i16("version number");
  if (!isSupportedVersion(fileType, major, minor)) {
    throw new SourceDataError(
      path,
      `Intan ${fileType.toUpperCase()} header version ${major}.${minor} is not supported: ${VERSION_HINT}`,
    );
  }
  const rhs = fileType === "rhs";
  const atLeast = (ma: number, mi: number) => major > ma || (major === ma && minor >= mi);

  const sampleRate = c.f32("sample rate");
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new SourceDataError(
      path,
      `the header's sample rate is ${sampleRate}; it must be a positive number`,
    );
  }
  const dspEnabled = c.i16("DSP enabled") !== 0;
  const actualDspCutoffFrequency = c.f32("actual DSP cutoff frequency");
  const actualLowerBandwidth = c.f32("actual lower bandwidth");
  const actualLowerSettleBandwidth = rhs ? c.f32("actual lower settle bandwidth") : undefined;
  const actualUpperBandwidth = c.f32("actual upper bandwidth");
  const desiredDspCutoffFrequency = c.f32("desired DSP cutoff frequency");
  const desiredLowerBandwidth = c.f32("desired lower bandwidth");
  const desiredLowerSettleBandwidth = rhs ? c.f32("desired lower settle bandwidth") : undefined;
  const desiredUpperBandwidth = c.f32("desired upper bandwidth");
  const notchFilterMode = c.i16("notch filter mode");
  if (notchFilterMode < 0 || notchFilterMode > 2) {
    throw new SourceDataError(
      path,
      `the header's notch filter mode is ${notchFilterMode} (expected 0 off, 1 for 50 Hz or 2 for 60 Hz): the header is damaged`,
    );
  }
  // Desired before actual: the order Intan's writers use (RHX SaveManager, RHD2000 GUI) and the app notes give.
  const desiredImpedanceTestFrequency = c.f32("desired impedance test frequency");
  const actualImpedanceTestFrequency = c.f32("actual impedance test frequency");

  let stimulation: IntanStimulationSettings | undefined;
  if (rhs) {
    stimulation = {
      ampSettleMode: c.i16("amp settle mode"),
      chargeRecoveryMode: c.i16("charge recovery mode"),
      stimStepSize: c.f32("stim step size"),
      chargeRecoveryCurrentLimit: c.f32("charge recovery current limit"),
      chargeRecoveryTargetVoltage: c.f32("charge recovery target voltage"),
    };
  }
  const notes: [string, string, string] = [c.qstring("note 1"), c.qstring("note 2"), c.qstring("note 3")];

  let numTempSensors = 0;
  let dcAmplifierDataSaved = false;
  let evalBoardMode = 0;
  let referenceChannel: string | undefined;
  if (rhs) {
    dcAmplifierDataSaved = c.i16("DC amplifier data saved") !== 0;
    evalBoardMode = c.i16("board mode");
    referenceChannel = c.qstring("reference channel name");
  } else {
    if (atLeast(1, 1)) numTempSensors = c.i16("number of temperature sensors");
    if (numTempSensors < 0) {
      throw new SourceDataError(
        path,
        `the header lists ${numTempSensors} temperature sensors: damaged header`,
      );
    }
    if (atLeast(1, 3)) evalBoardMode = c.i16("eval board mode");
    if (atLeast(2, 0)) referenceChannel = c.qstring("reference channel name");
  }

  const numGroups = c.i16("number of signal groups");
  if (numGroups < 0) {
    throw new SourceDataError(path, `the header lists ${numGroups} signal groups: damaged header`);
  }
  const groups: IntanSignalGroup[] = [];
  for (let g = 0; g < numGroups; g++) {
    const name = c.qstring(`signal group ${g} name`);
    const prefix = c.qstring(`signal group ${g} prefix`);
    const enabled = c.i16(`signal group ${g} enabled`) !== 0;
    const numChannels = c.i16(`signal group ${g} channel count`);
    const numAmplifierChannels = c.i16(`signal group ${g} amplifier channel count`);
    if (numChannels < 0 || numAmplifierChannels < 0 || numAmplifierChannels > numChannels) {
      throw new SourceDataError(
        path,
        `signal group ${g} ('${name}') declares ${numChannels} channels of which ${numAmplifierChannels} amplifier channels: damaged header`,
      );
    }
    // Intan's writers (RHX SaveFile::writeSignalGroup, the RHD2000 GUI's SignalGroup operator<<) write a
    // record for every channel of every group; groups without hardware are written disabled with no channels,
    // which is why the reference loaders can skip disabled groups. We follow what is on disk.
    const channels: IntanChannelInfo[] = [];
    for (let k = 0; k < numChannels; k++) {
      const at = `channel ${k} of signal group ${g}`;
      const nativeName = c.qstring(`${at}: native name`);
      const customName = c.qstring(`${at}: custom name`);
      const nativeOrder = c.i16(`${at}: native order`);
      const customOrder = c.i16(`${at}: custom order`);
      const signalType = c.i16(`${at}: signal type`);
      const valid = rhs ? [0, 3, 4, 5, 6].includes(signalType) : signalType >= 0 && signalType <= 5;
      if (!valid) {
        throw new SourceDataError(
          path,
          `${at} ('${nativeName}') has signal type ${signalType}, which ${fileType.toUpperCase()} files do not use (${rhs ? "0, 3, 4, 5 or 6" : "0 to 5"}): damaged header`,
        );
      }
      const channelEnabled = c.i16(`${at}: enabled`) !== 0;
      const chipChannel = c.i16(`${at}: chip channel`);
      const commandStream = rhs ? c.i16(`${at}: command stream`) : undefined;
      const boardStream = c.i16(`${at}: board stream`);
      const spikeTrigger: IntanSpikeTrigger = {
        voltageTriggerMode: c.i16(`${at}: spike trigger mode`),
        voltageThreshold: c.i16(`${at}: spike voltage threshold`),
        digitalTriggerChannel: c.i16(`${at}: spike digital trigger channel`),
        digitalEdgePolarity: c.i16(`${at}: spike digital edge polarity`),
      };
      const impedanceMagnitude = c.f32(`${at}: impedance magnitude`);
      const impedancePhase = c.f32(`${at}: impedance phase`);
      channels.push({
        nativeName,
        customName,
        nativeOrder,
        customOrder,
        signalType,
        enabled: channelEnabled,
        chipChannel,
        commandStream,
        boardStream,
        spikeTrigger,
        impedanceMagnitude,
        impedancePhase,
        groupName: name,
        groupPrefix: prefix,
        groupIndex: g,
      });
    }
    groups.push({ name, prefix, enabled, numChannels, numAmplifierChannels, channels });
  }

  return {
    path,
    fileType,
    version: { major, minor },
    sampleRate,
    filters: {
      dspEnabled,
      actualDspCutoffFrequency,
      actualLowerBandwidth,
      actualLowerSettleBandwidth,
      actualUpperBandwidth,
      desiredDspCutoffFrequency,
      desiredLowerBandwidth,
      desiredLowerSettleBandwidth,
      desiredUpperBandwidth,
      notchFilterMode,
      notchFilterFrequency: notchFilterMode === 1 ? 50 : notchFilterMode === 2 ? 60 : 0,
      notchFilterInData: major >= 3 && notchFilterMode !== 0,
      desiredImpedanceTestFrequency,
      actualImpedanceTestFrequency,
    },
    stimulation,
    notes,
    numTempSensors,
    evalBoardMode,
    referenceChannel,
    dcAmplifierDataSaved,
    groups,
    // RHD 1.x (USB interface board) blocks hold 60 samples; RHD 2.0+ and every RHS file hold 128.
    samplesPerBlock: !rhs && major === 1 ? 60 : 128,
    timestampsSigned: rhs || atLeast(1, 2),
    headerBytes: c.position,
  };
}

/** Parses a header held in memory (the whole file, or at least the whole header). */
export function parseIntanHeader(bytes: Uint8Array, path: string, isWholeFile = true): IntanHeader {
  try {
    return parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), isWholeFile, path);
  } catch (error) {
    if (error instanceof NeedMoreBytes) {
      throw new SourceDataError(path, "the bytes given end inside the Intan header");
    }
    throw error;
  }
}

/** Reads and parses the header of an Intan file synchronously, reading only as many bytes as it needs. */
export function readIntanHeader(path: string): IntanHeader {
  let size: number;
  try {
    const info = statSync(path);
    if (!info.isFile()) throw new SourceDataError(path, "is not a file");
    size = info.size;
  } catch (error) {
    if (error instanceof SourceDataError) throw error;
    throw new SourceDataError(path, `cannot read the Intan file (${(error as Error).message})`);
  }
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new SourceDataError(path, `cannot open the Intan file (${(error as Error).message})`);
  }
  try {
    // Headers are a few kB; grow the window only for very large channel counts.
    for (let want = 64 * 1024; ; want *= 4) {
      const length = Math.min(want, size);
      const bytes = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, bytes, done, length - done, done);
        if (n === 0) break;
        done += n;
      }
      try {
        // A short read means the file ended (it may have shrunk since stat): parse what is there.
        return parse(bytes.subarray(0, done), done >= size || done < length, path);
      } catch (error) {
        if (!(error instanceof NeedMoreBytes)) throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}
