/**
 * SLEAP pose estimation (`.slp` labels or predictions) as ndx-pose.
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
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { readSleapFile, type SleapAnimal, type SleapLabels } from "../../formats/sleap/index.js";
import { readVideoIndex, type VideoIndex } from "../../formats/video/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const SLEAPSourceSchema = Type.Object(
  {
    filePath: Type.String({
      description: "SLEAP labels or predictions (.slp), or SLEAP's analysis export (.analysis.h5).",
    }),
    videoFilePath: Type.Optional(
      Type.String({
        description:
          "The analysed video, for the frame times (default: the video the .slp names, looked up beside it).",
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

/** Source arguments of {@link SLEAPInterface}. */
export type SLEAPSource = Static<typeof SLEAPSourceSchema>;

/**
 * SLEAP output as ndx-pose 0.3 in processing/behavior: one `PoseEstimation` per animal (track) and video,
 * named `PoseEstimation_<track>` (plain `PoseEstimation` for an untracked single animal), with one
 * `PoseEstimationSeries` per skeleton node (x, y in pixels, NaN where not visible; the point score as
 * confidence, NaN for user-labelled frames), rows for the frames the animal was found in, timed by the video's
 * container index; the skeleton (nodes, body edges) in `Skeletons`, shared by the animals that use it.
 *
 * @example
 * ```ts
 * const sleap = new SLEAPInterface({ filePath: "clip.predictions.slp", videoFilePath: "clip.mp4" });
 * await sleap.runConversion({ nwbfilePath: "sleap.nwb", metadata });
 * ```
 */
export class SLEAPInterface extends BaseDataInterface<SLEAPSource> {
  static override displayName = "SLEAP";
  static override keywords = ["SLEAP", "pose estimation", "tracking", "behavior", "ndx-pose"];
  static override associatedSuffixes = [".slp", ".analysis.h5"];
  static override info = "SLEAP pose estimation (.slp) as ndx-pose, timed by the video.";
  static override sourceSchema: TObject = SLEAPSourceSchema;

  /** The container index of each video of the file, when it was given or found. */
  private readonly videoIndexes: (VideoIndex | undefined)[] = [];
  private labels: SleapLabels | undefined;

  constructor(sourceData: SLEAPSource) {
    super(sourceData);
    if (!existsSync(sourceData.filePath)) throw new SourceDataError(sourceData.filePath, "file not found");
  }

  /** The labels, read once. */
  async read(): Promise<SleapLabels> {
    this.labels ??= await readSleapFile(this.sourceData.filePath);
    return this.labels;
  }

  /** The video of index `k`: `videoFilePath` for a one-video file, else the file the .slp names, beside it. */
  private videoOf(labels: SleapLabels, k: number): VideoIndex | undefined {
    if (k in this.videoIndexes) return this.videoIndexes[k];
    const named = labels.videos[k] ?? "";
    const given = labels.videos.length <= 1 ? this.sourceData.videoFilePath : undefined;
    const candidates = given
      ? [given]
      : [join(dirname(labels.path), basename(named.replace(/\\/g, "/"))), named];
    const path = candidates.find((p) => p !== "" && existsSync(p));
    if (given && !path) throw new SourceDataError(given, "video file not found");
    this.videoIndexes[k] = path ? readVideoIndex(path) : undefined;
    return this.videoIndexes[k];
  }

  private timingOf(labels: SleapLabels, animal: SleapAnimal): Timing {
    const video = this.videoOf(labels, animal.video);
    if (video) return videoFrameTiming(video, animal.frames, labels.path);
    const rate = this.sourceData.frameRate;
    if (rate === undefined) {
      throw new SourceDataError(
        labels.path,
        `SLEAP stores frame numbers, not times, and the video '${labels.videos[animal.video]}' was not found beside the file: give videoFilePath (times from the video) or frameRate`,
      );
    }
    const frames = animal.frames;
    return { kind: "irregular", count: frames.length, timeAt: (i) => frames[i]! / rate };
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    _metadata: Metadata,
    options?: StandardConversionOptions,
  ): Promise<void> {
    const labels = await this.read();
    if (labels.leftOut.untracked > 0) {
      emitNeuroconvWarning(
        `${labels.path}: ${labels.leftOut.untracked} instances without a track are left out (the file has tracks ${labels.tracks.join(", ")})`,
      );
    }
    if (labels.leftOut.duplicates > 0) {
      emitNeuroconvWarning(
        `${labels.path}: ${labels.leftOut.duplicates} frames hold a second instance of the same animal; the user-labelled one (else the higher-scoring one) is written`,
      );
    }
    const severalVideos = new Set(labels.animals.map((a) => a.video)).size > 1;
    for (const animal of labels.animals) {
      const skeleton = labels.skeletons[animal.skeleton]!;
      const video = this.videoOf(labels, animal.video);
      const suffix = `${animal.track === undefined ? "" : `_${animal.track}`}${severalVideos ? `_video${animal.video}` : ""}`;
      addPoseEstimation(nwbfile, {
        name: `PoseEstimation${suffix}`,
        description: `2D keypoints estimated by SLEAP${animal.track === undefined ? "" : ` for track ${animal.track}`} (${animal.frames.length} frames, ${animal.userLabelledRows} labelled by a user).`,
        sourceSoftware: "SLEAP",
        ...(labels.sleapVersion && { sourceSoftwareVersion: labels.sleapVersion }),
        tracks: skeleton.nodes.map((node, n) => ({
          bodypart: node,
          coordinates: animal.coordinates[n]!,
          dimensions: 2,
          confidence: animal.scores[n]!,
        })),
        edges: skeleton.edges.map(([a, b]) => [skeleton.nodes[a]!, skeleton.nodes[b]!] as const),
        skeletonName: skeleton.name,
        ofSubject: labels.animals.length === 1,
        confidenceDefinition: "SLEAP point score: the confidence map peak value at the predicted point.",
        originalVideos: [video ? basename(video.filePath) : (labels.videos[animal.video] ?? "")],
        ...(video && { videoDimensions: [[video.width, video.height]] }),
        timing: this.timingOf(labels, animal),
        ...(options?.stubTest && { stubTest: true }),
      });
    }
  }
}
