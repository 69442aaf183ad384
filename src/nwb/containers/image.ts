/**
 * Image series: movies stored in the file, or frames kept in external files (e.g. behavior videos).
 */
import { isAbsolute, relative, sep } from "node:path";
import { coreType, TimeSeries, type TimeSeriesOptions } from "./base.js";
import type { Device } from "./ecephys.js";
import { type DataInput, ndarray, type TypeIdentity } from "./node.js";

export interface ImageSeriesOptions extends Omit<TimeSeriesOptions, "data" | "unit"> {
  /** Frames, (time, x, y) or (time, x, y, z|channels). Omit when `external_file` is given. */
  readonly data?: DataInput;
  /** Unit of the pixel values (default "n.a."). */
  readonly unit?: string;
  /**
   * Paths of external movie files, instead of `data`. Absolute paths are written relative to the folder of
   * the NWB file (the schema's convention), so the file and its videos can move together.
   */
  readonly external_file?: readonly string[];
  /** Index of the first frame of each external file in the series (default: 0 for a single file). */
  readonly starting_frame?: readonly number[];
  /** Format of the frames: "raw", "external", or a codec name. */
  readonly format?: string;
  /** Frame size in pixels, per axis. */
  readonly dimension?: readonly number[];
  readonly device?: Device;
}

/**
 * A series of images over time.
 *
 * @example
 * ```ts
 * const video = new ImageSeries({ name: "BehaviorVideo", external_file: ["video.mp4"], rate: 30 });
 * nwbfile.addAcquisition(video);
 * ```
 */
export class ImageSeries extends TimeSeries {
  /** The external files as given (absolute or relative), before they are made relative to the NWB file. */
  readonly externalFiles: readonly string[] | undefined;
  private readonly startingFrames: readonly number[] | undefined;

  constructor(options: ImageSeriesOptions, type: TypeIdentity = coreType("ImageSeries")) {
    const external = options.external_file;
    if ((options.data === undefined) === (external === undefined)) {
      throw new TypeError(`${type.neurodataType} '${options.name}': give either data or external_file`);
    }
    // with external files the schema still requires `data`: an empty (0, 0, 0) array, as pynwb writes it
    const data = options.data ?? ndarray(new Uint8Array(0), [0, 0, 0]);
    super({ ...options, data, unit: options.unit ?? "n.a." }, type);
    this.externalFiles = external && [...external];
    this.startingFrames = external && [...(options.starting_frame ?? external.map(() => 0))];
    this.setExternalFiles(external);
    this.setDataset("format", options.format ?? (external ? "external" : undefined));
    if (options.dimension) this.setDataset("dimension", [...options.dimension]);
    this.setLink("device", options.device);
  }

  private setExternalFiles(paths: readonly string[] | undefined): void {
    if (!paths) return;
    const files = this.setDataset("external_file", [...paths], "utf8");
    files?.setAttribute("starting_frame", [...this.startingFrames!]);
  }

  /** Writes absolute external file paths relative to `folder` (the NWB file's), with `/` separators. */
  relativizeExternalFiles(folder: string): void {
    this.setExternalFiles(
      this.externalFiles?.map((path) =>
        isAbsolute(path) ? relative(folder, path).split(sep).join("/") : path,
      ),
    );
  }
}
