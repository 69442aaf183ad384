/**
 * Axon ABF files (pCLAMP / Clampex) into the NWB icephys layout. The clamp mode of each channel comes from
 * what the file states: the channel's units (a current is measured in voltage clamp, a potential in current
 * clamp) and, when telegraphs were recorded, the amplifier mode (I=0 gives IZeroClampSeries). Input channel
 * k is paired with DAC k, whose command is rebuilt from the protocol's epoch table.
 */
import { basename } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import {
  addIcephysRepetitions,
  addIcephysSequence,
  type ClampMode,
  type IcephysRecording,
  type IcephysSequence,
  type IcephysWriteOptions,
} from "../../conversion/icephys/icephys.js";
import { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import {
  type AbfAdcChannel,
  type AbfHeader,
  type AbfRecording,
  commandUnavailableReason,
  openAbfFile,
} from "../../formats/abf/index.js";
import { coreType, TimeSeries } from "../../nwb/containers/base.js";
import type { NWBFile } from "../../nwb/containers/file.js";

const SI_PREFIX: Record<string, number> = { "": 1, m: 1e-3, u: 1e-6, µ: 1e-6, n: 1e-9, p: 1e-12, f: 1e-15 };

/** "pA" -> current, 1e-12; "mV" -> voltage, 1e-3; anything else (°C, counts) -> undefined. */
export function electricalUnit(
  units: string,
): { quantity: "current" | "voltage"; scale: number } | undefined {
  const match = /^([mµunpf]?)([AV])$/.exec(units.trim());
  if (!match) return undefined;
  return { quantity: match[2] === "A" ? "current" : "voltage", scale: SI_PREFIX[match[1]!]! };
}

function warn(path: string, message: string): void {
  emitNeuroconvWarning(`${path}: ${message}`, "NeuroconvSourceWarning");
}

/**
 * The clamp of a channel from its units, refined by the telegraphed amplifier mode (I=0). A channel whose
 * units contradict its telegraph, or that is not a current or a potential, is not an icephys response.
 */
export function clampModeOf(channel: AbfAdcChannel): ClampMode | { skip: string } {
  const unit = electricalUnit(channel.units);
  const telegraph = channel.telegraph?.mode;
  const label = `input channel ${channel.index} (${channel.name}, ${channel.units})`;
  if (!unit) return { skip: `${label} is neither a current nor a potential` };
  if (unit.quantity === "current") {
    if (telegraph && telegraph !== "voltageClamp") {
      return { skip: `${label} measures a current but the amplifier telegraphed ${telegraph}` };
    }
    return "voltageClamp";
  }
  if (telegraph === "voltageClamp") {
    return { skip: `${label} measures a potential while the amplifier telegraphed voltage clamp` };
  }
  return telegraph === "currentZero" ? "currentZero" : "currentClamp";
}

/** The protocol's name: its file name without folder and extension. */
function protocolName(header: AbfHeader): string {
  const file = header.protocolPath.split(/[\\/]/).pop() ?? "";
  return file.replace(/\.pro$/i, "") || "unnamed protocol";
}

/**
 * Seconds from the session start to a file's start. Both are wall-clock times of the acquisition computer;
 * a zone suffix on the session time (added to satisfy NWB) is ignored. A Date is compared as this machine's
 * local time.
 */
function secondsBetween(fileStart: string | undefined, sessionStart: string | Date | undefined): number {
  if (fileStart === undefined || sessionStart === undefined) return 0;
  const naive = (iso: string) => Date.parse(`${iso.replace(/(Z|[+-]\d{2}:?\d{2})$/, "")}Z`);
  const seconds =
    sessionStart instanceof Date
      ? (Date.parse(fileStart) - sessionStart.getTime()) / 1000
      : (naive(fileStart) - naive(sessionStart)) / 1000;
  return Number.isFinite(seconds) ? seconds : 0;
}

/** One file's sweeps as a protocol run for the icephys writer. */
function sequenceOf(abf: AbfRecording, stimulusType: string, offset: number): IcephysSequence {
  const { header } = abf;
  const path = header.path;
  const modes = header.channels.map((c) => clampModeOf(c));
  const channels = header.channels.filter((_channel, k) => {
    const mode = modes[k]!;
    if (typeof mode === "object") warn(path, `${mode.skip}; it is left out`);
    return typeof mode === "string";
  });
  const stimulusOf = (channel: AbfAdcChannel, mode: ClampMode, sweep: number) => {
    const dac = header.dacs[channel.index];
    if (!dac || dac.waveformSource === "none" || mode === "currentZero") return undefined;
    const reason = commandUnavailableReason(header, dac);
    const unit = electricalUnit(dac.units);
    const wanted = mode === "voltageClamp" ? "voltage" : "current";
    if (reason || unit?.quantity !== wanted) {
      if (sweep === 0) {
        warn(
          path,
          `no stimulus series for input channel ${channel.index} (${channel.name}): ${
            reason ?? `DAC ${dac.dacNumber} is in ${dac.units}, not a ${wanted} command`
          }`,
        );
      }
      return undefined;
    }
    return { data: abf.command(sweep, channel.index)!, conversion: unit.scale, offset: 0 };
  };
  const sweeps = header.sweeps.map((sweep, s) =>
    channels.map((channel): IcephysRecording => {
      const mode = modes[channel.index] as ClampMode;
      const unit = electricalUnit(channel.units)!;
      const extraGain = channel.telegraph?.additionalGain ?? 1;
      return {
        electrode: `electrode-${channel.index}`,
        clampMode: mode,
        rate: header.sampleRate,
        startTime: sweep.startTime,
        response: {
          data: abf.sweepData(s, channel.index),
          conversion: channel.gain * unit.scale,
          offset: channel.offset * unit.scale,
        },
        stimulus: stimulusOf(channel, mode, s),
        // output volts per SI unit measured: instrument scale (V per channel unit) x gains
        gain: (channel.instrumentScaleFactor * channel.signalGain * extraGain) / unit.scale,
        comments: `${basename(path)} sweep ${s} (ABF ${header.version}, ${header.operationMode})`,
      };
    }),
  );
  const instrument = header.channels.find((c) => c.telegraph)?.telegraph?.instrument;
  return {
    stimulusType,
    offset,
    device: {
      name: "DeviceIcephys",
      description: `Amplifier and digitizer recorded with ${header.creator || "pCLAMP"}${
        instrument === undefined ? "" : ` (telegraph instrument code ${instrument})`
      }`,
      manufacturer: "Axon Instruments / Molecular Devices",
    },
    electrodes: channels.map((c) => ({
      name: `electrode-${c.index}`,
      description: `Electrode of input channel ${c.name} (${c.units})`,
    })),
    sweeps,
  };
}

/** Tags (comments typed in Clampex during the recording) as an AnnotationSeries named after the file. */
function addTags(nwbfile: NWBFile, header: AbfHeader, offset: number): void {
  if (header.tags.length === 0) return;
  const stem = basename(header.path).replace(/\.abf$/i, "");
  nwbfile.addAcquisition(
    new TimeSeries(
      {
        name: `tags-${stem}`,
        data: header.tags.map((t) => t.comment || `(tag of type ${t.type}, no comment)`),
        dtype: "utf8",
        unit: "n/a",
        resolution: -1,
        timestamps: Float64Array.from(header.tags, (t) => offset + t.time),
        description: `Tags entered during the recording of ${basename(header.path)}`,
      },
      coreType("AnnotationSeries"),
    ),
  );
}

/** The source arguments of one file, as a JSON schema (the TypeScript type below is derived from it). */
export const AxonIntracellularSourceSchema = Type.Object(
  { filePath: Type.String({ description: "The .abf file (ABF 1.x or 2.x) of one protocol run." }) },
  { additionalProperties: false },
);

export type AxonIntracellularSource = Static<typeof AxonIntracellularSourceSchema>;

/**
 * One ABF file: each sweep of each input channel a VoltageClampSeries, CurrentClampSeries or
 * IZeroClampSeries (as the file states), the command as the matching stimulus series, and the icephys
 * tables (one simultaneous recording per sweep, one sequential recording for the file).
 *
 * @example
 * ```ts
 * const abf = new AxonIntracellularInterface({ filePath: "cell1_0003.abf" });
 * await abf.runConversion({ nwbfilePath: "cell1.nwb", metadata: { Icephys: { IntracellularElectrodes: [{ name: "electrode-0", cell_id: "c1" }] } } });
 * ```
 */
export class AxonIntracellularInterface extends BaseDataInterface<
  AxonIntracellularSource,
  IcephysWriteOptions
> {
  static override displayName = "Axon ABF (intracellular)";
  static override keywords = ["intracellular", "patch clamp", "pCLAMP", "Clampex", "ABF"];
  static override associatedSuffixes = [".abf"];
  static override info =
    "Patch-clamp sweeps of an Axon ABF file with their stimulus, in the NWB icephys tables.";
  static override sourceSchema: TObject = AxonIntracellularSourceSchema;

  readonly abf: AbfRecording;
  /** Row of the SequentialRecordingsTable this file was written to (after addToNwbfile). */
  sequenceRow: number | undefined;

  constructor(sourceData: AxonIntracellularSource) {
    super(sourceData);
    this.abf = openAbfFile(sourceData.filePath);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.abf.header.startDateTime;
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const channels = this.abf.header.channels.filter((c) => typeof clampModeOf(c) === "string");
    return {
      ...metadata,
      Icephys: {
        IntracellularElectrodes: channels.map((c) => ({
          name: `electrode-${c.index}`,
          description: `Electrode of input channel ${c.name} (${c.units})`,
        })),
      },
    };
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: IcephysWriteOptions = {}): void {
    const { header } = this.abf;
    const file = basename(header.path);
    const given = metadata.Icephys?.SequentialRecordings?.find((r) => r.file === file);
    const offset = secondsBetween(header.startDateTime, metadata.NWBFile.session_start_time);
    const sequence = sequenceOf(this.abf, given?.stimulus_type ?? protocolName(header), offset);
    this.sequenceRow = addIcephysSequence(nwbfile, sequence, metadata, options);
    addTags(nwbfile, header, offset);
  }
}

/** The source arguments of several files, as a JSON schema. */
export const AxonIntracellularFilesSourceSchema = Type.Object(
  {
    filePaths: Type.Array(Type.String(), {
      minItems: 1,
      description: "The .abf files of one cell (one protocol run each), in the order they were recorded.",
    }),
  },
  { additionalProperties: false },
);

export type AxonIntracellularFilesSource = Static<typeof AxonIntracellularFilesSourceSchema>;

/**
 * Several ABF files of one cell or session in one NWB file: each file a sequential recording, timed from
 * the earliest file's start; with more than one file, runs are grouped into repetitions and experimental
 * conditions (`Icephys.SequentialRecordings` metadata: `repetition`, `condition` per file; by default all
 * runs form one repetition).
 *
 * @example
 * ```ts
 * const converter = new AxonIntracellularConverter({ filePaths: ["cell1_0001.abf", "cell1_0002.abf"] });
 * await converter.runConversion({ nwbfilePath: "cell1.nwb" });
 * ```
 */
export class AxonIntracellularConverter extends ConverterPipe {
  static displayName = "Axon ABF files of one cell";
  static info =
    "Several Axon ABF files of one cell or session, with repetitions and experimental conditions.";
  static associatedSuffixes = [".abf"];
  static sourceSchema: TObject = AxonIntracellularFilesSourceSchema;

  static override getSourceSchema(): TObject {
    return AxonIntracellularFilesSourceSchema;
  }

  private readonly files: readonly AxonIntracellularInterface[];

  constructor(sourceData: AxonIntracellularFilesSource) {
    const { filePaths } = checkSourceArguments(new.target, sourceData);
    const files = filePaths.map((filePath) => new AxonIntracellularInterface({ filePath }));
    super(files);
    this.files = files;
  }

  /** Metadata of every file; the session starts with the earliest file. */
  override getMetadata(): Metadata {
    const merged = super.getMetadata();
    const starts = this.files
      .map((f) => f.abf.header.startDateTime)
      .filter((s): s is string => s !== undefined)
      .sort();
    const electrodes = new Map(
      this.files
        .flatMap((f) => f.getMetadata().Icephys?.IntracellularElectrodes ?? [])
        .map((e) => [e.name, e]),
    );
    return {
      ...merged,
      NWBFile: { ...merged.NWBFile, ...(starts[0] && { session_start_time: starts[0] }) },
      Icephys: { ...merged.Icephys, IntracellularElectrodes: [...electrodes.values()] },
    };
  }

  override async addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options = {}): Promise<void> {
    await super.addToNwbfile(nwbfile, metadata, options);
    if (this.files.length < 2) return;
    const given = metadata.Icephys?.SequentialRecordings ?? [];
    const groups = new Map<string, Map<number, number[]>>();
    for (const file of this.files) {
      const entry = given.find((r) => r.file === basename(file.sourceData.filePath));
      const condition = entry?.condition ?? "all runs";
      const repetitions = groups.get(condition) ?? new Map<number, number[]>();
      const runs = repetitions.get(entry?.repetition ?? 0) ?? [];
      runs.push(file.sequenceRow!);
      repetitions.set(entry?.repetition ?? 0, runs);
      groups.set(condition, repetitions);
    }
    addIcephysRepetitions(
      nwbfile,
      new Map([...groups].map(([condition, reps]) => [condition, [...reps.values()]])),
    );
  }
}

/**
 * NeuroConv's name for several ABF files of one cell: the same as {@link AxonIntracellularConverter}, except
 * that the clamp mode is read from each file rather than passed by hand.
 *
 * @example
 * ```ts
 * await new AbfInterface({ filePaths: ["cell1_0001.abf"] }).runConversion({ nwbfilePath: "cell1.nwb" });
 * ```
 */
export class AbfInterface extends AxonIntracellularConverter {
  static override displayName = "Axon ABF (NeuroConv's AbfInterface)";
}
