/**
 * Writing spike sorting results to the Units table, and the base of every sorting interface.
 */
import type { NWBFile } from "../../nwb/containers/file.js";
import { PLACEHOLDER_DESCRIPTION } from "../metadata/nwbfile.js";
import type { Metadata } from "../metadata/schema.js";
import { BaseTemporalInterface } from "../temporal.js";
import { type Timing, timeAt } from "../timing.js";
import type { ChannelProperty } from "./recording.js";

export interface SortedUnit {
  /** Identifier of the unit in the source (cluster id); stored as `unit_name`. */
  readonly id: string | number;
  /** Spike times as sample indices on the sorting's clock, ascending. */
  readonly spikeFrames: ArrayLike<number>;
  readonly properties?: Readonly<Record<string, ChannelProperty>>;
  /** Rows of the electrodes table the unit was detected on (set when linked to a recording). */
  readonly electrodes?: readonly number[];
}

/** What a format reader offers for a spike sorting result. */
export interface Sorting {
  readonly samplingRate: number;
  readonly units: readonly SortedUnit[];
  /** Descriptions of the unit properties the source defines. */
  readonly propertyDescriptions?: Readonly<Record<string, string>>;
}

const STUB_SPIKES_PER_UNIT = 10;

export interface AddSortingOptions {
  readonly timing: Timing;
  readonly stubTest?: boolean;
}

/** Adds every unit to `/units`, spike times in seconds on `timing`, properties as columns. */
export function addSortingToNwbfile(
  nwbfile: NWBFile,
  sorting: Sorting,
  metadata: Metadata,
  options: AddSortingOptions,
): void {
  const units = nwbfile.units;
  const described = metadata.Ecephys?.UnitProperties ?? [];
  const names = new Set<string>();
  for (const unit of sorting.units) for (const key of Object.keys(unit.properties ?? {})) names.add(key);
  if (!units.columns.has("unit_name") && units.length === 0) {
    units.addColumn({
      name: "unit_name",
      description: "identifier of the unit in the sorting output",
      dtype: "utf8",
    });
  }
  for (const name of names) {
    if (units.columns.has(name) || units.length > 0) continue;
    const description =
      described.find((d) => d.name === name)?.description ??
      sorting.propertyDescriptions?.[name] ??
      PLACEHOLDER_DESCRIPTION;
    units.addColumn({ name, description });
  }
  // a stub keeps the first spikes of each unit: enough to preview every column
  const perUnit = options.stubTest ? STUB_SPIKES_PER_UNIT : Number.POSITIVE_INFINITY;
  for (const unit of sorting.units) {
    const count = Math.min(unit.spikeFrames.length, perUnit);
    const spikeTimes = new Array<number>(count);
    for (let i = 0; i < count; i++) spikeTimes[i] = timeAt(options.timing, unit.spikeFrames[i]!);
    const row: Record<string, unknown> = { spike_times: spikeTimes, unit_name: String(unit.id) };
    for (const name of names)
      row[name] =
        unit.properties?.[name] ?? (typeof firstValue(sorting, name) === "number" ? Number.NaN : "");
    if (unit.electrodes) row.electrodes = unit.electrodes;
    units.addUnit(row as Parameters<typeof units.addUnit>[0]);
  }
}

function firstValue(sorting: Sorting, property: string): ChannelProperty | undefined {
  for (const unit of sorting.units) {
    const value = unit.properties?.[property];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Base of every sorting interface; its clock maps sample indices to seconds (regular from 0 by default). */
export abstract class BaseSortingInterface<
  Source extends object = object,
> extends BaseTemporalInterface<Source> {
  protected abstract readonly sorting: Sorting;

  protected override getOriginalTiming(): Timing {
    let last = 0;
    for (const unit of this.sorting.units) {
      const n = unit.spikeFrames.length;
      if (n > 0) last = Math.max(last, unit.spikeFrames[n - 1]!);
    }
    return { kind: "regular", rate: this.sorting.samplingRate, startingTime: 0, count: last + 1 };
  }

  get units(): readonly SortedUnit[] {
    return this.sorting.units;
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    addSortingToNwbfile(nwbfile, this.sorting, metadata, {
      timing: this.getTiming(),
      ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
    });
  }
}
