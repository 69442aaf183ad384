/**
 * Behaviour videos as ImageSeries: the timing of one camera's files (one after another, or placed by the
 * user), and the series itself, with the frames kept in the video files or stored in the NWB file.
 */

import { basename, resolve } from "node:path";
import { type ChunkSource, firstRows } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import {
  analyzeFrameTiming,
  type FrameTiming,
  readVideoIndex,
  type VideoIndex,
} from "../../formats/video/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { ImageSeries } from "../../nwb/containers/image.js";
import type { Metadata } from "../metadata/schema.js";
import { seriesTiming, type Timing, truncateTiming } from "../timing.js";
import { emitNeuroconvWarning } from "../warnings.js";

/** One video file of a camera: its container index and what its frame times say. */
export interface VideoSegment {
  readonly index: VideoIndex;
  readonly timing: FrameTiming;
}

/** Reads the container index of each file (no decoding) and warns about frames missing in any of them. */
export function readVideoSegments(filePaths: readonly string[]): VideoSegment[] {
  return filePaths.map((path) => {
    const index = readVideoIndex(path);
    const timing = analyzeFrameTiming(index);
    for (const gap of timing.gaps) {
      emitNeuroconvWarning(
        `${path}: about ${gap.missingFrames} frame(s) missing before frame ${gap.frame} ` +
          `(at ${index.timestamps[gap.frame]!.toFixed(6)} s); the series keeps each frame's own timestamp`,
        "NeuroconvVideoWarning",
      );
    }
    return { index, timing };
  });
}

/**
 * The frame times of files played one after another: each file's frames keep their spacing, and a file
 * starts at `startingTimes[k]` or, by default, one frame period after the previous file's last frame
 * (the first at its container's own start). Regular when every file is regular at one rate and they join
 * without a gap; timestamps otherwise.
 */
export function concatenatedVideoTiming(
  segments: readonly VideoSegment[],
  startingTimes?: readonly number[],
): Timing {
  const starts: number[] = [];
  segments.forEach((segment, k) => {
    const previous = segments[k - 1];
    const { timestamps } = segment.index;
    starts.push(
      startingTimes?.[k] ??
        (previous
          ? starts[k - 1]! +
            previous.index.timestamps.at(-1)! -
            previous.index.timestamps[0]! +
            1 / previous.timing.rate
          : (timestamps[0] ?? 0)),
    );
  });
  const count = segments.reduce((sum, s) => sum + s.index.frameCount, 0);
  const rate = segments[0]?.timing.rate ?? 0;
  const joined = segments.every(
    (s, k) =>
      s.timing.regular &&
      s.timing.rate === rate &&
      (k === 0 || Math.abs(starts[k]! - (starts[k - 1]! + segments[k - 1]!.index.frameCount / rate)) < 1e-9),
  );
  if (joined) return { kind: "regular", rate, startingTime: starts[0] ?? 0, count };
  const firstFrames = startingFramesOf(segments);
  return {
    kind: "irregular",
    count,
    timeAt(i) {
      let k = firstFrames.length - 1;
      while (firstFrames[k]! > i) k--;
      const t = segments[k]!.index.timestamps;
      return starts[k]! + t[i - firstFrames[k]!]! - t[0]!;
    },
  };
}

/** Index of the first frame of each file within the whole series. */
export function startingFramesOf(segments: readonly VideoSegment[]): number[] {
  let next = 0;
  return segments.map((s) => {
    const first = next;
    next += s.index.frameCount;
    return first;
  });
}

/** Where a video series goes: raw acquisition (default) or the `behavior` processing module. */
export type VideoParentContainer = "acquisition" | "processing/behavior";

export interface VideoSeriesOptions {
  readonly name: string;
  readonly metadataSection: VideoMetadataSection;
  readonly segments: readonly VideoSegment[];
  readonly timing: Timing;
  /** Frames stored in the file; without it the series points at the video files. */
  readonly frames?: ChunkSource;
  readonly parentContainer?: VideoParentContainer;
  readonly stubTest?: boolean;
}

/** Frames written by a stub conversion of a stored video. */
const STUB_FRAMES = 10;

/** Metadata sections of videos (as NeuroConv names them), keyed by series name. */
export type VideoMetadataSection = "ExternalVideos" | "InternalVideos";

/** The description of a series in `Behavior.<section>.<name>.description` (NeuroConv's layout), if any. */
function describedIn(metadata: Metadata, section: VideoMetadataSection, name: string): string | undefined {
  const videos = metadata.Behavior?.[section] as Record<string, { description?: string }> | undefined;
  return videos?.[name]?.description;
}

/**
 * Adds a camera's video as an ImageSeries: `external_file` (absolute paths, written relative to the NWB
 * file) with `starting_frame` per file, or the decoded frames one per chunk; `rate` when the timing is
 * regular, `timestamps` otherwise.
 */
export function addVideoSeries(
  nwbfile: NWBFile,
  metadata: Metadata,
  options: VideoSeriesOptions,
): ImageSeries {
  const { segments, frames } = options;
  const files = segments.map((s) => resolve(s.index.filePath));
  const stubFrames = options.stubTest && frames ? Math.min(STUB_FRAMES, frames.shape[0] ?? 0) : undefined;
  const timing = stubFrames === undefined ? options.timing : truncateTiming(options.timing, stubFrames);
  const first = segments[0]!.index;
  const sameSize = segments.every((s) => s.index.width === first.width && s.index.height === first.height);
  const series = new ImageSeries({
    name: options.name,
    description:
      describedIn(metadata, options.metadataSection, options.name) ??
      `Video recorded by a camera (${files.map((f) => basename(f)).join(", ")}; ${first.codec}).`,
    ...(frames
      ? { data: stubFrames === undefined ? frames : firstRows(frames, stubFrames), format: "raw" }
      : { external_file: files, starting_frame: startingFramesOf(segments), format: "external" }),
    ...(sameSize && { dimension: [first.width, first.height] }),
    ...seriesTiming(timing),
  });
  if (options.parentContainer === "processing/behavior") {
    return nwbfile.createProcessingModule("behavior", "processed behavioral data").add(series);
  }
  return nwbfile.addAcquisition(series);
}

/**
 * The times of frames of a video given by their frame numbers (pose estimates of some frames), on the
 * video's container clock; `source` (the file that lists them) is named when a frame is not in the video.
 */
export function videoFrameTiming(video: VideoIndex, frames: readonly number[], source: string): Timing {
  const beyond = frames.find((frame) => frame >= video.frameCount);
  if (beyond !== undefined) {
    throw new SourceDataError(
      source,
      `frame ${beyond} is beyond the ${video.frameCount} frames of ${video.filePath}`,
    );
  }
  return { kind: "irregular", count: frames.length, timeAt: (i) => video.timestamps[frames[i]!]! };
}
