/**
 * CED Spike2 `.smr` files: voltage waveform channels as ElectricalSeries, other waveform channels (force,
 * flow, angle, ...) as TimeSeries in their own units, event and marker channels as event series.
 */
import { basename } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { MultiStreamRecordingInterface, type RecordingStream } from "../../conversion/ecephys/multiStream.js";
import type { Recording } from "../../conversion/ecephys/recording.js";
import type {
  RecordingConversionOptions,
  RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { addAnalogToNwbfile, addEventsToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing } from "../../conversion/timing.js";
import { SourceDataError } from "../../errors.js";
import {
  openSonFile,
  type SonFile,
  type SonStream,
  type SonWaveChannel,
} from "../../formats/spike2/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of {@link Spike2RecordingInterface}, as a JSON schema. */
export const Spike2RecordingSourceSchema = Type.Object(
  { filePath: Type.String({ description: "The Spike2 .smr file (32-bit SON)." }) },
  { additionalProperties: false },
);

/** The source arguments of {@link Spike2RecordingInterface}. */
export type Spike2RecordingSource = Static<typeof Spike2RecordingSourceSchema>;

/** Volts per unit of the voltage units Spike2 files use; undefined for other quantities. */
function voltsPerUnit(unit: string): number | undefined {
  const u = unit.trim().toLowerCase();
  if (["v", "volt", "volts"].includes(u)) return 1;
  if (["mv", "millivolt", "millivolts"].includes(u)) return 1e-3;
  if (["uv", "µv", "μv", "microvolt", "microvolts"].includes(u)) return 1e-6;
  return undefined;
}

const safeName = (title: string) => title.replace(/[^A-Za-z0-9]+/g, "") || "Channel";

/** A group of voltage channels of one stream with one offset: one ElectricalSeries. */
interface VoltageSeries {
  readonly stream: SonStream;
  readonly indices: number[];
  readonly offsetVolts: number;
}

function timingOf(stream: SonStream): Timing {
  return segmentedTiming(
    stream.samplingRate,
    stream.segments.map((s) => ({ firstIndex: s.firstSample, startingTime: s.startTime })),
    stream.numSamples,
  );
}

function recordingOf(series: VoltageSeries): Recording {
  const channels = series.indices.map((i) => series.stream.channels[i]!);
  return {
    samplingRate: series.stream.samplingRate,
    numSamples: series.stream.numSamples,
    data: series.stream.pick(series.indices),
    gainToVolts: channels.map((c) => c.gain * voltsPerUnit(c.unit)!),
    ...(series.offsetVolts !== 0 && { offsetToVolts: series.offsetVolts }),
    channels: channels.map((c) => ({
      name: c.title,
      groupName: "ElectrodeGroup",
      properties: { spike2_channel: c.number, physical_channel: c.physicalChannel, comment: c.comment },
    })),
  };
}

/**
 * The waveform channels of a Spike2 `.smr` file grouped by rate (channels scanned together share a stream;
 * the start is the first channel's): channels in volts, mV or µV become ElectricalSeries (per-channel
 * scale, offset), the other channels TimeSeries in the unit the file states (`TimeSeries<title>`, with
 * scale and offset as conversion and offset). Event, marker, WaveMark and TextMark channels become event
 * series (`Events<title>`: marker codes as data, text as an AnnotationSeries). `.smrx` (64-bit SON) is not
 * supported yet: the error says so.
 *
 * @example
 * ```ts
 * const spike2 = new Spike2RecordingInterface({ filePath: "session.smr" });
 * await spike2.runConversion({ nwbfilePath: "session.nwb" });
 * ```
 */
export class Spike2RecordingInterface extends MultiStreamRecordingInterface<Spike2RecordingSource> {
  static override displayName = "Spike2 Recording";
  static override keywords = ["Spike2", "CED", "SON", "smr", "ecephys", "EMG"];
  static override associatedSuffixes = [".smr", ".smrx"];
  static override info = "Waveform, event and marker channels of a CED Spike2 .smr file.";
  static override sourceSchema: TObject = Spike2RecordingSourceSchema;

  readonly son: SonFile;
  protected readonly streams: readonly RecordingStream[];
  /** Waveform channels not in volts, with their stream. */
  readonly otherChannels: readonly { stream: SonStream; index: number; channel: SonWaveChannel }[];

  constructor(sourceData: Spike2RecordingSource) {
    super(sourceData);
    if (/\.smrx$/i.test(sourceData.filePath)) {
      throw new SourceDataError(
        sourceData.filePath,
        "is a 64-bit SON (.smrx) file: not supported yet (CED publishes that layout only through its SON64 library); save it from Spike2 as a 32-bit .smr file",
      );
    }
    this.son = openSonFile(sourceData.filePath);
    const series: VoltageSeries[] = [];
    const others: { stream: SonStream; index: number; channel: SonWaveChannel }[] = [];
    for (const stream of this.son.streams) {
      const byOffset = new Map<number, number[]>();
      stream.channels.forEach((channel, index) => {
        const factor = voltsPerUnit(channel.unit);
        if (factor === undefined) {
          others.push({ stream, index, channel });
          return;
        }
        const offset = channel.offset * factor;
        byOffset.set(offset, [...(byOffset.get(offset) ?? []), index]);
      });
      for (const [offsetVolts, indices] of byOffset) series.push({ stream, indices, offsetVolts });
    }
    if (series.length === 0) {
      throw new SourceDataError(
        sourceData.filePath,
        `has no waveform channel in volts (units: ${others.map((o) => `${o.channel.title} '${o.channel.unit}'`).join(", ") || "no waveform channels"}); an ElectricalSeries needs voltage data`,
      );
    }
    const titleOf = (s: VoltageSeries) => safeName(s.stream.channels[s.indices[0]!]!.title);
    this.streams = series.map((s, i) => ({
      key:
        series.length === 1
          ? "ElectricalSeries"
          : `ElectricalSeries${titleOf(s)}${series.filter((o) => titleOf(o) === titleOf(s)).length > 1 ? i : ""}`,
      recording: recordingOf(s),
      timing: () => timingOf(s.stream),
      description: `Spike2 channels ${s.indices.map((k) => s.stream.channels[k]!.title).join(", ")} at ${s.stream.samplingRate} Hz`,
    }));
    this.otherChannels = others;
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.son.startTime;
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    return { description: `CED acquisition, Spike2 (${this.son.creator})`, manufacturer: "CED" };
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    if (this.son.comments.length > 0) metadata.NWBFile.notes = this.son.comments.join("\n");
    return metadata;
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    super.addToNwbfile(nwbfile, metadata, options);
    const source = basename(this.son.path);
    for (const { stream, index, channel } of this.otherChannels) {
      addAnalogToNwbfile(
        nwbfile,
        {
          name: `TimeSeries${safeName(channel.title)}`,
          description: `Spike2 channel ${channel.number} '${channel.title}' of ${source}${channel.comment ? ` (${channel.comment})` : ""}.`,
          data: stream.pick([index]),
          conversion: channel.gain,
          offset: channel.offset,
          unit: channel.unit.trim() || "n.a.",
          timing: timingOf(stream),
        },
        options.stubTest,
      );
    }
    for (const events of this.son.events) {
      addEventsToNwbfile(
        nwbfile,
        {
          name: `Events${safeName(events.title)}`,
          description: `Spike2 ${events.kind} channel ${events.number} '${events.title}' of ${source}${events.codes ? "; data: the first marker code" : ""}.`,
          times: events.times,
          ...(events.texts ? { labels: events.texts } : events.codes ? { codes: events.codes } : {}),
        },
        options.stubTest,
      );
    }
  }
}
