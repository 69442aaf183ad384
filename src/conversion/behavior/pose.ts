/**
 * Pose estimation results (DeepLabCut, SLEAP, Lightning Pose) as ndx-pose: one PoseEstimation per animal
 * and tool, holding one PoseEstimationSeries per body part, the skeleton (nodes and edges), the software and
 * the videos, all series on the frame times of the video.
 */
import type { NWBFile } from "../../nwb/containers/file.js";
import { ndarray } from "../../nwb/containers/node.js";
import { PoseEstimation, PoseEstimationSeries } from "../../nwb/types/ndxPose.js";
import { seriesTiming, type Timing, truncateTiming } from "../timing.js";

/** One body part over all frames. */
export interface PoseTrack {
  readonly bodypart: string;
  /** (frames, dimensions) row-major, in pixels; NaN where the part was not found. */
  readonly coordinates: Float64Array;
  readonly dimensions: 2 | 3;
  /** Confidence per frame in [0, 1]; NaN everywhere when the tool gives none (hand labels). */
  readonly confidence: Float64Array;
}

export interface PoseEstimationInput {
  readonly name: string;
  readonly description: string;
  readonly sourceSoftware: string;
  readonly sourceSoftwareVersion?: string;
  readonly scorer?: string;
  readonly tracks: readonly PoseTrack[];
  /** Skeleton edges as pairs of body part names; parts not tracked are an error. */
  readonly edges: readonly (readonly [string, string])[];
  /** What the confidence is (e.g. "Softmax output of the deep neural network."). */
  readonly confidenceDefinition: string;
  readonly originalVideos?: readonly string[];
  readonly labeledVideos?: readonly string[];
  /** Width and height in pixels of each video. */
  readonly videoDimensions?: readonly (readonly [number, number])[];
  /** Frame times; one per row of every track. */
  readonly timing: Timing;
  readonly stubTest?: boolean;
}

/** Frames written by a stub conversion. */
const STUB_FRAMES = 100;

/** Image coordinates as the tools report them. */
export const IMAGE_REFERENCE_FRAME =
  "(0,0) is the top-left corner of the video frame; x to the right, y down, in pixels.";

/** Adds a PoseEstimation (in processing/behavior) from tracks of one animal. */
export function addPoseEstimation(nwbfile: NWBFile, input: PoseEstimationInput): PoseEstimation {
  const nodes = input.tracks.map((t) => t.bodypart);
  const edges = input.edges.map(([a, b]) => {
    const pair = [nodes.indexOf(a), nodes.indexOf(b)];
    if (pair.includes(-1))
      throw new RangeError(`skeleton edge ${a}-${b} names a body part that is not tracked`);
    return pair;
  });
  const frames = input.stubTest ? Math.min(STUB_FRAMES, input.timing.count) : input.timing.count;
  const timing = input.stubTest ? truncateTiming(input.timing, frames) : input.timing;
  const series = input.tracks.map((track) => {
    if (track.coordinates.length !== input.timing.count * track.dimensions) {
      throw new RangeError(
        `body part '${track.bodypart}': ${track.coordinates.length / track.dimensions} frames of poses for ${input.timing.count} frame times`,
      );
    }
    return new PoseEstimationSeries({
      name: track.bodypart,
      description: `Estimated position of ${track.bodypart}.`,
      data: ndarray(track.coordinates.slice(0, frames * track.dimensions), [frames, track.dimensions]),
      unit: "pixels",
      reference_frame: IMAGE_REFERENCE_FRAME,
      confidence: track.confidence.slice(0, frames),
      confidence__definition: input.confidenceDefinition,
      ...seriesTiming(timing),
    });
  });
  const pose = new PoseEstimation({
    name: input.name,
    description: input.description,
    source_software: input.sourceSoftware,
    ...(input.sourceSoftwareVersion && { source_software__version: input.sourceSoftwareVersion }),
    ...(input.scorer && { scorer: input.scorer }),
    nodes,
    ...(edges.length > 0 && { edges: ndarray(Uint32Array.from(edges.flat()), [edges.length, 2]) }),
    ...(input.originalVideos && { original_videos: [...input.originalVideos] }),
    ...(input.labeledVideos && { labeled_videos: [...input.labeledVideos] }),
    ...(input.videoDimensions && {
      dimensions: ndarray(Uint32Array.from(input.videoDimensions.flat()), [input.videoDimensions.length, 2]),
    }),
    pose_estimation_series: series,
  });
  return nwbfile.createProcessingModule("behavior", "processed behavioral data").add(pose);
}
