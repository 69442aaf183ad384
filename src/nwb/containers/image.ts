/**
 * Image series: movies stored in the file, or frames kept in external files (e.g. behavior videos).
 */
import { isAbsolute, relative, sep } from "node:path";
import type { ImageSeriesOptions as GeneratedImageSeriesOptions } from "../types/core.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import { applyFields, fieldOf, fieldsOf } from "../types/definition.js";
import { coreType, TIME_SERIES_KEYS, TimeSeries, type TimeSeriesOptions } from "./base.js";
import { type DataInput, ndarray, type TypeIdentity } from "./node.js";

/**
 * Options of {@link ImageSeries}: TimeSeries' options (unit default "n.a."), then the fields ImageSeries adds,
 * from the schema (`external_file`, `format`, `dimension`, `device`, ...), with `starting_frame` of the external
 * files under pynwb's keyword.
 */
export interface ImageSeriesOptions
  extends Omit<TimeSeriesOptions, "data" | "unit">,
    Omit<
      GeneratedImageSeriesOptions,
      keyof TimeSeriesOptions | "external_file" | "external_file__starting_frame"
    > {
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
}

/** The fields ImageSeries adds to TimeSeries, and its external files with their first frames. */
const IMAGE_SERIES_FIELDS = fieldsOf(coreDefinitions.ImageSeries).filter((f) => !TIME_SERIES_KEYS.has(f.key));
const EXTERNAL_FILE = fieldOf(coreDefinitions.ImageSeries, "external_file");
const STARTING_FRAME = fieldOf(coreDefinitions.ImageSeries, "external_file__starting_frame");

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
    applyFields(
      this,
      IMAGE_SERIES_FIELDS.filter((f) => f !== EXTERNAL_FILE && f !== STARTING_FRAME),
      { ...options, format: options.format ?? (external ? "external" : undefined) },
    );
    this.setExternalFiles(external);
  }

  private setExternalFiles(paths: readonly string[] | undefined): void {
    if (!paths) return;
    this.children.delete(EXTERNAL_FILE.name!);
    applyFields(this, [EXTERNAL_FILE, STARTING_FRAME], {
      [EXTERNAL_FILE.key]: [...paths],
      [STARTING_FRAME.key]: [...this.startingFrames!],
    });
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
