/**
 * Base NWB types: TimeSeries, ProcessingModule, Images, and a generic typed container for any other type.
 */
import type { Dtype } from "../../data/dtype.js";
import type { ImageOptions as GeneratedImageOptions, TimeSeriesFields } from "../types/core.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import { applyFields, fieldOf, fieldsOf, pynwbTimeSeriesKey } from "../types/definition.js";
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
const TIMESTAMPS = fieldOf(coreDefinitions.TimeSeries, "timestamps");
const STARTING_TIME = fieldOf(coreDefinitions.TimeSeries, "starting_time");
const RATE = fieldOf(coreDefinitions.TimeSeries, "starting_time__rate");
const DATA = fieldOf(coreDefinitions.TimeSeries, "data");

/** Keys of core TimeSeries' fields, which {@link TimeSeries} sets (subtypes set only the fields they add). */
export const TIME_SERIES_KEYS: ReadonlySet<string> = new Set(
  fieldsOf(coreDefinitions.TimeSeries).map((f) => f.key),
);

/** TimeSeries' fields other than `data` and the timing (which {@link TimeSeries.setTiming} sets). */
const DESCRIPTIVE_FIELDS = fieldsOf(coreDefinitions.TimeSeries).filter(
  (f) => f !== DATA && f.name !== TIMESTAMPS.name && f.name !== STARTING_TIME.name,
);

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

/** A TimeSeries field key under pynwb's keyword (`data__unit` -> `unit`, `starting_time__rate` -> `rate`). */
type PynwbKey<K> = K extends `${string}__${infer Attribute}` ? Attribute : K;

/**
 * Core TimeSeries' fields as the generated definitions type them, under pynwb's keywords: `unit`, `conversion`,
 * `offset`, `resolution` and `continuity` of `data`, `rate` of `starting_time`, then `description`, `comments`,
 * `timestamps`, `control`, ...
 */
export type TimeSeriesFieldOptions = {
  readonly [K in keyof TimeSeriesFields as PynwbKey<K>]: TimeSeriesFields[K];
};

/** Timing of a series: either regular (`rate` + `starting_time`) or irregular (`timestamps`). */
export type TimingOptions = Pick<TimeSeriesFieldOptions, "rate" | "starting_time" | "timestamps">;

/** Options of {@link TimeSeries}: its fields (from the schema), name, and a storage dtype for plain JS data. */
export interface TimeSeriesOptions extends TimeSeriesFieldOptions {
  readonly name: string;
  /** Explicit dtype for `data` when it is a plain JS array (typed arrays and sources carry their own). */
  readonly dtype?: Dtype;
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
    this.add(new DatasetNode(DATA.name!, options.data, options.dtype ? { dtype: options.dtype } : {}));
    const given = options as unknown as Readonly<Record<string, unknown>>;
    applyFields(
      this,
      DESCRIPTIVE_FIELDS,
      Object.fromEntries(DESCRIPTIVE_FIELDS.map((f) => [f.key, given[pynwbTimeSeriesKey(f.key)]])),
    );
    this.setTiming(options);
  }

  /** The `data` dataset. */
  get data(): DatasetNode {
    return this.get("data") as DatasetNode;
  }

  /** Replaces the timing (used when aligning a series to another clock). */
  setTiming(timing: TimingOptions): void {
    this.children.delete(STARTING_TIME.name!);
    this.children.delete(TIMESTAMPS.name!);
    if (timing.timestamps !== undefined) {
      // times are converted to the schema's dtype (float64), whatever array they come in
      this.setDataset(TIMESTAMPS.name!, timing.timestamps, TIMES_DTYPE);
    } else if (timing.rate !== undefined) {
      if (!(timing.rate > 0))
        throw new RangeError(`TimeSeries '${this.name}': rate must be > 0, got ${timing.rate}`);
      const start = this.setDataset(STARTING_TIME.name!, timing.starting_time ?? 0, TIMES_DTYPE);
      start?.setAttribute(RATE.attribute!, timing.rate);
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
    applyFields(this, fieldsOf(coreDefinitions.ProcessingModule), { description });
  }
}

/** Options of {@link createImage}: name, pixels and the schema's Image attributes (resolution, description). */
export interface ImageOptions extends GeneratedImageOptions {
  /** Image type; inferred from the data's rank and last axis when omitted. */
  readonly neurodataType?: "GrayscaleImage" | "RGBImage" | "RGBAImage" | "Image";
}

/** The attributes of the Image types, from the schema. */
const IMAGE_ATTRIBUTES = fieldsOf(coreDefinitions.Image).filter((f) => f.kind === "attribute");

/** Creates a typed image dataset (GrayscaleImage, RGBImage or RGBAImage) to put in an {@link Images}. */
export function createImage(options: ImageOptions): DatasetNode {
  const shape = shapeOf(normalizeData(options.data));
  const inferred = shape.length === 2 ? "GrayscaleImage" : shape[2] === 4 ? "RGBAImage" : "RGBImage";
  const image = new DatasetNode(options.name, options.data, {
    type: coreType(options.neurodataType ?? inferred),
  });
  const given = options as unknown as Readonly<Record<string, DataInput | undefined>>;
  for (const field of IMAGE_ATTRIBUTES) image.setAttribute(field.attribute!, given[field.key]);
  return image;
}

const IMAGES_FIELDS = fieldsOf(coreDefinitions.Images);
const ORDER_OF_IMAGES = fieldOf(coreDefinitions.Images, "order_of_images");

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
    applyFields(this, IMAGES_FIELDS, { description, image: images });
    if (images.length > 0) {
      // a typed dataset of references (ImageReferences), which plain data for the field would not be
      this.add(
        new DatasetNode(ORDER_OF_IMAGES.name!, images as readonly NodeReference[], {
          dtype: "objectref",
          type: { neurodataType: ORDER_OF_IMAGES.targetType!, namespace: ORDER_OF_IMAGES.targetNamespace! },
        }),
      );
    }
  }
}
