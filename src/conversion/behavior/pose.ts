/**
 * Pose estimation results (DeepLabCut, SLEAP, Lightning Pose) as ndx-pose 0.3: per animal and tool one
 * PoseEstimation holding one PoseEstimationSeries per body part, all on the frame times of the video, and
 * linking the animal's Skeleton (body parts and their connections), which lives in the behavior module's
 * `Skeletons` container.
 */
import type { NWBFile } from "../../nwb/containers/file.js";
import { DatasetNode, type GroupNode, ndarray } from "../../nwb/containers/node.js";
import { PoseEstimation, PoseEstimationSeries, Skeleton, Skeletons } from "../../nwb/types/ndxPose.js";
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

/** A skeleton: body part names and the connections between them. */
export interface SkeletonInput {
  /** Unique in the file; PoseEstimations of the same body plan may share one skeleton by naming it. */
  readonly name: string;
  readonly nodes: readonly string[];
  /** Connections as pairs of body part names; names not in `nodes` are an error. */
  readonly edges: readonly (readonly [string, string])[];
  /** The skeleton is the body of the session's subject: link it to the file's Subject (when there is one). */
  readonly ofSubject?: boolean;
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
  /** Name of the Skeleton; default `Skeleton<name>`. */
  readonly skeletonName?: string;
  /** The poses are of the session's subject: the skeleton links the file's Subject. */
  readonly ofSubject?: boolean;
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

const BEHAVIOR_MODULE = ["behavior", "processed behavioral data"] as const;

/** The values of a small in-memory dataset child as text, to compare skeletons ("" when absent). */
function valuesOf(group: GroupNode, name: string): string {
  const child = group.get(name);
  if (!(child instanceof DatasetNode) || child.data.kind !== "array") return "";
  return Array.from(child.data.values as ArrayLike<unknown>, String).join("\u0000");
}

/**
 * Adds a Skeleton to the behavior module's `Skeletons` (made when missing) and returns it. A skeleton of the
 * same name already there is returned when its nodes and edges are the same, so several PoseEstimations
 * (animals of one body plan) can link one skeleton; a different one of that name is an error.
 */
export function addSkeleton(nwbfile: NWBFile, input: SkeletonInput): Skeleton {
  const edges = input.edges.map(([a, b]) => {
    const pair = [input.nodes.indexOf(a), input.nodes.indexOf(b)];
    if (pair.includes(-1))
      throw new RangeError(`skeleton '${input.name}': edge ${a}-${b} names a body part that is not a node`);
    return pair;
  });
  const subject = input.ofSubject ? nwbfile.subject : undefined;
  const skeleton = new Skeleton({
    name: input.name,
    nodes: [...input.nodes],
    ...(edges.length > 0 && { edges: ndarray(Uint32Array.from(edges.flat()), [edges.length, 2]) }),
    ...(subject && { subject }),
  });
  const module = nwbfile.createProcessingModule(...BEHAVIOR_MODULE);
  const skeletons = (module.get("Skeletons") as Skeletons | undefined) ?? module.add(new Skeletons({}));
  const existing = skeletons.get(input.name);
  if (existing === undefined) return skeletons.add(skeleton);
  const same = (name: string) => valuesOf(existing as GroupNode, name) === valuesOf(skeleton, name);
  if (!(existing instanceof Skeleton) || !same("nodes") || !same("edges")) {
    throw new RangeError(`a different skeleton named '${input.name}' is already in the file`);
  }
  return existing;
}

/** Adds a PoseEstimation (in processing/behavior) from tracks of one animal, linking its skeleton. */
export function addPoseEstimation(nwbfile: NWBFile, input: PoseEstimationInput): PoseEstimation {
  const skeleton = addSkeleton(nwbfile, {
    name: input.skeletonName ?? `Skeleton${input.name}`,
    nodes: input.tracks.map((t) => t.bodypart),
    edges: input.edges,
    ...(input.ofSubject && { ofSubject: true }),
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
    ...(input.originalVideos && { original_videos: [...input.originalVideos] }),
    ...(input.labeledVideos && { labeled_videos: [...input.labeledVideos] }),
    ...(input.videoDimensions && {
      dimensions: ndarray(Uint32Array.from(input.videoDimensions.flat()), [input.videoDimensions.length, 2]),
    }),
    skeleton,
    pose_estimation_series: series,
  });
  return nwbfile.createProcessingModule(...BEHAVIOR_MODULE).add(pose);
}
