/**
 * Behavior: SpatialSeries and the containers that group series (Position, BehavioralEvents,
 * BehavioralTimeSeries, ...).
 */
import type { SpatialSeriesOptions as GeneratedSpatialSeriesOptions } from "../types/core.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import { applyFields } from "../types/definition.js";
import { coreType, TimeSeries, type TimeSeriesOptions } from "./base.js";
import { GroupNode } from "./node.js";

/** The fields SpatialSeries adds to TimeSeries (its data and unit are TimeSeries' fields, set by TimeSeries). */
const SPATIAL_SERIES_OWN_FIELDS = coreDefinitions.SpatialSeries.ownFields.filter(
  (f) => f.key !== "data" && !f.key.startsWith("data__"),
);

export interface SpatialSeriesOptions
  extends Omit<TimeSeriesOptions, "unit">,
    Pick<GeneratedSpatialSeriesOptions, "reference_frame"> {
  /** Unit of the coordinates (default "meters"). */
  readonly unit?: string;
}

/**
 * Positions over time, (time,) or (time, 1-3 coordinates).
 *
 * @example
 * ```ts
 * const xy = new SpatialSeries({ name: "position", data: [[0, 0], [0.1, 0.2]], rate: 30, reference_frame: "arena corner" });
 * behavior.add(new Position([xy]));
 * ```
 */
export class SpatialSeries extends TimeSeries {
  constructor(options: SpatialSeriesOptions) {
    super({ ...options, unit: options.unit ?? "meters" }, coreType("SpatialSeries"));
    applyFields(this, SPATIAL_SERIES_OWN_FIELDS, options as unknown as Readonly<Record<string, unknown>>);
  }
}

/** Types that only group series together. */
export type BehaviorContainerType =
  | "Position"
  | "BehavioralEvents"
  | "BehavioralTimeSeries"
  | "BehavioralEpochs"
  | "PupilTracking"
  | "EyeTracking"
  | "CompassDirection";

/**
 * A container of series, such as Position (SpatialSeries) or BehavioralEvents (TimeSeries of events).
 * Its name defaults to its type.
 */
export class BehaviorContainer extends GroupNode {
  constructor(type: BehaviorContainerType, series: readonly TimeSeries[], name: string = type) {
    super(name, coreType(type));
    for (const s of series) this.add(s);
  }
}

/** Position of the subject: one or more SpatialSeries. */
export class Position extends BehaviorContainer {
  constructor(series: readonly SpatialSeries[], name = "Position") {
    super("Position", series, name);
  }
}

/** Events (e.g. licks, rewards) as TimeSeries with timestamps. */
export class BehavioralEvents extends BehaviorContainer {
  constructor(series: readonly TimeSeries[], name = "BehavioralEvents") {
    super("BehavioralEvents", series, name);
  }
}

/** Continuous behavioral measures (e.g. running speed) as TimeSeries. */
export class BehavioralTimeSeries extends BehaviorContainer {
  constructor(series: readonly TimeSeries[], name = "BehavioralTimeSeries") {
    super("BehavioralTimeSeries", series, name);
  }
}
