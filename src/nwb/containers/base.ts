/**
 * Base NWB types: TimeSeries, ProcessingModule, Images, and a generic typed container for any other type.
 */
import type { Dtype } from "../../data/dtype.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import { fieldOf } from "../types/definition.js";
import {
  type DataInput,
  DatasetNode,
  GroupNode,
  type NodeReference,
  normalizeData,
  shapeOf,
  type TypeIdentity,
} from "./node.js";

export const CORE = "core";

/** The dtype of TimeSeries' timestamps and starting_time, from the schema. */
const TIMES_DTYPE = fieldOf(coreDefinitions.TimeSeries, "timestamps").dtype as Dtype;

export function coreType(neurodataType: string): TypeIdentity {
  return { neurodataType, namespace: CORE };
}

/**
 * A typed group of any type, filled field by field. Use it for types without a dedicated helper:
 * attributes with {@link GroupNode.setAttribute}, datasets with {@link GroupNode.setDataset}, links with
 * {@link GroupNode.setLink}; the pre-write checks then compare it with the type's spec.
 *
 * @example
 * ```ts
 * const site = new Container("OptogeneticStimulusSite", "site0");
 * site.setAttribute("description", "fiber above CA1");
 * site.setDataset("excitation_lambda", 470);
 * site.setDataset("location", "CA1");
 * site.setLink("device", laser);
 * ```
 */
export class Container extends GroupNode {
  constructor(neurodataType: string, name: string, namespace = CORE) {
    super(name, { neurodataType, namespace });
  }
}

/** Timing of a series: either regular (`rate` + `starting_time`) or irregular (`timestamps`). */
export interface TimingOptions {
  /** Sampling rate in Hz, for regularly sampled data. */
  readonly rate?: number;
  /** Time of the first sample in seconds (relative to timestamps_reference_time); default 0 with `rate`. */
  readonly starting_time?: number;
  /** Time of each sample in seconds, for irregularly sampled data. */
  readonly timestamps?: DataInput;
}

export interface TimeSeriesOptions extends TimingOptions {
  readonly name: string;
  /** Samples; the first axis is time. A lazy ChunkSource is read only at write time. */
  readonly data: DataInput;
  /** Explicit dtype for `data` when it is a plain JS array (typed arrays and sources carry their own). */
  readonly dtype?: Dtype;
  /** Unit of `data` after multiplying by `conversion` and adding `offset` (SI unit, e.g. "volts"). */
  readonly unit: string;
  /** Factor from stored values to `unit` (default 1). */
  readonly conversion?: number;
  /** Added after `conversion` (default 0). */
  readonly offset?: number;
  /** Smallest meaningful difference in `unit`; -1 when unknown (default). */
  readonly resolution?: number;
  /** "continuous", "instantaneous" or "step". */
  readonly continuity?: "continuous" | "instantaneous" | "step";
  readonly description?: string;
  readonly comments?: string;
  readonly control?: DataInput;
  readonly control_description?: DataInput;
}

/**
 * A series of samples over time.
 *
 * @example
 * ```ts
 * const speed = new TimeSeries({ name: "speed", data: [0.1, 0.4, 0.2], unit: "m/s", rate: 10 });
 * nwbfile.addAcquisition(speed);
 * ```
 */
export class TimeSeries extends GroupNode {
  constructor(options: TimeSeriesOptions, type: TypeIdentity = coreType("TimeSeries")) {
    super(options.name, type);
    const hasRate = options.rate !== undefined;
    const hasTimestamps = options.timestamps !== undefined;
    if (hasRate === hasTimestamps) {
      throw new TypeError(
        `TimeSeries '${options.name}': give either rate (regular sampling) or timestamps, not both`,
      );
    }
    this.setAttribute("description", options.description);
    this.setAttribute("comments", options.comments);
    const data = this.add(
      new DatasetNode("data", options.data, options.dtype ? { dtype: options.dtype } : {}),
    );
    data.setAttribute("unit", options.unit);
    data.setAttribute("conversion", options.conversion);
    data.setAttribute("offset", options.offset);
    data.setAttribute("resolution", options.resolution);
    data.setAttribute("continuity", options.continuity);
    this.setTiming(options);
    this.setDataset("control", options.control);
    this.setDataset("control_description", options.control_description);
  }

  /** The `data` dataset. */
  get data(): DatasetNode {
    return this.get("data") as DatasetNode;
  }

  /** Replaces the timing (used when aligning a series to another clock). */
  setTiming(timing: TimingOptions): void {
    this.children.delete("starting_time");
    this.children.delete("timestamps");
    if (timing.timestamps !== undefined) {
      // times are converted to the schema's dtype (float64), whatever array they come in
      this.setDataset("timestamps", timing.timestamps, TIMES_DTYPE);
    } else if (timing.rate !== undefined) {
      if (!(timing.rate > 0))
        throw new RangeError(`TimeSeries '${this.name}': rate must be > 0, got ${timing.rate}`);
      const start = this.setDataset("starting_time", timing.starting_time ?? 0, TIMES_DTYPE);
      start?.setAttribute("rate", timing.rate);
    }
  }
}

/**
 * A group of processed data of one kind (e.g. "ecephys", "behavior"), under `/processing`.
 *
 * @example
 * ```ts
 * const behavior = nwbfile.createProcessingModule("behavior", "processed behavioral data");
 * behavior.add(position);
 * ```
 */
export class ProcessingModule extends GroupNode {
  constructor(name: string, description: string) {
    super(name, coreType("ProcessingModule"));
    this.setAttribute("description", description);
  }
}

export interface ImageOptions {
  readonly name: string;
  /** Pixels: (x, y) for grayscale, (x, y, 3) for RGB, (x, y, 4) for RGBA. */
  readonly data: DataInput;
  readonly resolution?: number;
  readonly description?: string;
  /** Image type; inferred from the data's rank and last axis when omitted. */
  readonly neurodataType?: "GrayscaleImage" | "RGBImage" | "RGBAImage" | "Image";
}

/** Creates a typed image dataset (GrayscaleImage, RGBImage or RGBAImage) to put in an {@link Images}. */
export function createImage(options: ImageOptions): DatasetNode {
  const shape = shapeOf(normalizeData(options.data));
  const inferred = shape.length === 2 ? "GrayscaleImage" : shape[2] === 4 ? "RGBAImage" : "RGBImage";
  const image = new DatasetNode(options.name, options.data, {
    type: coreType(options.neurodataType ?? inferred),
  });
  image.setAttribute("resolution", options.resolution);
  image.setAttribute("description", options.description);
  return image;
}

/**
 * A collection of images (e.g. reference frames, stimulus templates), in the order given.
 *
 * @example
 * ```ts
 * const images = new Images("summary_images", "mean and max projections", [mean, max]);
 * ophysModule.add(images);
 * ```
 */
export class Images extends GroupNode {
  constructor(name: string, description: string, images: readonly DatasetNode[]) {
    super(name, coreType("Images"));
    this.setAttribute("description", description);
    for (const image of images) this.add(image);
    if (images.length > 0) {
      this.add(
        new DatasetNode("order_of_images", images as readonly NodeReference[], {
          dtype: "objectref",
          type: coreType("ImageReferences"),
        }),
      );
    }
  }
}
