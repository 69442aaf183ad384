/**
 * Base of every recording interface: a format reader's {@link Recording} plus metadata, written through
 * {@link addRecordingToNwbfile}. Subclasses open their source in the constructor and set `recording`.
 */
import { type TObject, Type } from "@sinclair/typebox";
import type { NWBFile } from "../../nwb/containers/file.js";
import type { StandardConversionOptions } from "../conversion.js";
import type { DeviceMetadata, ElectrodeGroupMetadata, Metadata } from "../metadata/schema.js";
import { BaseTemporalInterface } from "../temporal.js";
import type { Timing } from "../timing.js";
import {
  addRecordingToNwbfile,
  type Recording,
  type RecordingChannel,
  regularTiming,
  type WriteAs,
} from "./recording.js";

/** Metadata of a recording interface: Ecephys always holds at least one Device and one ElectrodeGroup. */
export interface RecordingMetadata extends Metadata {
  Ecephys: NonNullable<Metadata["Ecephys"]> & {
    Device: [DeviceMetadata, ...DeviceMetadata[]];
    ElectrodeGroup: [ElectrodeGroupMetadata, ...ElectrodeGroupMetadata[]];
  };
}

/** Conversion options of recording interfaces. */
export interface RecordingConversionOptions extends StandardConversionOptions {
  /** raw (default): /acquisition; lfp: processing/ecephys/LFP; processed: processing/ecephys/Processed. */
  readonly writeAs?: WriteAs;
}

export const RecordingConversionOptionsSchema = Type.Object(
  {
    stubTest: Type.Optional(
      Type.Boolean({ description: "Write only the first 100 samples, for a quick preview." }),
    ),
    writeAs: Type.Optional(
      Type.Union([Type.Literal("raw"), Type.Literal("lfp"), Type.Literal("processed")], {
        description: "Where the series goes: raw acquisition, LFP, or processed data.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Base of recording interfaces: a reader's {@link Recording} written as an ElectricalSeries with its electrodes. */
export abstract class BaseRecordingInterface<Source extends object = object> extends BaseTemporalInterface<
  Source,
  RecordingConversionOptions
> {
  static override conversionOptionsSchema: TObject = RecordingConversionOptionsSchema;

  /** The reader's view of the stream; set by the subclass constructor. */
  protected abstract readonly recording: Recording;

  /** Metadata key and default name of the ElectricalSeries (e.g. "ElectricalSeriesAP"). */
  get seriesKey(): string {
    return "ElectricalSeries";
  }

  /** Time of the first sample in seconds; subclasses override when the source says it (e.g. firstSample). */
  protected get startingTime(): number {
    return 0;
  }

  protected override getOriginalTiming(): Timing {
    return regularTiming(this.recording, this.startingTime);
  }

  get samplingRate(): number {
    return this.recording.samplingRate;
  }

  get numSamples(): number {
    return this.recording.numSamples;
  }

  /** The channels in the order of the series' columns (names, groups, electrode properties). */
  get channels(): readonly RecordingChannel[] {
    return this.recording.channels;
  }

  /** Channel names in the order of the series' columns. */
  get channelNames(): string[] {
    return this.recording.channels.map((c) => c.name);
  }

  /** Where the series goes unless the conversion options say otherwise (LFP files: "lfp"). */
  protected get defaultWriteAs(): WriteAs {
    return "raw";
  }

  /** The acquisition system as the source describes it: the one Device ("DeviceEcephys") of the metadata. */
  protected get device(): Omit<DeviceMetadata, "name"> {
    return { description: "no description" };
  }

  override getMetadata(): RecordingMetadata {
    const device = "DeviceEcephys";
    const groups = [...new Set(this.recording.channels.map((c) => c.groupName))].map((name) => ({
      name,
      description: `electrode group ${name}`,
      location: "unknown",
      device,
    }));
    return {
      ...super.getMetadata(),
      Ecephys: {
        Device: [{ name: device, ...this.device }],
        ElectrodeGroup: groups as RecordingMetadata["Ecephys"]["ElectrodeGroup"],
        [this.seriesKey]: { name: this.seriesKey, description: "acquired voltage traces" },
      },
    };
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    addRecordingToNwbfile(nwbfile, this.recording, metadata, {
      seriesKey: this.seriesKey,
      timing: this.getTiming(),
      writeAs: options.writeAs ?? this.defaultWriteAs,
      ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
    });
  }
}
