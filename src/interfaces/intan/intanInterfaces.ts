/**
 * Intan RHD/RHS recordings: amplifier channels as an ElectricalSeries, the other analog streams
 * (auxiliary, supply, temperature, ADC/DAC, DC amplifier, stimulation current) as TimeSeries, digital
 * inputs/outputs as TTL event series, and a converter that routes every stream of a file.
 */
import { basename } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import type { Recording } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { addAnalogToNwbfile, addTtlLineToNwbfile } from "../../conversion/signals.js";
import { BaseTemporalInterface } from "../../conversion/temporal.js";
import { decimateTiming, segmentedTiming, type Timing, timeAt } from "../../conversion/timing.js";
import { SourceDataError } from "../../errors.js";
import {
  type IntanDigitalStream,
  type IntanHeader,
  type IntanRecording,
  type IntanStream,
  type IntanStreamKind,
  type IntanTimestampGap,
  openIntanFile,
  STREAM_LABELS,
} from "../../formats/intan/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments, as a JSON schema (the TypeScript type below is derived from it). */
export const IntanSourceSchema = Type.Object(
  {
    filePath: Type.String({
      description:
        "The .rhd/.rhs file, or info.rhd/info.rhs of a folder saved one file per signal type or per channel.",
    }),
  },
  { additionalProperties: false },
);

/** The source arguments of Intan interfaces (from IntanSourceSchema). */
export type IntanSource = Static<typeof IntanSourceSchema>;

/** Intan RHX names files `<prefix>_YYMMDD_HHMMSS.rhd`: the only place a start time is recorded. */
function startFromFileName(path: string): string | undefined {
  const match = /_(\d{2})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})\.rh[ds]$/i.exec(basename(path));
  if (!match) return undefined;
  const [, yy, mo, dd, hh, mi, ss] = match;
  return `20${yy}-${mo}-${dd}T${hh}:${mi}:${ss}`;
}

/**
 * The amplifier clock of an Intan file: first timestamp / rate, one sample per amplifier sample. When the
 * timestamps skip samples (the last is not first + count - 1), one streamed pass over them (at conversion
 * time) finds the gaps, and each segment then starts at its own timestamp.
 */
class IntanClock {
  private gaps: readonly IntanTimestampGap[] | undefined;

  constructor(private readonly file: IntanRecording) {}

  private get skipsSamples(): boolean {
    const { firstTimestamp, lastTimestamp, numSamples } = this.file;
    return (
      firstTimestamp !== undefined &&
      lastTimestamp !== undefined &&
      lastTimestamp - firstTimestamp + 1 !== numSamples
    );
  }

  /** Reads the timestamps once when they skip samples. */
  async load(): Promise<void> {
    if (this.skipsSamples && !this.gaps)
      this.gaps = (await this.file.scanTimestamps(Number.MAX_SAFE_INTEGER)).gaps;
  }

  timing(): Timing {
    const { samplingRate: rate, startTime, numSamples: count, firstTimestamp } = this.file;
    if (!this.gaps || this.gaps.length === 0 || firstTimestamp === undefined) {
      return { kind: "regular", rate, startingTime: startTime, count };
    }
    return segmentedTiming(
      rate,
      [
        { firstIndex: 0, startingTime: firstTimestamp / rate },
        ...this.gaps.map((g) => ({ firstIndex: g.row, startingTime: g.next / rate })),
      ],
      count,
    );
  }
}

/** Intan's filter settings in words, for the ElectricalSeries' `filtering`. */
function describeFilters(header: IntanHeader): string {
  const f = header.filters;
  const parts = [
    `hardware band-pass ${f.actualLowerBandwidth.toPrecision(4)} Hz to ${f.actualUpperBandwidth.toPrecision(5)} Hz`,
  ];
  if (f.dspEnabled)
    parts.push(`DSP offset removal (high-pass) at ${f.actualDspCutoffFrequency.toPrecision(4)} Hz`);
  if (f.notchFilterFrequency !== 0) {
    parts.push(
      `${f.notchFilterFrequency} Hz notch ${f.notchFilterInData ? "applied before saving" : "set in the software but not applied to the saved data"}`,
    );
  }
  return parts.join("; ");
}

function systemName(header: IntanHeader): string {
  return header.fileType === "rhs" ? "RHS2000 stimulation/recording system" : "RHD2000 recording system";
}

function withNotes<M extends Metadata>(metadata: M, recording: IntanRecording): M {
  const notes = recording.header.notes.filter((n) => n.trim() !== "");
  if (notes.length > 0) metadata.NWBFile.notes = notes.join("\n");
  return metadata;
}

/**
 * Intan amplifier channels as an ElectricalSeries (volts), with impedance and port in the electrodes table
 * and the filter settings in `filtering`.
 *
 * @example
 * ```ts
 * const intan = new IntanRecordingInterface({ filePath: "session_240301_101500.rhd" });
 * await intan.runConversion({ nwbfilePath: "session.nwb", metadata });
 * ```
 */
export class IntanRecordingInterface extends BaseRecordingInterface<IntanSource> {
  static override displayName = "Intan Recording";
  static override keywords = ["Intan", "RHD2000", "RHS2000", "ecephys"];
  static override associatedSuffixes = [".rhd", ".rhs"];
  static override info = "Amplifier channels of an Intan RHD/RHS recording.";
  static override sourceSchema = IntanSourceSchema;

  readonly file: IntanRecording;
  protected readonly recording: Recording;
  private readonly intanClock: IntanClock;

  constructor(sourceData: IntanSource) {
    super(sourceData);
    this.file = openIntanFile(sourceData.filePath);
    this.intanClock = new IntanClock(this.file);
    const amplifier = this.file.stream("amplifier");
    if (!amplifier)
      throw new SourceDataError(
        sourceData.filePath,
        "has no amplifier channels; use IntanAnalogInterface for its other streams",
      );
    this.recording = {
      samplingRate: amplifier.samplingRate,
      numSamples: amplifier.numSamples,
      data: amplifier.data(),
      gainToVolts: amplifier.conversion,
      offsetToVolts: amplifier.offset,
      filtering: describeFilters(this.file.header),
      channels: amplifier.channels.map((c) => ({
        name: c.customName,
        groupName: c.groupPrefix,
        properties: {
          native_channel_name: c.nativeName,
          port: c.groupName,
          chip_channel: c.chipChannel,
          ...(c.impedanceMagnitude > 0 && {
            impedance: c.impedanceMagnitude,
            impedance_phase: c.impedancePhase,
          }),
        },
      })),
    };
  }

  protected override getOriginalTiming(): Timing {
    return this.intanClock.timing();
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: { stubTest?: boolean } = {},
  ): Promise<void> {
    await this.intanClock.load();
    super.addToNwbfile(nwbfile, metadata, options);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return startFromFileName(this.file.path);
  }

  override getMetadata(): RecordingMetadata {
    const metadata = withNotes(super.getMetadata(), this.file);
    const { header } = this.file;
    metadata.Ecephys.Device = [
      {
        name: "Intan",
        description: `Intan ${systemName(header)} (${header.fileType.toUpperCase()} file version ${header.version.major}.${header.version.minor})`,
        manufacturer: "Intan Technologies",
      },
    ];
    for (const group of metadata.Ecephys.ElectrodeGroup) {
      group.device = "Intan";
      group.description = `Headstage on Intan port ${group.name}.`;
    }
    metadata.Ecephys[this.seriesKey] = {
      name: this.seriesKey,
      description: `Intan amplifier channels at ${this.samplingRate} Hz. Filters: ${describeFilters(header)}.`,
    };
    if (!metadata.Ecephys.Electrodes) {
      metadata.Ecephys.Electrodes = [
        {
          name: "impedance",
          description: "electrode impedance magnitude at the impedance test frequency, in ohms",
        },
        { name: "impedance_phase", description: "electrode impedance phase, in degrees" },
        { name: "port", description: "Intan headstage port of the channel" },
        { name: "chip_channel", description: "channel number on the amplifier chip" },
        { name: "native_channel_name", description: "Intan's own name of the channel (e.g. A-000)" },
      ];
    }
    return metadata;
  }
}

/** The streams other than amplifier and digital lines, with their TimeSeries names. */
const ANALOG_SERIES: Partial<Record<IntanStreamKind, string>> = {
  auxiliary: "TimeSeriesIntanAuxiliary",
  supplyVoltage: "TimeSeriesIntanSupplyVoltage",
  temperature: "TimeSeriesIntanTemperature",
  boardAdc: "TimeSeriesIntanADC",
  boardDac: "TimeSeriesIntanDAC",
  dcAmplifier: "TimeSeriesIntanDCAmplifier",
  stimulation: "TimeSeriesIntanStimulation",
};

/** The amplifier clock of an Intan file: its first timestamp / rate, one sample per amplifier sample. */
abstract class IntanStreamsInterface extends BaseTemporalInterface<IntanSource> {
  static override sourceSchema = IntanSourceSchema;
  readonly file: IntanRecording;
  protected readonly intanClock: IntanClock;

  constructor(sourceData: IntanSource) {
    super(sourceData);
    this.file = openIntanFile(sourceData.filePath);
    this.intanClock = new IntanClock(this.file);
  }

  protected override getOriginalTiming(): Timing {
    return this.intanClock.timing();
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return startFromFileName(this.file.path);
  }

  override getMetadata(): Metadata {
    return withNotes(super.getMetadata(), this.file);
  }
}

/**
 * Intan auxiliary inputs, supply voltage, temperature, board ADC/DAC, DC amplifier and (RHS) stimulation
 * current, each as a TimeSeries in SI units on the amplifier clock.
 */
export class IntanAnalogInterface extends IntanStreamsInterface {
  static override displayName = "Intan Analog";
  static override keywords = ["Intan", "auxiliary", "ADC", "stimulation"];
  static override associatedSuffixes = [".rhd", ".rhs"];
  static override info =
    "Auxiliary, supply, ADC/DAC, DC amplifier and stimulation streams of an Intan recording.";

  /** The analog streams present in the file (other than the amplifier channels). */
  get analogStreams(): IntanStream[] {
    return this.file.streams.filter((s) => ANALOG_SERIES[s.kind] !== undefined);
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    _metadata: Metadata,
    options: StandardConversionOptions = {},
  ): Promise<void> {
    await this.intanClock.load();
    const timing = this.getTiming();
    for (const stream of this.analogStreams) {
      addAnalogToNwbfile(
        nwbfile,
        {
          name: ANALOG_SERIES[stream.kind]!,
          description: `Intan ${STREAM_LABELS[stream.kind]}: ${stream.channels.map((c) => c.customName).join(", ")}.`,
          data: stream.data(),
          unit: stream.unit || "n.a.",
          conversion: stream.conversion,
          offset: stream.offset,
          timing: decimateTiming(timing, stream.decimation, stream.numSamples),
        },
        options.stubTest,
      );
    }
  }
}

/** Intan board digital inputs and outputs: each line with transitions as a TTL event series. */
export class IntanDigitalInterface extends IntanStreamsInterface {
  static override displayName = "Intan Digital";
  static override keywords = ["Intan", "digital", "TTL"];
  static override associatedSuffixes = [".rhd", ".rhs"];
  static override info = "Board digital inputs and outputs of an Intan recording, as TTL edges.";

  constructor(sourceData: IntanSource) {
    super(sourceData);
    if (this.digitalStreams.length === 0) {
      throw new SourceDataError(
        this.file.path,
        "records no board digital inputs or outputs; there is nothing for IntanDigitalInterface to convert",
      );
    }
  }

  get digitalStreams(): IntanDigitalStream[] {
    return [this.file.stream("boardDigitalIn"), this.file.stream("boardDigitalOut")].filter(
      (s): s is IntanDigitalStream => s !== undefined,
    );
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    _metadata: Metadata,
    options: StandardConversionOptions = {},
  ): Promise<void> {
    await this.intanClock.load();
    const timing = this.getTiming();
    for (const stream of this.digitalStreams) {
      const direction = stream.kind === "boardDigitalIn" ? "In" : "Out";
      for (const line of await stream.events()) {
        addTtlLineToNwbfile(
          nwbfile,
          {
            name: `EventsIntanDigital${direction}${line.line}`,
            description: `TTL edges of Intan board digital ${direction.toLowerCase()}put ${line.channel.customName}.`,
            rising: Array.from(line.risingRows, (row) => timeAt(timing, row)),
            falling: Array.from(line.fallingRows, (row) => timeAt(timing, row)),
          },
          options.stubTest,
        );
      }
    }
  }
}

/**
 * Every stream of an Intan file: amplifier channels, the other analog streams and the digital lines.
 *
 * @example
 * ```ts
 * await new IntanConverter({ filePath: "session_240301_101500.rhs" }).runConversion({ nwbfilePath: "s.nwb", metadata });
 * ```
 */
export class IntanConverter extends ConverterPipe {
  static displayName = "Intan (all streams)";
  static info = "Amplifier, analog and digital streams of an Intan RHD/RHS recording.";
  static sourceSchema = IntanSourceSchema;

  static override getSourceSchema(): TObject {
    return IntanSourceSchema;
  }

  constructor(sourceData: IntanSource) {
    const file = openIntanFile(checkSourceArguments(IntanConverter, sourceData).filePath);
    const interfaces: Record<string, BaseDataInterface> = {};
    if (file.stream("amplifier")) interfaces.recording = new IntanRecordingInterface(sourceData);
    const analog = new IntanAnalogInterface(sourceData);
    if (analog.analogStreams.length > 0) interfaces.analog = analog;
    if (file.stream("boardDigitalIn") || file.stream("boardDigitalOut"))
      interfaces.digital = new IntanDigitalInterface(sourceData);
    super(interfaces);
  }
}
