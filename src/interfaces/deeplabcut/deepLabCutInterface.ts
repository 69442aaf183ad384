/**
 * DeepLabCut pose estimation (.h5 or .csv output, optional project config.yaml and video) as ndx-pose.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { addPoseEstimation } from "../../conversion/behavior/pose.js";
import { videoFrameTiming } from "../../conversion/behavior/video.js";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import type { Timing } from "../../conversion/timing.js";
import { SourceDataError } from "../../errors.js";
import {
  type DeepLabCutConfig,
  type DeepLabCutOutput,
  readDeepLabCutConfig,
  readDeepLabCutOutput,
} from "../../formats/deeplabcut/index.js";
import { readVideoIndex, VIDEO_SUFFIXES, type VideoIndex } from "../../formats/video/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const DeepLabCutSourceSchema = Type.Object(
  {
    filePath: Type.String({
      description: "DeepLabCut output: the .h5 or .csv file written by analyze_videos.",
    }),
    configFilePath: Type.Optional(
      Type.String({ description: "The project's config.yaml, for the skeleton edges (optional)." }),
    ),
    subjectName: Type.Optional(
      Type.String({
        description: "For multi-animal output: the one individual to convert (default: every one).",
      }),
    ),
    videoFilePath: Type.Optional(
      Type.String({
        description:
          "The analysed video, for the frame times (default: <name before 'DLC_'>.<mp4|avi|...> beside the output).",
      }),
    ),
    frameRate: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: "Frames per second when there is no video: frame k is at k / rate.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Source arguments of {@link DeepLabCutInterface}. */
export type DeepLabCutSource = Static<typeof DeepLabCutSourceSchema>;

/** The video DeepLabCut analysed, found by its naming rule `<video stem>DLC_<network>...`. */
function findVideo(outputPath: string): string | undefined {
  const stem = basename(outputPath).split("DLC_")[0];
  if (!stem || stem === basename(outputPath)) return undefined;
  return VIDEO_SUFFIXES.map((suffix) => join(dirname(outputPath), `${stem}${suffix}`)).find((p) =>
    existsSync(p),
  );
}

/**
 * DeepLabCut output (single- or multi-animal, `.h5` or `.csv`) as ndx-pose PoseEstimation in
 * processing/behavior: one PoseEstimationSeries per body part with x, y (and z) in pixels and the likelihood
 * as confidence; skeleton edges from config.yaml; frame times from the analysed video's container index.
 *
 * @example
 * ```ts
 * const dlc = new DeepLabCutInterface({
 *   filePath: "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5",
 *   configFilePath: "config.yaml",
 * });
 * await dlc.runConversion({ nwbfilePath: "pose.nwb", metadata });
 * ```
 */
export class DeepLabCutInterface extends BaseDataInterface<DeepLabCutSource> {
  static override displayName = "DeepLabCut";
  static override keywords = ["DeepLabCut", "pose estimation", "behavior", "ndx-pose"];
  static override associatedSuffixes = [".h5", ".csv", ".yaml"];
  static override info = "Pose estimation output of DeepLabCut (.h5 or .csv), as ndx-pose.";
  static override sourceSchema: TObject = DeepLabCutSourceSchema;

  readonly config: DeepLabCutConfig | undefined;
  /** The analysed video's container index, when a video was given or found. */
  readonly video: VideoIndex | undefined;

  constructor(sourceData: DeepLabCutSource) {
    super(sourceData);
    if (!existsSync(sourceData.filePath)) throw new SourceDataError(sourceData.filePath, "file not found");
    this.config = sourceData.configFilePath ? readDeepLabCutConfig(sourceData.configFilePath) : undefined;
    const videoPath = sourceData.videoFilePath ?? findVideo(sourceData.filePath);
    this.video = videoPath ? readVideoIndex(videoPath) : undefined;
    if (!this.video && sourceData.frameRate === undefined) {
      throw new SourceDataError(
        sourceData.filePath,
        "DeepLabCut stores frame numbers, not times: give videoFilePath (times from the video) or frameRate",
      );
    }
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    if (this.config?.task) metadata.NWBFile.session_description = this.config.task;
    return metadata;
  }

  /** Frame times of the output's rows: the video's frame times at the row's frame number, or k / frameRate. */
  private timingOf(output: DeepLabCutOutput): Timing {
    const frames = output.index.map((label, row) => (typeof label === "number" ? label : row));
    const video = this.video;
    if (!video) {
      const rate = this.sourceData.frameRate!;
      return { kind: "irregular", count: frames.length, timeAt: (i) => frames[i]! / rate };
    }
    return videoFrameTiming(video, frames, output.filePath);
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    _metadata: Metadata,
    options?: StandardConversionOptions,
  ): Promise<void> {
    const output = await readDeepLabCutOutput(this.sourceData.filePath);
    const individuals = [...new Set(output.tracks.map((t) => t.individual))];
    const wanted = this.sourceData.subjectName;
    if (wanted !== undefined && !individuals.includes(wanted)) {
      throw new SourceDataError(
        output.filePath,
        `no individual '${wanted}'; the file has ${individuals.join(", ")}`,
      );
    }
    const timing = this.timingOf(output);
    const converted = wanted === undefined ? individuals : [wanted];
    for (const individual of converted) {
      const tracks = output.tracks.filter((t) => t.individual === individual);
      const nodes = new Set(tracks.map((t) => t.bodypart));
      addPoseEstimation(nwbfile, {
        name:
          individual === "" || individuals.length === 1 ? "PoseEstimation" : `PoseEstimation_${individual}`,
        description: `2D keypoint coordinates estimated using DeepLabCut${individual ? ` (individual ${individual})` : ""}.`,
        sourceSoftware: "DeepLabCut",
        scorer: output.scorer,
        tracks: tracks.map((t) => ({
          bodypart: t.bodypart,
          coordinates: t.coordinates,
          dimensions: t.dimensions,
          confidence: t.likelihood ?? new Float64Array(timing.count).fill(Number.NaN),
        })),
        edges: (this.config?.skeleton ?? []).filter(([a, b]) => nodes.has(a) && nodes.has(b)),
        // one animal converted: it is the session's subject
        ofSubject: converted.length === 1,
        confidenceDefinition: "Softmax output of the deep neural network (DeepLabCut likelihood).",
        ...(this.video && {
          originalVideos: [this.sourceData.videoFilePath ?? basename(this.video.filePath)],
          videoDimensions: [[this.video.width, this.video.height]],
        }),
        timing,
        ...(options?.stubTest && { stubTest: true }),
      });
    }
  }
}
