/**
 * Behaviour videos: kept in their files (ExternalVideoInterface) or decoded into the NWB file
 * (InternalVideoInterface). Frame counts and timestamps come from the container index, never from decoding.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import {
  addVideoSeries,
  concatenatedVideoTiming,
  readVideoSegments,
  type VideoMetadataSection,
  type VideoParentContainer,
  type VideoSegment,
} from "../../conversion/behavior/video.js";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { StandardConversionOptionsSchema } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { BaseTemporalInterface } from "../../conversion/temporal.js";
import type { Timing } from "../../conversion/timing.js";
import { decodedFrames } from "../../formats/video/decoder.js";
import { VIDEO_SUFFIXES } from "../../formats/video/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import type { ImageSeries } from "../../nwb/containers/image.js";

/** Conversion options of the video interfaces. */
export interface VideoConversionOptions extends StandardConversionOptions {
  /** Where the ImageSeries goes (default "acquisition"). */
  readonly parentContainer?: VideoParentContainer;
}

const VideoConversionOptionsSchema = Type.Composite([
  StandardConversionOptionsSchema,
  Type.Object({
    parentContainer: Type.Optional(
      Type.Union([Type.Literal("acquisition"), Type.Literal("processing/behavior")], {
        description:
          'Where the ImageSeries goes: "acquisition" (raw video, default) or "processing/behavior".',
      }),
    ),
  }),
]);

/** What both video interfaces share: the files' indexes, their timing, metadata and the series name. */
abstract class BaseVideoInterface<
  Source extends { videoName?: string | undefined },
> extends BaseTemporalInterface<Source, VideoConversionOptions> {
  static override keywords = ["video", "behavior", "camera"];
  static override associatedSuffixes = [...VIDEO_SUFFIXES];
  static override conversionOptionsSchema: TObject = VideoConversionOptionsSchema;

  protected abstract readonly metadataSection: VideoMetadataSection;
  protected abstract readonly defaultName: string;
  /** The container index and frame timing of each file, in the order given. */
  readonly segments: readonly VideoSegment[];
  private segmentStartingTimes: readonly number[] | undefined;

  protected constructor(sourceData: Source, filePaths: readonly string[]) {
    super(sourceData);
    this.segments = readVideoSegments(filePaths);
  }

  get videoName(): string {
    return this.sourceData.videoName ?? this.defaultName;
  }

  protected getOriginalTiming(): Timing {
    return concatenatedVideoTiming(this.segments, this.segmentStartingTimes);
  }

  /**
   * Places each file's first frame at the given time (seconds from the session start), e.g. when the
   * camera stopped between files; by default each file starts one frame after the previous one ends.
   */
  setAlignedSegmentStartingTimes(startingTimes: readonly number[]): void {
    if (startingTimes.length !== this.segments.length) {
      throw new RangeError(
        `one starting time per video file: ${this.segments.length}, got ${startingTimes.length}`,
      );
    }
    this.segmentStartingTimes = [...startingTimes];
    this.setAlignedTiming(this.getOriginalTiming());
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const files = this.segments.map((s) => s.index.filePath.split(/[\\/]/).at(-1)).join(", ");
    metadata.Behavior = {
      [this.metadataSection]: { [this.videoName]: { description: `Video recorded by a camera (${files}).` } },
    };
    return metadata;
  }

  protected addSeries(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: VideoConversionOptions | undefined,
    frames?: ReturnType<typeof decodedFrames>,
  ): ImageSeries {
    return addVideoSeries(nwbfile, metadata, {
      name: this.videoName,
      metadataSection: this.metadataSection,
      segments: this.segments,
      timing: this.getTiming(),
      ...(frames && { frames }),
      ...(options?.parentContainer && { parentContainer: options.parentContainer }),
      ...(options?.stubTest && { stubTest: true }),
    });
  }
}

/** The source arguments of ExternalVideoInterface, as a JSON schema (the TypeScript type below is derived from it). */
export const ExternalVideoSourceSchema = Type.Object(
  {
    filePaths: Type.Array(Type.String(), {
      minItems: 1,
      description: "Video files of one camera in recording order (.mp4, .mov, .avi, .mkv, .webm).",
    }),
    videoName: Type.Optional(
      Type.String({ description: 'Name of the ImageSeries (default "ExternalVideo").' }),
    ),
  },
  { additionalProperties: false },
);

/** Source arguments of {@link ExternalVideoInterface}: video files referenced from the NWB file. */
export type ExternalVideoSource = Static<typeof ExternalVideoSourceSchema>;

/**
 * Videos kept in their own files: an ImageSeries whose `external_file` lists them relative to the NWB file,
 * with each file's first frame (`starting_frame`) and the frame times from the container index (`rate` when
 * regular, `timestamps` for variable rates or dropped frames). Nothing is decoded.
 *
 * @example
 * ```ts
 * const video = new ExternalVideoInterface({ filePaths: ["cam0_part1.mp4", "cam0_part2.mp4"], videoName: "Cam0" });
 * await video.runConversion({ nwbfilePath: "session.nwb", metadata });
 * ```
 */
export class ExternalVideoInterface extends BaseVideoInterface<ExternalVideoSource> {
  static override displayName = "External Video";
  static override info = "Behaviour videos referenced as external files, timed from the container index.";
  static override sourceSchema: TObject = ExternalVideoSourceSchema;
  protected readonly metadataSection = "ExternalVideos";
  protected readonly defaultName = "ExternalVideo";

  constructor(sourceData: ExternalVideoSource) {
    super(sourceData, sourceData.filePaths);
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options?: VideoConversionOptions): void {
    this.addSeries(nwbfile, metadata, options);
  }
}

/** The source arguments of InternalVideoInterface, as a JSON schema (the TypeScript type below is derived from it). */
export const InternalVideoSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The video file (.mp4, .mov, .avi, .mkv, .webm)." }),
    videoName: Type.Optional(
      Type.String({ description: 'Name of the ImageSeries (default "InternalVideo").' }),
    ),
  },
  { additionalProperties: false },
);

/** Source arguments of {@link InternalVideoInterface}: one video whose frames are stored in the NWB file. */
export type InternalVideoSource = Static<typeof InternalVideoSourceSchema>;

/**
 * A video stored in the NWB file: frames decoded by ffmpeg (RGB, uint8, (frames, height, width, 3)) and
 * streamed into an ImageSeries one frame per chunk; frame times from the container index.
 *
 * @example
 * ```ts
 * const video = new InternalVideoInterface({ filePath: "BehavCam_2/0.avi", videoName: "BehavCam" });
 * await video.runConversion({ nwbfilePath: "session.nwb", metadata });
 * ```
 */
export class InternalVideoInterface extends BaseVideoInterface<InternalVideoSource> {
  static override displayName = "Internal Video";
  static override info =
    "A behaviour video decoded (ffmpeg) and stored in the NWB file, one frame per chunk.";
  static override sourceSchema: TObject = InternalVideoSourceSchema;
  protected readonly metadataSection = "InternalVideos";
  protected readonly defaultName = "InternalVideo";

  constructor(sourceData: InternalVideoSource) {
    super(sourceData, [sourceData.filePath]);
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options?: VideoConversionOptions): void {
    const index = this.segments[0]!.index;
    this.addSeries(nwbfile, metadata, options, decodedFrames(index.filePath, index));
  }
}
