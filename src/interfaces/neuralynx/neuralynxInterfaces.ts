/**
 * Neuralynx session folders: `.ncs` streams as ElectricalSeries with `Events.nev` as events, and `.nse`/`.ntt`
 * spikes as Units. Everything is on one clock: seconds since the earliest timestamp of any file of the folder.
 */

import { basename } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import {
  MultiStreamRecordingInterface,
  pickStreams,
  type RecordingStream,
} from "../../conversion/ecephys/multiStream.js";
import type { Recording } from "../../conversion/ecephys/recording.js";
import type { RecordingConversionOptions } from "../../conversion/ecephys/recordingInterface.js";
import { BaseSortingInterface, type Sorting } from "../../conversion/ecephys/sorting.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { addEventsToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import {
  type NeuralynxEvents,
  type NeuralynxFolder,
  type NeuralynxStream,
  openNeuralynxFolder,
} from "../../formats/neuralynx/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of {@link NeuralynxRecordingInterface}, as a JSON schema. */
export const NeuralynxRecordingSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "The Neuralynx session folder (.ncs files, Events.nev)." }),
    streamName: Type.Optional(
      Type.String({ description: 'One stream, by sampling rate (e.g. "32000Hz"); default: every stream.' }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link NeuralynxRecordingInterface}. */
export type NeuralynxRecordingSource = Static<typeof NeuralynxRecordingSourceSchema>;

/** The DSP filter settings of a channel in words. */
function describeFilters(entries: ReadonlyMap<string, string>): string | undefined {
  const parts: string[] = [];
  if (entries.get("DSPLowCutFilterEnabled")?.toLowerCase() === "true")
    parts.push(
      `low cut ${entries.get("DspLowCutFrequency")} Hz (${entries.get("DspLowCutFilterType") ?? "DSP"})`,
    );
  if (entries.get("DSPHighCutFilterEnabled")?.toLowerCase() === "true")
    parts.push(
      `high cut ${entries.get("DspHighCutFrequency")} Hz (${entries.get("DspHighCutFilterType") ?? "DSP"})`,
    );
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function recordingOf(stream: NeuralynxStream): Recording {
  const filtering = describeFilters(stream.channels[0]!.header.entries);
  return {
    samplingRate: stream.samplingRate,
    numSamples: stream.numSamples,
    data: stream.data,
    gainToVolts: stream.channels.map((c) => c.gainToVolts),
    ...(filtering !== undefined && { filtering }),
    channels: stream.channels.map((c) => ({
      name: c.name,
      groupName: "ElectrodeGroup",
      properties: {
        ad_channel: c.header.adChannels[0] ?? -1,
        ad_bit_volts: c.header.adBitVolts[0]!,
        input_range_uV: c.header.inputRanges[0] ?? Number.NaN,
        input_inverted: c.header.inputInverted,
        file_name: basename(c.path),
      },
    })),
  };
}

/** The stream's clock: one segment per run of records without a gap, in seconds from the folder's reference. */
function streamTiming(stream: NeuralynxStream, referenceMicros: number): Timing {
  return segmentedTiming(
    stream.samplingRate,
    stream.segments.map((s) => ({
      firstIndex: s.firstSample,
      startingTime: (s.startMicros - referenceMicros) / 1e6,
    })),
    stream.numSamples,
  );
}

/** Writes the records of Events.nev: TTL port values as a coded series, the other event strings as annotations. */
function addNeuralynxEvents(
  nwbfile: NWBFile,
  folder: NeuralynxFolder,
  stubTest: boolean | undefined,
  toTime: (seconds: number) => number = (t) => t,
): void {
  const several = folder.events.length > 1;
  for (const events of folder.events) {
    const suffix = several
      ? basename(events.path)
          .replace(/\.nev$/i, "")
          .replace(/[^A-Za-z0-9]+/g, "")
      : "";
    const isTtl = events.strings.map((s) => /TTL/i.test(s));
    const pick = <T>(values: readonly T[], ttl: boolean) => values.filter((_, i) => isTtl[i] === ttl);
    const seconds = (micros: readonly number[]) =>
      micros.map((m) => toTime((m - folder.referenceMicros) / 1e6));
    const source = `Neuralynx event file ${basename(events.path)}`;
    addEventsToNwbfile(
      nwbfile,
      {
        name: `EventsNeuralynxTTL${suffix}`,
        description: `TTL port values (the event record's TTL value) at each TTL event of the ${source}.`,
        times: seconds(pick(events.micros, true)),
        codes: pick(events.ttl, true),
      },
      stubTest,
    );
    addEventsToNwbfile(
      nwbfile,
      {
        name: `EventsNeuralynx${suffix}`,
        description: `Event strings (other than TTL events) of the ${source}.`,
        times: seconds(pick(events.micros, false)),
        labels: pick(events.strings, false),
      },
      stubTest,
    );
  }
}

function sessionStart(folder: NeuralynxFolder): string | undefined {
  const headers = [
    ...folder.streams.flatMap((s) => s.channels.map((c) => c.header)),
    ...folder.spikeFiles.map((f) => f.header),
    ...folder.events.map((e: NeuralynxEvents) => e.header),
  ];
  return headers.map((h) => h.timeOpened).find((t) => t !== undefined);
}

/**
 * The `.ncs` channels of a Neuralynx folder, grouped into streams by sampling rate: every stream is an
 * ElectricalSeries (`ElectricalSeries<rate>Hz` when there are several; `streamName` picks one). Gaps in the
 * record timestamps split the clock into segments (written as timestamps); the 1-µs rounding of record
 * timestamps does not. Volts from ADBitVolts, negated where the input was inverted; AD channel, input
 * range and inversion per electrode; the DSP filters in `filtering`; `Events.nev` as event series.
 *
 * @example
 * ```ts
 * const nlx = new NeuralynxRecordingInterface({ folderPath: "2024-07-17_12-09-45" });
 * await nlx.runConversion({ nwbfilePath: "session.nwb" });
 * ```
 */
export class NeuralynxRecordingInterface extends MultiStreamRecordingInterface<NeuralynxRecordingSource> {
  static override displayName = "Neuralynx Recording";
  static override keywords = ["Neuralynx", "Cheetah", "Pegasus", "ATLAS", "ecephys"];
  static override associatedSuffixes = [".ncs", ".nev"];
  static override info = "Continuous channels (.ncs) and events (Events.nev) of a Neuralynx session folder.";
  static override sourceSchema: TObject = NeuralynxRecordingSourceSchema;

  readonly folder: NeuralynxFolder;
  protected readonly streams: readonly RecordingStream[];

  constructor(sourceData: NeuralynxRecordingSource) {
    super(sourceData);
    this.folder = openNeuralynxFolder(sourceData.folderPath);
    const all = this.folder.streams;
    if (all.length === 0) throw new SourceDataError(sourceData.folderPath, "holds no .ncs file with samples");
    const chosen = pickStreams(all, sourceData.streamName, sourceData.folderPath);
    const reference = this.folder.referenceMicros;
    this.streams = chosen.map((stream) => {
      const gaps = stream.segments.length - 1;
      return {
        key: chosen.length > 1 ? `ElectricalSeries${stream.name}` : "ElectricalSeries",
        recording: recordingOf(stream),
        timing: () => streamTiming(stream, reference),
        description: `Neuralynx ${stream.samplingRate} Hz channels ${stream.channels.map((c) => c.name).join(", ")}${
          gaps > 0
            ? `; recorded in ${gaps + 1} segments (gaps in the record timestamps; see the timestamps)`
            : ""
        }`,
      };
    });
  }

  /** Names of the streams of a folder (sampling rates), for `streamName`. */
  static getStreamNames(folderPath: string): string[] {
    return openNeuralynxFolder(folderPath).streams.map((s) => s.name);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return sessionStart(this.folder);
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    const application = this.folder.streams[0]!.channels[0]!.header.application;
    return {
      description: `Neuralynx acquisition system${application ? `, recorded with ${application}` : ""}`,
      manufacturer: "Neuralynx",
    };
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    super.addToNwbfile(nwbfile, metadata, options);
    const original = this.getOriginalTiming();
    const current = this.getTiming();
    // events follow the same shift as the first stream when it was re-started (aligned) as a whole
    const shift =
      original.kind === "regular" && current.kind === "regular"
        ? current.startingTime - original.startingTime
        : 0;
    addNeuralynxEvents(nwbfile, this.folder, options.stubTest, (t) => t + shift);
  }
}

/** The source arguments of {@link NeuralynxSortingInterface}, as a JSON schema. */
export const NeuralynxSortingSourceSchema = Type.Object(
  { folderPath: Type.String({ description: "The Neuralynx session folder (.nse / .ntt files)." }) },
  { additionalProperties: false },
);

/** The source arguments of {@link NeuralynxSortingInterface}. */
export type NeuralynxSortingSource = Static<typeof NeuralynxSortingSourceSchema>;

/**
 * The `.nse` (single electrode) and `.ntt` (tetrode) spike files of a Neuralynx folder as Units: one unit per
 * (file, cell number), spike times on the folder's clock (microsecond timestamps), the electrode name and
 * cell number, and the mean and SD of the unit's waveforms in volts (per tetrode channel for `.ntt`).
 * No `.ncs` file is needed.
 *
 * @example
 * ```ts
 * const spikes = new NeuralynxSortingInterface({ folderPath: "2016-11-28_21-50-00" });
 * await spikes.runConversion({ nwbfilePath: "spikes.nwb" });
 * ```
 */
export class NeuralynxSortingInterface extends BaseSortingInterface<NeuralynxSortingSource> {
  static override displayName = "Neuralynx Sorting";
  static override keywords = ["Neuralynx", "Cheetah", "spikes", "tetrode", "units"];
  static override associatedSuffixes = [".nse", ".ntt"];
  static override info = "Spikes and cluster numbers of Neuralynx .nse/.ntt files, with waveforms.";
  static override sourceSchema: TObject = NeuralynxSortingSourceSchema;

  readonly folder: NeuralynxFolder;
  protected readonly sorting: Sorting;

  constructor(sourceData: NeuralynxSortingSource) {
    super(sourceData);
    this.folder = openNeuralynxFolder(sourceData.folderPath);
    const files = this.folder.spikeFiles;
    if (files.length === 0)
      throw new SourceDataError(sourceData.folderPath, "holds no .nse or .ntt spike file");
    const shapes = new Set(files.map((f) => `${f.waveformLength}x${f.channels}`));
    if (shapes.size > 1) {
      emitNeuroconvWarning(
        `${sourceData.folderPath}: spike files have different waveform shapes (${[...shapes].join(", ")}); waveforms are not written`,
        "NeuroconvDataWarning",
      );
    }
    const reference = this.folder.referenceMicros;
    this.sorting = {
      samplingRate: 1e6,
      ...(shapes.size === 1 && { waveformShape: [files[0]!.waveformLength, files[0]!.channels] as const }),
      propertyDescriptions: {
        electrode_name: "acquisition entity (electrode or tetrode) of the spike file",
        cell_number: "Neuralynx cell (cluster) number; 0 = not clustered",
        file_name: "the spike file",
      },
      units: files.flatMap((file) =>
        file.units.map((unit) => ({
          id: `${file.name}#${unit.cell}`,
          spikeFrames: unit.micros.map((m) => m - reference),
          properties: { electrode_name: file.name, cell_number: unit.cell, file_name: basename(file.path) },
          ...(shapes.size === 1 && { waveformMean: unit.waveformMean, waveformSd: unit.waveformSd }),
        })),
      ),
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return sessionStart(this.folder);
  }
}
