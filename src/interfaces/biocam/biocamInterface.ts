/**
 * 3Brain BioCAM high-density arrays (`.brw`, BRW v3 and v4): the stored electrodes as one ElectricalSeries
 * with their chip positions.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Recording } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { DeviceMetadata } from "../../conversion/metadata/schema.js";
import { type BiocamFile, openBiocamFile } from "../../formats/biocam/index.js";

/** Distance between neighbouring electrodes of BioCAM chips (Arena, Accura), in µm. */
const DEFAULT_PITCH_UM = 42;

/** The source arguments of {@link BiocamRecordingInterface}, as a JSON schema. */
export const BiocamRecordingSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The .brw file (BRW v3 or v4)." }),
    wellName: Type.Optional(
      Type.String({
        description: "The well of a multi-well BRW v4 file, e.g. Well_A1 (default: the first).",
      }),
    ),
    electrodePitchUm: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: `Distance between neighbouring electrodes in µm, for rel_x/rel_y (default ${DEFAULT_PITCH_UM}, BioCAM chips).`,
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link BiocamRecordingInterface}. */
export type BiocamRecordingSource = Static<typeof BiocamRecordingSourceSchema>;

/**
 * A 3Brain BioCAM recording (`.brw`, BrainWave 3/4 "v3" or BrainWave 5 "v4" layout) as an ElectricalSeries:
 * the stored 12-bit samples with the file's digital-to-analog scaling as conversion and offset (volts), the
 * electrodes' chip row and column and their positions (`rel_x` = row × pitch, `rel_y` = column × pitch, as
 * probeinterface places them). BRW v4 files whose wells hold only event-based compressed data are refused
 * with a SourceDataError.
 *
 * @example
 * ```ts
 * const biocam = new BiocamRecordingInterface({ filePath: "culture.brw" });
 * await biocam.runConversion({ nwbfilePath: "culture.nwb" });
 * ```
 */
export class BiocamRecordingInterface extends BaseRecordingInterface<BiocamRecordingSource> {
  static override displayName = "3Brain BioCAM Recording";
  static override keywords = ["3Brain", "BioCAM", "BRW", "HD-MEA", "ecephys"];
  static override associatedSuffixes = [".brw"];
  static override info = "Raw samples of a 3Brain BioCAM .brw file (BRW v3 and v4).";
  static override sourceSchema: TObject = BiocamRecordingSourceSchema;

  readonly brw: BiocamFile;
  protected readonly recording: Recording;

  constructor(sourceData: BiocamRecordingSource) {
    super(sourceData);
    this.brw = openBiocamFile(sourceData.filePath, sourceData.wellName);
    const pitch = sourceData.electrodePitchUm ?? DEFAULT_PITCH_UM;
    this.recording = {
      samplingRate: this.brw.samplingRate,
      numSamples: this.brw.numFrames,
      data: this.brw.data,
      gainToVolts: this.brw.gainUv * 1e-6,
      offsetToVolts: this.brw.offsetUv * 1e-6,
      channels: this.brw.channels.map(({ row, col }) => ({
        // named like neo and NeuroConv: the 1-based row and column
        name: `ch${row + 1}-${col + 1}`,
        groupName: "ElectrodeGroup",
        properties: { row, col, rel_x: row * pitch, rel_y: col * pitch },
      })),
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.brw.startTime;
  }

  private get chip(): string {
    return `${this.brw.chipRows}×${this.brw.chipCols} electrodes`;
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    return {
      description: `3Brain BioCAM${this.brw.model ? ` with a ${this.brw.model} chip` : ""} (${this.chip})`,
      manufacturer: "3Brain",
    };
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    metadata.Ecephys.ElectrodeGroup[0].description = `the stored electrodes of the chip (${this.chip})${this.brw.well ? `, ${this.brw.well}` : ""}`;
    return metadata;
  }
}
