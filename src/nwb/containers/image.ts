/**
 * Image series: movies stored in the file, or frames kept in external files (e.g. behavior videos).
 */
import { coreType, TimeSeries, type TimeSeriesOptions } from "./base.js";
import type { Device } from "./ecephys.js";
import { type DataInput, ndarray, type TypeIdentity } from "./node.js";

export interface ImageSeriesOptions extends Omit<TimeSeriesOptions, "data" | "unit"> {
  /** Frames, (time, x, y) or (time, x, y, z|channels). Omit when `external_file` is given. */
  readonly data?: DataInput;
  /** Unit of the pixel values (default "n.a."). */
  readonly unit?: string;
  /** Paths of external movie files (relative to the NWB file), instead of `data`. */
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
  constructor(options: ImageSeriesOptions, type: TypeIdentity = coreType("ImageSeries")) {
    const external = options.external_file;
    if ((options.data === undefined) === (external === undefined)) {
      throw new TypeError(`${type.neurodataType} '${options.name}': give either data or external_file`);
    }
    // with external files the schema still requires `data`: an empty (0, 0, 0) array, as pynwb writes it
    const data = options.data ?? ndarray(new Uint8Array(0), [0, 0, 0]);
    super({ ...options, data, unit: options.unit ?? "n.a." }, type);
    if (external) {
      const files = this.setDataset("external_file", [...external]);
      files?.setAttribute("starting_frame", [...(options.starting_frame ?? external.map(() => 0))]);
    }
    this.setDataset("format", options.format ?? (external ? "external" : undefined));
    if (options.dimension) this.setDataset("dimension", Int32Array.from(options.dimension));
    this.setLink("device", options.device);
  }
}
