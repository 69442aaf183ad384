/**
 * Lightning Pose predictions (a `.csv` in DeepLabCut's 3-level layout: scorer, bodyparts, coords) as ndx-pose.
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { addPoseEstimation } from "../../conversion/behavior/pose.js";
import { videoFrameTiming } from "../../conversion/behavior/video.js";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { SourceDataError } from "../../errors.js";
import { readDeepLabCutCsv } from "../../formats/deeplabcut/index.js";
import { readVideoIndex, type VideoIndex } from "../../formats/video/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const LightningPoseSourceSchema = Type.Object(
  {
    filePath: Type.String({
      description: "Lightning Pose predictions (.csv, e.g. video_preds/<video>.csv).",
    }),
    originalVideoFilePath: Type.Optional(
      Type.String({
        description: "The video the poses were predicted on (frame times); default <csv stem>.mp4.",
      }),
    ),
    labeledVideoFilePath: Type.Optional(
      Type.String({
        description: "The video with the predictions drawn on it (recorded in labeled_videos).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Source arguments of {@link LightningPoseDataInterface}. */
export type LightningPoseSource = Static<typeof LightningPoseSourceSchema>;

/**
 * Lightning Pose predictions as ndx-pose PoseEstimation in processing/behavior: one PoseEstimationSeries per
 * body part (x, y in pixels, likelihood as confidence), frame times from the original video's container.
 *
 * @example
 * ```ts
 * const lp = new LightningPoseDataInterface({ filePath: "video_preds/test_vid.csv", originalVideoFilePath: "test_vid.mp4" });
 * await lp.runConversion({ nwbfilePath: "pose.nwb", metadata });
 * ```
 */
export class LightningPoseDataInterface extends BaseDataInterface<LightningPoseSource> {
  static override displayName = "Lightning Pose";
  static override keywords = ["Lightning Pose", "pose estimation", "behavior", "ndx-pose"];
  static override associatedSuffixes = [".csv", ".mp4"];
  static override info = "Pose estimation output of Lightning Pose (.csv), as ndx-pose.";
  static override sourceSchema: TObject = LightningPoseSourceSchema;

  readonly video: VideoIndex;

  constructor(sourceData: LightningPoseSource) {
    super(sourceData);
    const beside = sourceData.filePath.replace(/\.csv$/i, ".mp4");
    const videoPath = sourceData.originalVideoFilePath ?? (existsSync(beside) ? beside : undefined);
    if (!videoPath) {
      throw new SourceDataError(
        sourceData.filePath,
        "Lightning Pose stores frame numbers, not times: give originalVideoFilePath",
      );
    }
    this.video = readVideoIndex(videoPath);
  }

  override addToNwbfile(nwbfile: NWBFile, _metadata: Metadata, options?: StandardConversionOptions): void {
    const output = readDeepLabCutCsv(this.sourceData.filePath);
    const video = this.video;
    const frames = output.index.map((label, row) => (typeof label === "number" ? label : row));
    addPoseEstimation(nwbfile, {
      name: "PoseEstimation",
      description: "2D keypoint coordinates estimated using Lightning Pose.",
      sourceSoftware: "Lightning Pose",
      scorer: output.scorer,
      tracks: output.tracks.map((t) => ({
        bodypart: t.bodypart,
        coordinates: t.coordinates,
        dimensions: t.dimensions,
        confidence: t.likelihood ?? new Float64Array(frames.length).fill(Number.NaN),
      })),
      edges: [],
      ofSubject: true,
      confidenceDefinition: "Likelihood of the keypoint (Lightning Pose heatmap confidence).",
      originalVideos: [this.sourceData.originalVideoFilePath ?? basename(video.filePath)],
      ...(this.sourceData.labeledVideoFilePath && { labeledVideos: [this.sourceData.labeledVideoFilePath] }),
      videoDimensions: [[video.width, video.height]],
      timing: videoFrameTiming(video, frames, output.filePath),
      ...(options?.stubTest && { stubTest: true }),
    });
  }
}
