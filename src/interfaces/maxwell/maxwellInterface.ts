/**
 * MaxWell MaxOne / MaxTwo high-density arrays (`data.raw.h5`): one well's recording as an ElectricalSeries
 * with the channel-to-electrode map and positions, and the spikes MaxLab detected as an ndx-events table.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { addElectrodes, type Recording } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingConversionOptions,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import type { Timing } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { UnsupportedCompressionError } from "../../errors.js";
import {
  MAXWELL_FILTER_ADVICE,
  type MaxwellFile,
  openMaxwellFile,
  readMaxwellFrameNumbers,
  readMaxwellSpikes,
} from "../../formats/maxwell/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { ndxEventsTypes } from "../../nwb/types/index.js";

/** The source arguments of {@link MaxOneRecordingInterface}, as a JSON schema. */
export const MaxOneRecordingSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The MaxWell data.raw.h5 file (MaxOne or MaxTwo)." }),
    wellName: Type.Optional(
      Type.String({
        description: "The well to read, e.g. well003 (default: the first; MaxTwo plates have six).",
      }),
    ),
    recordingName: Type.Optional(
      Type.String({ description: "The recording of the well, e.g. rec0001 (default: the first)." }),
    ),
    writeTraces: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          "false: write only the electrodes and the detected spikes, without the raw traces (for files whose traces use MaxWell's proprietary compression).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link MaxOneRecordingInterface}. */
export type MaxOneRecordingSource = Static<typeof MaxOneRecordingSourceSchema>;

/** Frame numbers read per block when the frames have gaps and timestamps are written. */
const FRAME_BLOCK = 65536;

/**
 * One recording of one well of a MaxWell MaxOne or MaxTwo file (both the legacy 2016 layout and the later
 * `wells/<well>/<recording>` layout) as an ElectricalSeries: the routed channels' samples with MaxLab's lsb
 * as conversion (volts), `channel_name` "ch<channel> elec<electrode>" and the electrode id and its x/y
 * position (µm) in the electrodes table, timestamps from the frame numbers when frames were dropped. The
 * spikes MaxLab detected go into an ndx-events `EventsTable` "MaxWellDetectedSpikes" in
 * processing/ecephys (time, amplifier channel, amplitude), also for channels that were not routed.
 *
 * MaxLab normally stores the traces with MaxWell's proprietary HDF5 filter (id 401), which no open reader
 * decodes: converting such a file throws an {@link UnsupportedCompressionError} that names the filter and
 * the dataset; `writeTraces: false` writes everything else.
 *
 * @example
 * ```ts
 * const maxwell = new MaxOneRecordingInterface({ filePath: "data.raw.h5", wellName: "well001" });
 * await maxwell.runConversion({ nwbfilePath: "well001.nwb" });
 * ```
 */
export class MaxOneRecordingInterface extends BaseRecordingInterface<MaxOneRecordingSource> {
  static override displayName = "MaxWell MaxOne/MaxTwo Recording";
  static override keywords = ["MaxWell", "MaxOne", "MaxTwo", "MaxLab", "HD-MEA", "ecephys"];
  static override associatedSuffixes = [".raw.h5", ".h5"];
  static override info =
    "One well's recording of a MaxWell MaxOne/MaxTwo data.raw.h5 file, with detected spikes.";
  static override sourceSchema: TObject = MaxOneRecordingSourceSchema;

  readonly maxwell: MaxwellFile;
  protected readonly recording: Recording;

  constructor(sourceData: MaxOneRecordingSource) {
    super(sourceData);
    this.maxwell = openMaxwellFile(sourceData.filePath, sourceData.wellName, sourceData.recordingName);
    const { maxwell } = this;
    this.recording = {
      samplingRate: maxwell.samplingRate,
      numSamples: maxwell.numFrames,
      data: maxwell.data,
      gainToVolts: maxwell.lsb,
      ...(maxwell.highPassHz !== undefined && {
        filtering: `high-pass filter at ${maxwell.highPassHz} Hz (MaxLab)`,
      }),
      channels: maxwell.channels.map((c) => ({
        // named like neo's MaxwellRawIO
        name: `ch${c.channel} elec${c.electrode}`,
        groupName: maxwell.well,
        properties: { channel: c.channel, electrode: c.electrode, rel_x: c.x, rel_y: c.y },
      })),
    };
  }

  protected override getOriginalTiming(): Timing {
    const { maxwell } = this;
    if (maxwell.contiguousFrames || maxwell.firstFrame === undefined) return super.getOriginalTiming();
    const first = maxwell.firstFrame;
    let cached: { start: number; frames: Float64Array } | undefined;
    return {
      kind: "irregular",
      count: maxwell.numFrames,
      timeAt: (index) => {
        if (!cached || index < cached.start || index >= cached.start + cached.frames.length) {
          const start = index - (index % FRAME_BLOCK);
          cached = {
            start,
            frames: readMaxwellFrameNumbers(maxwell, start, Math.min(start + FRAME_BLOCK, maxwell.numFrames)),
          };
        }
        return (cached.frames[index - cached.start]! - first) / maxwell.samplingRate;
      },
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    const ms = this.maxwell.startTimeMs;
    return ms === undefined ? undefined : new Date(ms).toISOString();
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    const { maxwell } = this;
    const system = maxwell.plate ?? (Object.keys(maxwell.wells).length > 1 ? "MaxTwo" : "MaxOne");
    return {
      description: `MaxWell ${system}${maxwell.mxwVersion ? `, MaxLab ${maxwell.mxwVersion}` : ""}${maxwell.gain ? `, amplifier gain ${maxwell.gain}` : ""}`,
      manufacturer: "MaxWell Biosystems",
    };
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    const { maxwell } = this;
    metadata.Ecephys.ElectrodeGroup[0].description = `routed electrodes of ${maxwell.well} (${maxwell.recording})`;
    return metadata;
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    const { maxwell } = this;
    if (this.sourceData.writeTraces === false) {
      addElectrodes(nwbfile, this.recording, metadata);
    } else {
      const problem = maxwell.traceProblem;
      if (problem) {
        throw new UnsupportedCompressionError(
          maxwell.path,
          problem.dataset,
          problem.filterId,
          `${MAXWELL_FILTER_ADVICE}; or leave the traces out (writeTraces set to false) to write the electrodes and detected spikes only`,
        );
      }
      super.addToNwbfile(nwbfile, metadata, options);
    }
    this.addDetectedSpikes(nwbfile, options.stubTest === true);
  }

  private addDetectedSpikes(nwbfile: NWBFile, stubTest: boolean): void {
    const { maxwell } = this;
    if (maxwell.spikesDataset === undefined) return;
    if (maxwell.firstFrame === undefined) {
      emitNeuroconvWarning(
        `${maxwell.path}: the detected spikes (${maxwell.spikesDataset}) are left out: this layout stores no frame numbers to align them with the traces`,
        "NeuroconvDataWarning",
      );
      return;
    }
    const spikes = readMaxwellSpikes(maxwell);
    const count = stubTest ? Math.min(100, spikes.frames.length) : spikes.frames.length;
    if (count === 0) return;
    const table = new ndxEventsTypes.EventsTable({
      name: "MaxWellDetectedSpikes",
      description: `Spikes detected by MaxLab during the recording (${maxwell.well}, ${maxwell.recording}); times from the frame numbers, relative to the first recorded frame (negative: detected before it).`,
    });
    table.addColumn({
      name: "channel",
      description: "amplifier channel of the spike (may be a channel that was not routed)",
      dtype: "int32",
    });
    table.addColumn({
      name: "amplitude",
      description: "spike amplitude as MaxLab stores it",
      dtype: "float32",
    });
    table.addColumn({
      name: "frame_number",
      description: "MaxLab frame number of the spike",
      dtype: "int64",
    });
    const origin = this.getTiming();
    const start = origin.kind === "regular" ? origin.startingTime : origin.timeAt(0);
    for (let i = 0; i < count; i++) {
      table.addRow({
        timestamp: start + (spikes.frames[i]! - maxwell.firstFrame) / maxwell.samplingRate,
        channel: spikes.channels[i]!,
        amplitude: spikes.amplitudes[i]!,
        frame_number: spikes.frames[i]!,
      });
    }
    nwbfile.createProcessingModule("ecephys", "processed extracellular electrophysiology data").add(table);
  }
}
