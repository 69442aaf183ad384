/**
 * Minian segmentation output (Zarr v2 folders) as PlaneSegmentation image masks, traces and images.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { addSegmentationToNwbfile, type Segmentation } from "../../conversion/ophys/ophys.js";
import { BaseSegmentationInterface } from "../../conversion/ophys/segmentationInterface.js";
import type { Timing } from "../../conversion/timing.js";
import type { TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceArgumentsError, SourceDataError } from "../../errors.js";
import {
  type MinianOutput,
  minianCoordinate,
  minianTraces,
  openMinianOutput,
  readMinianArray,
  readMinianFootprint,
} from "../../formats/minian/index.js";
import { readTimestampsCsv } from "../../formats/miniscope/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const MinianSegmentationSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "Minian's output folder (holding A.zarr, C.zarr, S.zarr, ...)." }),
    samplingFrequency: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: "Frame rate in Hz; needed when there is no timeStamps.csv to time the frames.",
      }),
    ),
    timestampsPath: Type.Optional(
      Type.String({
        description:
          "The Miniscope timeStamps.csv of the recorded frames (default: timeStamps.csv in the folder, if there).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of MinianSegmentation, as a TypeScript type. */
export type MinianSegmentationSource = Static<typeof MinianSegmentationSourceSchema>;

/** Trace variables and the kind each is written as (names in Fluorescence: Denoised, Deconvolved, ...). */
const TRACE_VARIABLES: readonly (readonly [string, string])[] = [
  ["C", "denoised"],
  ["S", "deconvolved"],
  ["YrA", "residual"],
  ["b0", "baseline"],
  ["c0", "initialCalcium"],
];

/** A (height, width) row-major image as the (x, y) row-major values the ophys writer takes (float64 kept). */
function toXY(values: TypedArray, height: number, width: number): Float64Array {
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[x * height + y] = Number(values[y * width + x]);
  }
  return out;
}

/**
 * A Minian output folder: the spatial footprints `A` as PlaneSegmentation image masks (ROI names from
 * `unit_id`); `C` (Denoised), `S` (Deconvolved), `YrA` (Residuals), `b0` (Baseline) and `c0` (InitialCalcium)
 * as RoiResponseSeries in Fluorescence; the background `b`/`f` as BackgroundPlaneSegmentation and its
 * Background series; `max_proj` as the MaximumProjection image. Frames are timed by the Miniscope
 * timeStamps.csv (in the folder or `timestampsPath`; its row of each frame Minian kept, by the `frame`
 * coordinate), else regularly at `samplingFrequency`. Traces are read
 * chunk by chunk while writing; the footprints are read one unit at a time (the masks are dense in memory,
 * units × height × width × 4 bytes).
 *
 * @example
 * ```ts
 * const minian = new MinianSegmentationInterface({ folderPath: "minian", samplingFrequency: 30 });
 * await minian.runConversion({ nwbfilePath: "rois.nwb", metadata: minian.getMetadata() });
 * ```
 */
export class MinianSegmentationInterface extends BaseSegmentationInterface<MinianSegmentationSource> {
  static override displayName = "Minian segmentation";
  static override keywords = ["Minian", "segmentation", "CNMF", "miniscope", "zarr"];
  static override associatedSuffixes = [".zarr"];
  static override info = "ROIs, traces and images from Minian's Zarr output folder.";
  static override sourceSchema: TObject = MinianSegmentationSourceSchema;

  readonly output: MinianOutput;
  /** What is known before any chunk is decoded: rate, frame size, lazy traces; ROI ids are A's indices. */
  protected readonly segmentation: Segmentation;
  /** Every recorded frame's time in milliseconds (timeStamps.csv), when there is one. */
  private readonly recordedTimesMs: Float64Array | undefined;
  /** The times of the frames Minian kept (its `frame` coordinate), in seconds, once read. */
  private keptFrameTimes: Float64Array | undefined;

  constructor(sourceData: MinianSegmentationSource) {
    super(sourceData);
    this.output = openMinianOutput(sourceData.folderPath);
    const { variables } = this.output;
    const [units = 0, height = 0, width = 0] = variables.A!.shape;
    const csv =
      sourceData.timestampsPath ??
      (existsSync(join(sourceData.folderPath, "timeStamps.csv"))
        ? join(sourceData.folderPath, "timeStamps.csv")
        : undefined);
    const ms = csv === undefined ? undefined : readTimestampsCsv(csv);
    this.recordedTimesMs = ms;
    // the imaging rate is the recording's: every row of timeStamps.csv, whichever frames Minian kept
    const span = ms && ms.length > 1 ? (ms[ms.length - 1]! - ms[0]!) / 1000 : 0;
    const samplingRate = sourceData.samplingFrequency ?? (span > 0 ? (ms!.length - 1) / span : undefined);
    if (samplingRate === undefined) {
      throw new SourceArgumentsError(MinianSegmentationInterface.name, [
        {
          path: "samplingFrequency",
          value: undefined,
          message: `${sourceData.folderPath} has no timeStamps.csv: give samplingFrequency (Hz) or timestampsPath`,
        },
      ]);
    }
    const traces: Record<string, ChunkSource> = {};
    for (const [name, kind] of TRACE_VARIABLES) {
      const variable = variables[name];
      if (variable) traces[kind] = minianTraces(variable);
    }
    this.segmentation = {
      samplingRate,
      imageShape: [width, height],
      roiIds: Array.from({ length: units }, (_, i) => i),
      traces,
    };
  }

  /**
   * Reads which recorded frames Minian kept (its `frame` coordinate) and their times in timeStamps.csv;
   * conversions do this themselves, call it before asking for the timestamps of a folder with a csv.
   */
  async loadFrameTimes(): Promise<void> {
    const ms = this.recordedTimesMs;
    if (!ms || this.keptFrameTimes) return;
    const coordinate = minianCoordinate(this.output, "C", "frame");
    const frames = coordinate
      ? Array.from(await readMinianArray(coordinate), Number)
      : Array.from({ length: this.numFrames }, (_, i) => i);
    const beyond = frames.find((frame) => frame >= ms.length);
    if (beyond !== undefined) {
      throw new SourceDataError(
        coordinate?.path ?? this.output.folderPath,
        `frame ${beyond} was kept but the timestamps list only ${ms.length} frames`,
      );
    }
    this.keptFrameTimes = Float64Array.from(frames, (frame) => ms[frame]! / 1000);
  }

  protected override getOriginalTiming(): Timing {
    if (!this.recordedTimesMs) return super.getOriginalTiming();
    const times = this.keptFrameTimes;
    if (!times) {
      throw new Error(
        "the frame times of a Minian folder are read with its frame coordinate: await loadFrameTimes() first",
      );
    }
    return { kind: "irregular", count: times.length, timeAt: (i) => times[i]! };
  }

  /** The unit ids, masks, images and background, decoded (one footprint at a time). */
  private async decoded(): Promise<Segmentation> {
    const { variables } = this.output;
    const [width, height] = this.segmentation.imageShape;
    const unitIds = minianCoordinate(this.output, "A", "unit_id");
    const roiIds = unitIds ? Array.from(await readMinianArray(unitIds), Number) : this.segmentation.roiIds;
    const imageMasks: Float64Array[] = [];
    for (let unit = 0; unit < roiIds.length; unit++) {
      imageMasks.push(toXY(await readMinianFootprint(variables.A!, unit), height, width));
    }
    const images: Record<string, Float64Array> = {};
    if (variables.max_proj)
      images.MaximumProjection = toXY(await readMinianArray(variables.max_proj), height, width);
    const { b, f } = variables;
    const background =
      b && f
        ? { imageMasks: [toXY(await readMinianArray(b), height, width)], traces: minianTraces(f) }
        : undefined;
    return {
      ...this.segmentation,
      roiIds,
      imageMasks,
      ...(Object.keys(images).length > 0 && { images }),
      ...(background && { background }),
    };
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: { stubTest?: boolean } = {},
  ): Promise<void> {
    await this.loadFrameTimes();
    addSegmentationToNwbfile(nwbfile, await this.decoded(), metadata, {
      timing: this.getTiming(),
      nameSuffix: this.nameSuffix,
      ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
    });
  }
}
