/**
 * AlphaOmega AlphaRS / AlphaLab SnR recordings (a folder of `.mpx` files): the RAW, SPK and LFP channels as
 * ElectricalSeries, the analog inputs and accelerometer as TimeSeries in volts.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import {
  MultiStreamRecordingInterface,
  pickStreams,
  type RecordingStream,
} from "../../conversion/ecephys/multiStream.js";
import type { Recording } from "../../conversion/ecephys/recording.js";
import type { RecordingConversionOptions } from "../../conversion/ecephys/recordingInterface.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { addAnalogToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import {
  type AlphaOmegaFolder,
  type AlphaOmegaStream,
  openAlphaOmegaFolder,
} from "../../formats/alphaomega/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** Streams of electrode signals, each an ElectricalSeries; RAW keeps NeuroConv's name "ElectricalSeries". */
const ELECTRODE_STREAMS: Readonly<Record<string, { key: string; description: string }>> = {
  RAW: { key: "ElectricalSeries", description: "wide-band (RAW) electrode signals" },
  SPK: { key: "ElectricalSeriesSPK", description: "high-pass filtered (SPK) electrode signals" },
  LFP: { key: "ElectricalSeriesLFP", description: "low-pass filtered (LFP) electrode signals" },
};
const OTHER_STREAMS: Readonly<Record<string, string>> = {
  AI: "analog inputs (AI)",
  ACC: "accelerometer channels (ACC)",
  UD: "user-defined channels (UD)",
};

/** The source arguments of {@link AlphaOmegaRecordingInterface}, as a JSON schema. */
export const AlphaOmegaRecordingSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "The folder of .mpx files (map version 4) of the recording." }),
    streamName: Type.Optional(
      Type.Union([Type.Literal("RAW"), Type.Literal("SPK"), Type.Literal("LFP")], {
        description: "Write only this electrode stream (default: RAW, SPK and LFP, as far as recorded).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link AlphaOmegaRecordingInterface}. */
export type AlphaOmegaRecordingSource = Static<typeof AlphaOmegaRecordingSourceSchema>;

/** µV per stored unit: the converter's bit resolution divided by the total gain before it. */
const voltsPerUnit = (channel: { bitResolutionUv: number; totalGain: number }) =>
  (channel.bitResolutionUv / channel.totalGain) * 1e-6;

/**
 * An AlphaOmega recording (AlphaRS / AlphaLab SnR `.mpx` files, map version 4, all in one folder): every
 * continuous stream. RAW, SPK and LFP become ElectricalSeries (`ElectricalSeries` for RAW, as NeuroConv names
 * it, `ElectricalSeriesSPK`, `ElectricalSeriesLFP`) whose channels of the same number share an electrode;
 * analog inputs, accelerometer and user-defined channels become TimeSeries in volts (`TimeSeriesAI`, ...).
 * Values are the stored int16 samples with conversion = bit resolution / total gain (µV → V, per channel);
 * times count from the hardware's sample counter, and pauses become segments of the clock. Segmented spike
 * channels (SEG) and digital inputs are named in a warning and left out.
 *
 * @example
 * ```ts
 * const ao = new AlphaOmegaRecordingInterface({ folderPath: "session01" });
 * await ao.runConversion({ nwbfilePath: "session01.nwb" });
 * ```
 */
export class AlphaOmegaRecordingInterface extends MultiStreamRecordingInterface<AlphaOmegaRecordingSource> {
  static override displayName = "AlphaOmega Recording";
  static override keywords = ["AlphaOmega", "AlphaRS", "AlphaLab SnR", "MPX", "DBS", "ecephys"];
  static override associatedSuffixes = [".mpx"];
  static override info = "Continuous channels of AlphaOmega .mpx files (map version 4) in a folder.";
  static override sourceSchema: TObject = AlphaOmegaRecordingSourceSchema;

  readonly folder: AlphaOmegaFolder;
  protected readonly streams: readonly RecordingStream[];
  /** Streams written as TimeSeries (analog inputs, accelerometer, user-defined). */
  readonly otherStreams: readonly AlphaOmegaStream[];

  constructor(sourceData: AlphaOmegaRecordingSource) {
    super(sourceData);
    this.folder = openAlphaOmegaFolder(sourceData.folderPath);
    const electrode = this.folder.streams.filter((s) => s.name in ELECTRODE_STREAMS);
    if (electrode.length === 0) {
      throw new SourceDataError(
        sourceData.folderPath,
        `holds no RAW, SPK or LFP channel with data (streams: ${this.folder.streams.map((s) => s.name).join(", ") || "none"})`,
      );
    }
    this.streams = pickStreams(electrode, sourceData.streamName, sourceData.folderPath).map((stream) => ({
      key: ELECTRODE_STREAMS[stream.name]!.key,
      recording: this.recordingOf(stream),
      timing: () => timingOf(stream),
      description: `${ELECTRODE_STREAMS[stream.name]!.description} at ${stream.samplingRate} Hz`,
    }));
    this.otherStreams =
      sourceData.streamName === undefined ? this.folder.streams.filter((s) => s.name in OTHER_STREAMS) : [];
  }

  private recordingOf(stream: AlphaOmegaStream): Recording {
    return {
      samplingRate: stream.samplingRate,
      numSamples: stream.numSamples,
      data: stream.data,
      gainToVolts: stream.channels.map(voltsPerUnit),
      channels: stream.channels.map((channel) => ({
        name: channel.name,
        groupName: "ElectrodeGroup",
        // "RAW 001", "SPK 001" and "LFP 001" are one electrode
        electrodeKey: `electrode ${channel.name.slice(stream.name.length).trim()}`,
        properties: { channel_number: channel.number },
      })),
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.folder.startDateTime;
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    return {
      description: `AlphaOmega ${this.folder.application === "ARS" ? "AlphaRS" : this.folder.application}`,
      manufacturer: "Alpha Omega",
    };
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    super.addToNwbfile(nwbfile, metadata, options);
    for (const stream of this.otherStreams) {
      const factors = [...new Set(stream.channels.map(voltsPerUnit))];
      if (factors.length > 1) {
        throw new SourceDataError(
          this.folder.folderPath,
          `the ${stream.name} channels have different gains; write them separately`,
        );
      }
      addAnalogToNwbfile(
        nwbfile,
        {
          name: `TimeSeries${stream.name}`,
          description: `AlphaOmega ${OTHER_STREAMS[stream.name]}: ${stream.channels.map((c) => c.name).join(", ")}, in volts at the converter input divided by the total gain.`,
          data: stream.data,
          conversion: factors[0]!,
          unit: "volts",
          timing: timingOf(stream),
        },
        options.stubTest,
      );
    }
    if (this.folder.otherChannels.length > 0) {
      emitNeuroconvWarning(
        `${this.folder.folderPath}: channels without continuous samples are left out: ${[...this.folder.otherChannels].sort().join(", ")}`,
        "NeuroconvDataWarning",
      );
    }
  }
}

/** The stream's clock: its sample counter over its rate, one segment per continuous run. */
function timingOf(stream: AlphaOmegaStream): Timing {
  return segmentedTiming(
    stream.samplingRate,
    stream.segments.map((s) => ({
      firstIndex: s.firstIndex,
      startingTime: s.firstSample / stream.samplingRate,
    })),
    stream.numSamples,
  );
}
