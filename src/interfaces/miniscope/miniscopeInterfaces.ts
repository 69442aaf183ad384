/**
 * UCLA Miniscope DAQ recordings: the miniscope's movie as a OnePhotonSeries (MiniscopeImagingInterface) and a
 * whole session with its behaviour cameras as external videos (MiniscopeConverter).
 */
import { resolve } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { BaseImagingInterface, type ImagingDescription } from "../../conversion/ophys/imagingInterface.js";
import type { Imaging, PhotonSeriesType } from "../../conversion/ophys/ophys.js";
import { type Timing, timingFromTimestamps } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { type ChunkSource, concatenatedRows, firstRows, transposedFrames } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import {
  deviceOf,
  findMiniscopeRecordings,
  type MiniscopeDeviceFolder,
  type MiniscopeRecording,
  sessionFrameTimes,
  statedFrameRate,
} from "../../formats/miniscope/index.js";
import { decodedFrames } from "../../formats/video/decoder.js";
import { readVideoIndex, type VideoIndex } from "../../formats/video/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import {
  ExternalVideoInterface,
  type ExternalVideoSource,
  type VideoConversionOptions,
} from "../video/videoInterfaces.js";
import { ensureMiniscopeDevice, miniscopeDeviceName } from "./device.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const MiniscopeImagingSourceSchema = Type.Object(
  {
    folderPath: Type.String({
      description:
        "The Miniscope session folder (holding recording folders such as 15_03_28/), one recording folder, or a device folder (Miniscope/).",
    }),
    miniscopeName: Type.Optional(
      Type.String({
        description:
          'The miniscope written, as metaData.json names it (default: the first, e.g. "Miniscope").',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of MiniscopeImaging, as a TypeScript type. */
export type MiniscopeImagingSource = Static<typeof MiniscopeImagingSourceSchema>;

/**
 * Frame times and frames of one device over every recording: times in seconds from the first recording's
 * start, and each video file's container index with the number of its frames kept. Where a recording's
 * video files and its timeStamps.csv disagree on the number of frames, the extra ones are left out with a
 * warning.
 */
function deviceFrames(
  recordings: readonly MiniscopeRecording[],
  name: string,
): { times: Float64Array; files: { index: VideoIndex; frames: number }[] } {
  const perRecording = sessionFrameTimes(recordings, name);
  const times: number[] = [];
  const files: { index: VideoIndex; frames: number }[] = [];
  recordings.forEach((recording, k) => {
    const device = deviceOf(recording, name);
    if (device.videoFiles.length === 0) {
      throw new SourceDataError(device.folderPath, "no numbered video files (0.avi, 1.avi, ...)");
    }
    const indexes = device.videoFiles.map((path) => readVideoIndex(path));
    const inVideo = indexes.reduce((sum, index) => sum + index.frameCount, 0);
    const recordingTimes = perRecording[k]!;
    let kept = Math.min(inVideo, recordingTimes.length);
    if (inVideo !== recordingTimes.length) {
      emitNeuroconvWarning(
        `${device.folderPath}: the video files hold ${inVideo} frames but timeStamps.csv lists ${recordingTimes.length}; the first ${kept} are written`,
        "NeuroconvSourceWarning",
      );
    }
    times.push(...recordingTimes.subarray(0, kept));
    for (const index of indexes) {
      const frames = Math.min(index.frameCount, kept);
      if (frames > 0) files.push({ index, frames });
      kept -= frames;
    }
  });
  return { times: Float64Array.from(times), files };
}

/**
 * A UCLA Miniscope's movie as a OnePhotonSeries (time, x, y) of uint8 grey frames, decoded by ffmpeg from the
 * `.avi` files (FFV1, GREY, ...) one file after another while the NWB file is written. Every recording folder
 * of the session follows the first; timestamps are timeStamps.csv's, in seconds from the first recording's
 * start (the session start time, with the UTC offset metaData.json implies), negative first times included.
 * The device is an ndx-miniscope `Miniscope` with the settings of its metaData.json.
 *
 * @example
 * ```ts
 * const miniscope = new MiniscopeImagingInterface({ folderPath: "C6-J588_Disc5" });
 * await miniscope.runConversion({ nwbfilePath: "miniscope.nwb", metadata: miniscope.getMetadata() });
 * ```
 */
export class MiniscopeImagingInterface extends BaseImagingInterface<MiniscopeImagingSource> {
  static override displayName = "Miniscope imaging";
  static override keywords = ["Miniscope", "UCLA", "one-photon", "FFV1"];
  static override associatedSuffixes = [".avi", ".json", ".csv"];
  static override info = "UCLA Miniscope DAQ recordings (metaData.json, timeStamps.csv, .avi movies).";
  static override sourceSchema: TObject = MiniscopeImagingSourceSchema;

  /** The recording folders, earliest first. */
  readonly recordings: readonly MiniscopeRecording[];
  /** The miniscope's folder in the first recording (its settings describe the device). */
  readonly device: MiniscopeDeviceFolder;
  protected readonly imaging: Imaging;
  private readonly times: Float64Array;

  constructor(sourceData: MiniscopeImagingSource, recordings?: readonly MiniscopeRecording[]) {
    super(sourceData);
    this.recordings = recordings ?? findMiniscopeRecordings(sourceData.folderPath);
    const first = this.recordings[0]!;
    // a device folder given as folderPath is the device written
    const given = first.devices.find((d) => resolve(d.folderPath) === resolve(sourceData.folderPath));
    const name =
      sourceData.miniscopeName ?? given?.name ?? first.devices.find((d) => d.kind === "miniscope")?.name;
    if (name === undefined) {
      throw new SourceDataError(
        first.folderPath,
        "the recording lists no miniscope with a folder (metaData.json 'miniscopes')",
      );
    }
    this.device = deviceOf(first, name);
    const { times, files } = deviceFrames(this.recordings, name);
    this.times = times;
    const movies: ChunkSource[] = files.map(({ index, frames }) => {
      // Miniscope sensors are monochrome: the grey level of the (equal) colour channels
      const decoded = decodedFrames(index.filePath, { ...index, pixelFormat: "gray" });
      return frames < index.frameCount ? firstRows(decoded, frames) : decoded;
    });
    const span = times.length > 1 ? times[times.length - 1]! - times[0]! : 0;
    this.imaging = {
      samplingRate: statedFrameRate(this.device.settings) ?? (span > 0 ? (times.length - 1) / span : 1),
      data: transposedFrames(concatenatedRows(movies)),
    };
  }

  protected override get seriesType(): PhotonSeriesType {
    return "OnePhotonSeries";
  }

  protected override get sourceSessionStartTime(): string {
    return this.recordings[0]!.startTime.iso;
  }

  protected override get description(): ImagingDescription {
    const type = this.device.settings.deviceType;
    const several = this.recordings[0]!.devices.filter((d) => d.kind === "miniscope").length > 1;
    const suffix = several ? miniscopeDeviceName(this.device.name) : "";
    return {
      seriesName: `OnePhotonSeries${suffix}`,
      planeName: `ImagingPlane${suffix}`,
      deviceName: miniscopeDeviceName(this.device.name),
      deviceDescription: `${typeof type === "string" ? type : "UCLA Miniscope"} recorded with the Miniscope DAQ software`,
      seriesDescription: "Imaging data from one-photon excitation microscopy (UCLA Miniscope).",
    };
  }

  protected override getOriginalTiming(): Timing {
    return timingFromTimestamps(this.times);
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    const fallback = miniscopeDeviceName(this.device.name);
    const planeName = this.description.planeName;
    const deviceName = metadata.Ophys?.ImagingPlane?.find((p) => p.name === planeName)?.device ?? fallback;
    const entry = metadata.Ophys?.Device?.find((d) => d.name === deviceName);
    ensureMiniscopeDevice(nwbfile, deviceName, this.device, entry?.description);
    super.addToNwbfile(nwbfile, metadata, options);
  }
}

/**
 * A behaviour camera of a Miniscope session: its videos kept as external files, timed by its timeStamps.csv
 * (seconds from the first recording's start), the camera an ndx-miniscope `Miniscope` device.
 */
class MiniscopeCameraInterface extends ExternalVideoInterface {
  private readonly camera: MiniscopeDeviceFolder;

  private readonly recordingStart: string;

  constructor(source: ExternalVideoSource, recordings: readonly MiniscopeRecording[], name: string) {
    super(source);
    this.camera = deviceOf(recordings[0]!, name);
    this.recordingStart = recordings[0]!.startTime.iso;
    const times = sessionFrameTimes(recordings, name);
    // the segments are the recordings' files in order: count each recording's frames
    let next = 0;
    const counts = recordings.map((r) => {
      const files = deviceOf(r, name).videoFiles.length;
      const segments = this.segments.slice(next, next + files);
      next += files;
      return segments.reduce((sum, s) => sum + s.index.frameCount, 0);
    });
    if (counts.every((count, k) => count === times[k]!.length)) {
      this.setAlignedTimestamps(Float64Array.from(times.flatMap((t) => [...t])));
    } else {
      emitNeuroconvWarning(
        `${this.camera.folderPath}: the video files and timeStamps.csv list different numbers of frames; ` +
          "each file is timed from its container, starting at its recording's first time stamp",
        "NeuroconvSourceWarning",
      );
      this.setAlignedSegmentStartingTimes(
        recordings.flatMap((r, k) => deviceOf(r, name).videoFiles.map(() => times[k]![0] ?? 0)),
      );
    }
  }

  protected override get sourceSessionStartTime(): string {
    return this.recordingStart;
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options?: VideoConversionOptions): void {
    const series = this.addSeries(nwbfile, metadata, options);
    const device = ensureMiniscopeDevice(nwbfile, miniscopeDeviceName(this.camera.name), this.camera);
    series.setLink("device", device);
  }
}

/** The source arguments of the converter, as a JSON schema (the TypeScript type below is derived from it). */
export const MiniscopeConverterSourceSchema = Type.Object(
  {
    folderPath: Type.String({
      description: "The Miniscope session folder (holding recording folders such as 15_03_28/).",
    }),
  },
  { additionalProperties: false },
);

/** The source arguments of MiniscopeConverter, as a TypeScript type. */
export type MiniscopeConverterSource = Static<typeof MiniscopeConverterSourceSchema>;

/**
 * A whole Miniscope session: each miniscope's movie (MiniscopeImagingInterface) and each behaviour camera
 * (`BehavCam_*`) as an ImageSeries pointing at its video files, all on the clock of the first recording.
 * One camera is named `BehavCamImageSeries` as in NeuroConv; several are `<camera>ImageSeries`.
 *
 * @example
 * ```ts
 * const session = new MiniscopeConverter({ folderPath: "C6-J588_Disc5" });
 * await session.runConversion({ nwbfilePath: "session.nwb", metadata: session.getMetadata() });
 * ```
 */
export class MiniscopeConverter extends ConverterPipe {
  static displayName = "Miniscope session (imaging and behaviour cameras)";
  static info = "A UCLA Miniscope DAQ session: the miniscope movie and the behaviour camera videos.";
  static associatedSuffixes = [".avi", ".json", ".csv"];
  static sourceSchema: TObject = MiniscopeConverterSourceSchema;

  static override getSourceSchema(): TObject {
    return MiniscopeConverter.sourceSchema;
  }

  constructor(sourceData: MiniscopeConverterSource) {
    const source = checkSourceArguments(MiniscopeConverter, sourceData);
    const recordings = findMiniscopeRecordings(source.folderPath);
    const devices = recordings[0]!.devices;
    const miniscopes = devices.filter((d) => d.kind === "miniscope");
    const cameras = devices.filter((d) => d.kind === "camera");
    const interfaces = [
      ...miniscopes.map(
        (d, k) =>
          new MiniscopeImagingInterface(
            { folderPath: source.folderPath, ...(k > 0 && { miniscopeName: d.name }) },
            recordings,
          ),
      ),
      ...cameras.map((camera) => {
        const videoName =
          cameras.length === 1 ? "BehavCamImageSeries" : `${miniscopeDeviceName(camera.name)}ImageSeries`;
        const filePaths = recordings.flatMap((r) => deviceOf(r, camera.name).videoFiles);
        return new MiniscopeCameraInterface({ filePaths, videoName }, recordings, camera.name);
      }),
    ];
    super(interfaces);
  }
}
