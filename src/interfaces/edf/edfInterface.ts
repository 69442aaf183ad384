/**
 * EDF, EDF+, BDF and BDF+ files (clinical and sleep EEG): the neural signals in volts as ElectricalSeries,
 * one per sampling rate (EDFRecordingInterface), the other signals as TimeSeries in their own units
 * (EDFAnalogInterface), EDF+ annotations as events and intervals; EDFConverter writes both.
 */
import { basename } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import { MultiStreamRecordingInterface, type RecordingStream } from "../../conversion/ecephys/multiStream.js";
import type { Recording } from "../../conversion/ecephys/recording.js";
import type {
  RecordingConversionOptions,
  RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { addAnalogToNwbfile } from "../../conversion/signals.js";
import { BaseTemporalInterface } from "../../conversion/temporal.js";
import type { Timing } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { type EdfFile, type EdfSignal, openEdfFile } from "../../formats/edf/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import {
  addEdfAnnotations,
  addHeaderMetadata,
  checkLabels,
  edfStartTime,
  edfTiming,
  isNeuralByDefault,
  neuralSignals,
  safeName,
  voltsPerUnit,
} from "./edfShared.js";

const FILE_PATH = Type.String({ description: "The .edf or .bdf file (EDF, EDF+, BDF or BDF+)." });

const NEURAL_CHANNELS_DESCRIPTION =
  "Labels of the neural signals (written as electrodes), replacing the default choice: every signal in volts " +
  "except EDF+ types such as ECG, EOG, EMG, Resp and trigger or status lines.";

/** The source arguments of {@link EDFRecordingInterface}, as a JSON schema. */
export const EDFRecordingSourceSchema = Type.Object(
  {
    filePath: FILE_PATH,
    channelsToSkip: Type.Optional(
      Type.Array(Type.String(), {
        description: "Labels of signals to leave out (e.g. trigger or status channels).",
      }),
    ),
    neuralChannels: Type.Optional(Type.Array(Type.String(), { description: NEURAL_CHANNELS_DESCRIPTION })),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link EDFRecordingInterface}. */
export type EDFRecordingSource = Static<typeof EDFRecordingSourceSchema>;

/** Samples in volts from the stored integers: physical = digital × gain + offset, per channel. */
function inVolts(
  source: ChunkSource,
  gains: readonly number[],
  offsets: readonly number[],
  bdf: boolean,
): ChunkSource {
  const channels = gains.length;
  return {
    // 16-bit EDF samples keep every digital step in float32; BDF's 24 bits need float64
    dtype: bdf ? "float64" : "float32",
    shape: source.shape,
    async readRows(start, end) {
      const digital = await source.readRows(start, end);
      const out = bdf ? new Float64Array(digital.length) : new Float32Array(digital.length);
      for (let i = 0; i < digital.length; i++) {
        const c = i % channels;
        out[i] = Number(digital[i]) * gains[c]! + offsets[c]!;
      }
      return out;
    },
  };
}

/**
 * The neural signals of an EDF/EDF+/BDF/BDF+ file (see `neuralChannels`) as ElectricalSeries in volts, one
 * per sampling rate (`ElectricalSeries` when there is one, else `ElectricalSeries<rate>Hz`): the stored
 * integers with the header's scaling per channel as `channel_conversion` and the shared offset as `offset`;
 * when the channels' offsets differ (NWB's `offset` is one number per series), the samples are written in
 * volts (float32 for EDF, float64 for BDF) instead of splitting the channels apart. Duplicate labels stay
 * separate electrodes. EDF+ annotations: instantaneous ones as an AnnotationSeries (`EventsAnnotations`),
 * those with a duration as TimeIntervals (`EDFAnnotationIntervals`). The other signals (ECG, EOG, status...)
 * are {@link EDFAnalogInterface}'s: a warning names them; {@link EDFConverter} writes both. The EDF+
 * sub-second start goes into the session start time, the record onsets of discontinuous (EDF+D) files into
 * the timestamps; EDF+ patient and recording fields fill Subject (id, sex, birth date; never the name) and
 * NWBFile (session id, experimenter, device).
 *
 * @example
 * ```ts
 * const edf = new EDFRecordingInterface({ filePath: "night.edf", channelsToSkip: ["EEG A1"] });
 * await edf.runConversion({ nwbfilePath: "night.nwb" });
 * ```
 */
export class EDFRecordingInterface extends MultiStreamRecordingInterface<EDFRecordingSource> {
  static override displayName = "EDF Recording";
  static override keywords = ["EDF", "EDF+", "BDF", "BioSemi", "EEG", "polysomnography", "ecephys"];
  static override associatedSuffixes = [".edf", ".bdf"];
  static override info =
    "Neural signals and annotations of a European Data Format (EDF/EDF+) or BioSemi (BDF) file.";
  static override sourceSchema: TObject = EDFRecordingSourceSchema;

  readonly edf: EdfFile;
  protected readonly streams: readonly RecordingStream[];
  /** Signals kept that are not neural (written by EDFAnalogInterface). */
  readonly otherSignals: readonly EdfSignal[];
  private readonly quietAboutOthers: boolean;

  constructor(sourceData: EDFRecordingSource, options: { othersWrittenElsewhere?: boolean } = {}) {
    super(sourceData);
    this.edf = openEdfFile(sourceData.filePath);
    const neural = neuralSignals(this.edf, sourceData);
    const notVolts = neural.filter((s) => voltsPerUnit(s.physicalDimension) === undefined);
    if (notVolts.length > 0) {
      throw new SourceDataError(
        sourceData.filePath,
        `neuralChannels: ${notVolts.map((s) => `'${s.label}' ('${s.physicalDimension}')`).join(", ")} are not in volts; an ElectricalSeries needs voltage data`,
      );
    }
    if (neural.length === 0) {
      throw new SourceDataError(
        sourceData.filePath,
        `has no neural signal (signals: ${this.edf.dataSignals.map((s) => `${s.label} '${s.physicalDimension}'`).join(", ")}); use EDFAnalogInterface, or name them in neuralChannels`,
      );
    }
    const skip = new Set(sourceData.channelsToSkip ?? []);
    this.otherSignals = this.edf.dataSignals.filter((s) => !neural.includes(s) && !skip.has(s.label));
    this.quietAboutOthers = options.othersWrittenElsewhere ?? false;
    const byRate = new Map<number, EdfSignal[]>();
    for (const signal of neural)
      byRate.set(signal.samplingRate, [...(byRate.get(signal.samplingRate) ?? []), signal]);
    const rateName = (rate: number) => `${rate}`.replace(".", "p");
    this.streams = [...byRate].map(([rate, signals]) => ({
      key: byRate.size === 1 ? "ElectricalSeries" : `ElectricalSeries${rateName(rate)}Hz`,
      recording: this.recordingOf(signals),
      timing: () => edfTiming(this.edf, signals[0]!),
      description: `EDF signals ${signals.map((s) => s.label).join(", ")} at ${rate} Hz`,
    }));
  }

  private recordingOf(signals: readonly EdfSignal[]): Recording {
    const first = signals[0]!;
    const filters = [...new Set(signals.map((s) => s.prefiltering).filter((f) => f !== ""))];
    const gains = signals.map((s) => s.gain * voltsPerUnit(s.physicalDimension)!);
    const offsets = signals.map((s) => s.offset * voltsPerUnit(s.physicalDimension)!);
    const stored = this.edf.source(signals.map((s) => s.index));
    const sharedOffset = offsets.every((o) => o === offsets[0]);
    return {
      samplingRate: first.samplingRate,
      numSamples: this.edf.numSamples(first),
      ...(sharedOffset
        ? { data: stored, gainToVolts: gains, ...(offsets[0] !== 0 && { offsetToVolts: offsets[0] }) }
        : { data: inVolts(stored, gains, offsets, this.edf.header.format === "BDF"), gainToVolts: 1 }),
      ...(filters.length > 0 && { filtering: filters.join("; ") }),
      channels: signals.map((s) => ({
        name: s.label,
        groupName: "ElectrodeGroup",
        // labels may repeat: the signal's position identifies the electrode
        electrodeKey: `signal${s.index}`,
        properties: { edf_signal_index: s.index, transducer: s.transducer, prefiltering: s.prefiltering },
      })),
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return edfStartTime(this.edf);
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    const { header } = this.edf;
    const plus = header.variant !== "";
    const equipment = plus ? header.recording.split(" ")[4] : undefined;
    const device = equipment && equipment !== "X" ? ` with ${equipment.replace(/_/g, " ")}` : "";
    return { description: `${header.format}${plus ? ` (${header.variant})` : ""} recording${device}` };
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    addHeaderMetadata(this.edf, metadata);
    return metadata;
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    super.addToNwbfile(nwbfile, metadata, options);
    if (this.otherSignals.length > 0 && !this.quietAboutOthers) {
      emitNeuroconvWarning(
        `${this.edf.header.path}: ${this.otherSignals.length} signals are not neural and are not written by EDFRecordingInterface (${this.otherSignals.map((s) => s.label).join(", ")}): write them with EDFAnalogInterface (EDFConverter writes both), name them in neuralChannels, or leave them out with channelsToSkip`,
      );
    }
    addEdfAnnotations(nwbfile, this.edf, options.stubTest);
  }
}

/** The source arguments of {@link EDFAnalogInterface}, as a JSON schema. */
export const EDFAnalogSourceSchema = Type.Object(
  {
    filePath: FILE_PATH,
    channels: Type.Optional(
      Type.Array(Type.String(), {
        description:
          "Labels of the signals to write; default every signal that is not neural (ECG, EOG, EMG, Resp, trigger and status lines, signals not in volts).",
      }),
    ),
    includeAnnotations: Type.Optional(
      Type.Boolean({
        description:
          "Also write the EDF+ annotations (EDFRecordingInterface writes them; set this when converting the file without it).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link EDFAnalogInterface}. */
export type EDFAnalogSource = Static<typeof EDFAnalogSourceSchema>;

/**
 * The non-neural signals of an EDF/EDF+/BDF/BDF+ file (ECG, EOG, EMG, respiration, trigger and status
 * lines, any signal not in volts; or the ones named in `channels`): one TimeSeries per signal,
 * `TimeSeries<label>`, of the stored integers with the header's scaling as `conversion` and `offset` to the
 * signal's own unit. The timing API applies to the first signal's clock.
 *
 * @example
 * ```ts
 * const aux = new EDFAnalogInterface({ filePath: "night.edf" }); // ECG, EOG, Resp, ...
 * await aux.runConversion({ nwbfilePath: "aux.nwb" });
 * ```
 */
export class EDFAnalogInterface extends BaseTemporalInterface<EDFAnalogSource> {
  static override displayName = "EDF Analog";
  static override keywords = ["EDF", "EDF+", "BDF", "ECG", "EOG", "EMG", "polysomnography"];
  static override associatedSuffixes = [".edf", ".bdf"];
  static override info =
    "Non-neural signals (ECG, EOG, respiration, triggers...) of an EDF/EDF+ or BDF file.";
  static override sourceSchema: TObject = EDFAnalogSourceSchema;

  readonly edf: EdfFile;
  readonly signals: readonly EdfSignal[];

  constructor(sourceData: EDFAnalogSource) {
    super(sourceData);
    this.edf = openEdfFile(sourceData.filePath);
    checkLabels(this.edf, "channels", sourceData.channels);
    const chosen = sourceData.channels ? new Set(sourceData.channels) : undefined;
    this.signals = this.edf.dataSignals.filter((s) => (chosen ? chosen.has(s.label) : !isNeuralByDefault(s)));
    if (this.signals.length === 0) {
      throw new SourceDataError(
        sourceData.filePath,
        `has no non-neural signal (signals: ${this.edf.dataSignals.map((s) => s.label).join(", ")}); name the ones to write in channels`,
      );
    }
  }

  protected override getOriginalTiming(): Timing {
    return edfTiming(this.edf, this.signals[0]!);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return edfStartTime(this.edf);
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    addHeaderMetadata(this.edf, metadata);
    return metadata;
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    _metadata: Metadata,
    options: StandardConversionOptions = {},
  ): void {
    const source = basename(this.edf.header.path);
    const first = this.signals[0]!;
    // the timing API moves the first signal's clock, which signals of its rate share; other rates keep theirs
    const aligned = this.getTiming();
    const names = new Set<string>();
    for (const signal of this.signals) {
      const label = `TimeSeries${safeName(signal.label)}`;
      const name = names.has(label) ? `${label}${signal.index}` : label;
      names.add(name);
      addAnalogToNwbfile(
        nwbfile,
        {
          name,
          description: `${this.edf.header.format} signal ${signal.index + 1} '${signal.label}' of ${source}${signal.transducer ? ` (transducer: ${signal.transducer})` : ""}.`,
          data: this.edf.source([signal.index]),
          conversion: signal.gain,
          offset: signal.offset,
          unit: signal.physicalDimension || "n.a.",
          timing: signal.samplingRate === first.samplingRate ? aligned : edfTiming(this.edf, signal),
        },
        options.stubTest,
      );
    }
    if (this.sourceData.includeAnnotations) addEdfAnnotations(nwbfile, this.edf, options.stubTest);
  }
}

/** The source arguments of {@link EDFConverter}, as a JSON schema. */
export const EDFConverterSourceSchema = Type.Object(
  {
    filePath: FILE_PATH,
    channelsToSkip: Type.Optional(
      Type.Array(Type.String(), { description: "Labels of signals to leave out entirely." }),
    ),
    neuralChannels: Type.Optional(Type.Array(Type.String(), { description: NEURAL_CHANNELS_DESCRIPTION })),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link EDFConverter}. */
export type EDFConverterSource = Static<typeof EDFConverterSourceSchema>;

/**
 * Every signal of an EDF/BDF file: the neural ones through {@link EDFRecordingInterface}, the others through
 * {@link EDFAnalogInterface}, the annotations once.
 *
 * @example
 * ```ts
 * await new EDFConverter({ filePath: "night.edf" }).runConversion({ nwbfilePath: "night.nwb" });
 * ```
 */
export class EDFConverter extends ConverterPipe {
  static displayName = "EDF, every signal";
  static info = "Neural and non-neural signals and annotations of an EDF/EDF+ or BDF file.";
  static associatedSuffixes = [".edf", ".bdf"];
  static sourceSchema: TObject = EDFConverterSourceSchema;

  static override getSourceSchema(): TObject {
    return EDFConverter.sourceSchema;
  }

  constructor(sourceData: EDFConverterSource) {
    const source = checkSourceArguments(EDFConverter, sourceData);
    const edf = openEdfFile(source.filePath);
    const neural = neuralSignals(edf, source);
    const skip = new Set(source.channelsToSkip ?? []);
    const others = edf.dataSignals.filter((s) => !neural.includes(s) && !skip.has(s.label));
    const interfaces: (EDFRecordingInterface | EDFAnalogInterface)[] = [];
    if (neural.length > 0)
      interfaces.push(new EDFRecordingInterface(source, { othersWrittenElsewhere: true }));
    if (others.length > 0) {
      interfaces.push(
        new EDFAnalogInterface({
          filePath: source.filePath,
          channels: [...new Set(others.map((s) => s.label))],
          ...(neural.length === 0 && { includeAnnotations: true }),
        }),
      );
    }
    super(interfaces);
  }
}
