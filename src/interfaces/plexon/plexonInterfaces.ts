/**
 * Plexon `.plx` files: continuous channels as recordings, spikes (sorted units, waveforms) and event channels.
 * `.pl2` is refused with a clear error: its layout is not published.
 */
import { basename, extname } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import {
  MultiStreamRecordingInterface,
  pickStreams,
  type RecordingStream,
} from "../../conversion/ecephys/multiStream.js";
import type { Recording } from "../../conversion/ecephys/recording.js";
import { BaseRecordingInterface } from "../../conversion/ecephys/recordingInterface.js";
import { BaseSortingInterface, type Sorting } from "../../conversion/ecephys/sorting.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { addEventsToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing, timeAt } from "../../conversion/timing.js";
import { SourceDataError } from "../../errors.js";
import { openPlxFile, type PlxFile, type PlxStream } from "../../formats/plexon/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

function openPlx(filePath: string): PlxFile {
  if (extname(filePath).toLowerCase() === ".pl2") {
    throw new SourceDataError(
      filePath,
      "is a .pl2 file; use Plexon2RecordingInterface (which explains its status)",
    );
  }
  return openPlxFile(filePath);
}

const FilePathSchema = (description: string) =>
  Type.Object({ filePath: Type.String({ description }) }, { additionalProperties: false });

/** The source arguments of {@link PlexonRecordingInterface}, as a JSON schema. */
export const PlexonRecordingSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The .plx file." }),
    streamName: Type.Optional(
      Type.String({
        description: 'One stream of continuous channels, e.g. "40000Hz"; default: every stream.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link PlexonRecordingInterface}. */
export type PlexonRecordingSource = Static<typeof PlexonRecordingSourceSchema>;

function recordingOf(stream: PlxStream): Recording {
  return {
    samplingRate: stream.samplingRate,
    numSamples: stream.numSamples,
    data: stream.data,
    gainToVolts: stream.channels.map((c) => c.gainToVolts),
    channels: stream.channels.map((c) => ({
      name: c.name,
      groupName: "ElectrodeGroup",
      properties: { plexon_channel: c.channel },
    })),
  };
}

function streamTiming(stream: PlxStream): Timing {
  return segmentedTiming(
    stream.samplingRate,
    stream.segments.map((s) => ({ firstIndex: s.firstSample, startingTime: s.startTime })),
    stream.numSamples,
  );
}

/**
 * The continuous (slow) channels of a `.plx` file, one ElectricalSeries per stream of channels sampled
 * together (`ElectricalSeries<rate>Hz` when there are several, e.g. wideband and field potentials), with the
 * gains of the Plexon SDK; each block's timestamp places its samples (gaps become segments).
 *
 * @example
 * ```ts
 * const plexon = new PlexonRecordingInterface({ filePath: "session.plx" });
 * await plexon.runConversion({ nwbfilePath: "session.nwb" });
 * ```
 */
export class PlexonRecordingInterface extends MultiStreamRecordingInterface<PlexonRecordingSource> {
  static override displayName = "Plexon Recording";
  static override keywords = ["Plexon", "OmniPlex", "MAP", "PLX", "ecephys"];
  static override associatedSuffixes = [".plx"];
  static override info = "Continuous channels of a Plexon .plx file.";
  static override sourceSchema: TObject = PlexonRecordingSourceSchema;

  readonly plx: PlxFile;
  protected readonly streams: readonly RecordingStream[];

  constructor(sourceData: PlexonRecordingSource) {
    super(sourceData);
    this.plx = openPlx(sourceData.filePath);
    if (this.plx.streams.length === 0) {
      throw new SourceDataError(
        sourceData.filePath,
        "holds no continuous samples (its slow-channel headers have no data blocks); its spikes and events convert with PlexonSortingInterface",
      );
    }
    const chosen = pickStreams(this.plx.streams, sourceData.streamName, sourceData.filePath);
    this.streams = chosen.map((stream) => ({
      key: chosen.length > 1 ? `ElectricalSeries${stream.name}` : "ElectricalSeries",
      recording: recordingOf(stream),
      timing: () => streamTiming(stream),
      description: `Plexon continuous channels ${stream.channels.map((c) => c.name).join(", ")} at ${stream.samplingRate} Hz`,
    }));
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.plx.startTime;
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    return {
      description: `Plexon acquisition system${this.plx.software ? `, recorded with ${this.plx.software}` : ""}`,
      manufacturer: "Plexon",
    };
  }
}

/** The source arguments of {@link PlexonSortingInterface}, as a JSON schema. */
export const PlexonSortingSourceSchema = FilePathSchema("The .plx file.");
/** The source arguments of {@link PlexonSortingInterface}. */
export type PlexonSortingSource = Static<typeof PlexonSortingSourceSchema>;

/** Plexon names sorted units a, b, c, ... after the channel; unit 0 is unsorted. */
const unitLetter = (unit: number) => (unit === 0 ? "unsorted" : String.fromCharCode(96 + unit));

/**
 * The spikes of a `.plx` file as Units, one per (channel, sorted unit), with the channel name, the unit
 * number and letter, and the mean and SD of the waveforms in volts; the event channels with events (Start,
 * Stop, Strobed with its values, Keyboard, ...) become event series.
 *
 * @example
 * ```ts
 * const units = new PlexonSortingInterface({ filePath: "session.plx" });
 * await units.runConversion({ nwbfilePath: "units.nwb" });
 * ```
 */
export class PlexonSortingInterface extends BaseSortingInterface<PlexonSortingSource> {
  static override displayName = "Plexon Sorting";
  static override keywords = ["Plexon", "PLX", "spikes", "units", "events"];
  static override associatedSuffixes = [".plx"];
  static override info = "Sorted spikes (with waveforms) and event channels of a Plexon .plx file.";
  static override sourceSchema: TObject = PlexonSortingSourceSchema;

  readonly plx: PlxFile;
  protected readonly sorting: Sorting;

  constructor(sourceData: PlexonSortingSource) {
    super(sourceData);
    this.plx = openPlx(sourceData.filePath);
    if (this.plx.units.length === 0 && this.plx.events.length === 0) {
      throw new SourceDataError(sourceData.filePath, "holds no spikes and no events");
    }
    this.sorting = {
      samplingRate: this.plx.timestampRate,
      propertyDescriptions: {
        channel_name: "Plexon spike channel the unit was sorted on",
        plexon_unit: "Plexon unit number on its channel (0 = unsorted)",
        unit_letter: "Plexon's name of the unit (a, b, c, ...; unsorted)",
      },
      units: this.plx.units.map((u) => ({
        id: `${u.channelName}${u.unit === 0 ? "_unsorted" : unitLetter(u.unit)}`,
        spikeFrames: u.timestamps,
        properties: { channel_name: u.channelName, plexon_unit: u.unit, unit_letter: unitLetter(u.unit) },
        ...(u.waveformMean && u.waveformSd && { waveformMean: u.waveformMean, waveformSd: u.waveformSd }),
      })),
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.plx.startTime;
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    if (this.sorting.units.length > 0) super.addToNwbfile(nwbfile, metadata, options);
    const timing = this.getTiming();
    for (const events of this.plx.events) {
      const strobed = events.values.some((v) => v !== 0);
      addEventsToNwbfile(
        nwbfile,
        {
          name: `EventsPlexon${events.name.replace(/[^A-Za-z0-9]+/g, "") || events.channel}`,
          description: `Plexon event channel ${events.channel} '${events.name}' of ${basename(this.plx.path)}${strobed ? "; data: the strobed value" : ""}.`,
          times: events.timestamps.map((t) => timeAt(timing, t)),
          ...(strobed && { codes: events.values }),
        },
        options.stubTest,
      );
    }
  }
}

/** The source arguments of {@link Plexon2RecordingInterface}, as a JSON schema. */
export const Plexon2RecordingSourceSchema = FilePathSchema("The .pl2 file.");
/** The source arguments of {@link Plexon2RecordingInterface}. */
export type Plexon2RecordingSource = Static<typeof Plexon2RecordingSourceSchema>;

/**
 * Plexon `.pl2` files: not supported yet. Plexon publishes PL2 only through its binary SDK (a Windows
 * library), not as a file layout, so there is no document to read it correctly from. Constructing the
 * interface throws an error that says so and how to get a `.plx` instead.
 */
export class Plexon2RecordingInterface extends BaseRecordingInterface<Plexon2RecordingSource> {
  static override displayName = "Plexon2 Recording";
  static override keywords = ["Plexon", "PL2", "OmniPlex"];
  static override associatedSuffixes = [".pl2"];
  static override info = "Plexon .pl2 files (not supported yet: the layout is not published).";
  static override sourceSchema: TObject = Plexon2RecordingSourceSchema;

  protected readonly recording: Recording;

  constructor(sourceData: Plexon2RecordingSource) {
    super(sourceData);
    throw new SourceDataError(
      sourceData.filePath,
      ".pl2 (Plexon 2) files are not supported yet: Plexon publishes them only through its Windows SDK library, not as a file layout this reader could follow. Convert the file to .plx with Plexon's PL2 to PLX converter (or export it from Offline Sorter) and use PlexonRecordingInterface / PlexonSortingInterface",
    );
  }
}
