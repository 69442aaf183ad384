/**
 * MEArec simulated recordings (`.h5`): the traces as one ElectricalSeries on the simulated probe.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Recording } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingConversionOptions,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { type MearecFile, type MearecInfo, openMearecFile } from "../../formats/mearec/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of {@link MEArecRecordingInterface}, as a JSON schema. */
export const MEArecRecordingSourceSchema = Type.Object(
  { filePath: Type.String({ description: "Path to the MEArec .h5 file." }) },
  { additionalProperties: false },
);

/** The source arguments of {@link MEArecRecordingInterface}. */
export type MEArecRecordingSource = Static<typeof MEArecRecordingSourceSchema>;

const GROUP = "ElectrodeGroup";

/**
 * A MEArec simulated recording (`.h5`) as an ElectricalSeries: the traces in their stored type (float32 µV by
 * default, so `conversion` 1e-6 to volts as NeuroConv writes; integer traces with MEArec's `gain_to_uV`),
 * channels `1`…`N` on the simulated probe (`rel_x`/`rel_y` on the probe plane, as probeinterface places
 * them), the probe model in the Device's description and the simulation parameters (`info/recordings`, less fs and dtype)
 * as the series description, like NeuroConv. A file without `recordings` (probe and parameters only) is
 * refused with a SourceDataError; the ground-truth spike trains are named in a warning, not written.
 *
 * @example
 * ```ts
 * const mearec = new MEArecRecordingInterface({ filePath: "recordings_10cells.h5" });
 * await mearec.runConversion({ nwbfilePath: "simulated.nwb" });
 * ```
 */
export class MEArecRecordingInterface extends BaseRecordingInterface<MEArecRecordingSource> {
  static override displayName = "MEArec Recording";
  static override keywords = ["MEArec", "simulation", "ground truth", "ecephys"];
  static override associatedSuffixes = [".h5"];
  static override info = "Simulated extracellular recordings written by MEArec (.h5).";
  static override sourceSchema: TObject = MEArecRecordingSourceSchema;

  readonly mearec: MearecFile;
  protected readonly recording: Recording;

  constructor(sourceData: MEArecRecordingSource) {
    super(sourceData);
    this.mearec = openMearecFile(sourceData.filePath);
    const { recordings, probe } = this.mearec;
    if (recordings === undefined) {
      throw new SourceDataError(
        sourceData.filePath,
        `no 'recordings' dataset: the file holds only probe information (${probe.name}, ${probe.positions.length} channels) and simulation parameters, nothing to convert; use the MEArec file the simulation wrote (mearec gen-recordings)`,
      );
    }
    this.recording = {
      samplingRate: this.mearec.samplingRate,
      numSamples: recordings.numSamples,
      data: recordings.data,
      gainToVolts: recordings.gainToUv * 1e-6,
      channels: probe.planarPositions.map(([relX, relY], i) => ({
        // SpikeInterface's channel ids for MEArec (neo's 1-based ids)
        name: String(i + 1),
        groupName: GROUP,
        properties: {
          rel_x: relX,
          rel_y: relY,
          ...(probe.contactShape !== undefined && { contact_shapes: probe.contactShape }),
        },
      })),
    };
  }

  protected override get startingTime(): number {
    return this.mearec.startingTime;
  }

  /** The simulated probe: MEArec's `electrode_name` (NeuroConv's device name) and its description. */
  protected override get device(): Omit<DeviceMetadata, "name"> {
    const { probe } = this.mearec;
    return {
      description: `MEArec simulated probe ${probe.name}${probe.description ? `: ${probe.description}` : ""}`,
    };
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    const { probe, info } = this.mearec;
    metadata.Ecephys.ElectrodeGroup[0].description = `the ${probe.positions.length} contacts of the simulated ${probe.name} probe`;
    const { fs: _fs, dtype: _dtype, ...parameters } = (info.recordings ?? {}) as MearecInfo;
    metadata.Ecephys[this.seriesKey] = {
      name: this.seriesKey,
      description: `MEArec simulated recording; simulation parameters: ${JSON.stringify(parameters)}`,
    };
    return metadata;
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    super.addToNwbfile(nwbfile, metadata, options);
    const units = this.mearec.spiketrainUnits.length;
    if (units > 0) {
      emitNeuroconvWarning(
        `${this.mearec.path}: spiketrains/ holds the ground-truth spike times of ${units} simulated units; they are not written (NeuroConv writes only the recording)`,
      );
    }
  }
}
