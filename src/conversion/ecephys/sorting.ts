/**
 * Writing spike sorting results to the Units table, and the base of every sorting interface.
 */
import type { NWBFile } from "../../nwb/containers/file.js";
import { PLACEHOLDER_DESCRIPTION } from "../metadata/nwbfile.js";
import type { Metadata } from "../metadata/schema.js";
import { BaseTemporalInterface } from "../temporal.js";
import { type Timing, timeAt } from "../timing.js";
import type { ChannelProperty } from "./recording.js";

/** One unit of a sorting: id, spike frames, properties and optional template. */
export interface SortedUnit {
  /** Identifier of the unit in the source (cluster id); stored as `unit_name`. */
  readonly id: string | number;
  /** Spike times as sample indices on the sorting's clock, ascending. */
  readonly spikeFrames: ArrayLike<number>;
  readonly properties?: Readonly<Record<string, ChannelProperty>>;
  /** Rows of the electrodes table the unit was detected on (set when linked to a recording). */
  readonly electrodes?: readonly number[];
  /** The unit's mean template, (samples, channels) row-major (see `Sorting.templateShape`). */
  readonly template?: Float32Array;
  /** Index of the unit's channel of largest amplitude among the recording's channels. */
  readonly peakChannel?: number;
  /**
   * Mean and standard deviation of the unit's spike waveforms in volts, (samples, channels) row-major
   * (see `Sorting.waveformShape`; one value per sample when it is not set).
   */
  readonly waveformMean?: ArrayLike<number>;
  readonly waveformSd?: ArrayLike<number>;
}

/** What a format reader offers for a spike sorting result. */
export interface Sorting {
  readonly samplingRate: number;
  readonly units: readonly SortedUnit[];
  /** Descriptions of the unit properties the source defines. */
  readonly propertyDescriptions?: Readonly<Record<string, string>>;
  /** Shape (samples, channels) of every unit's `template`, when the source has templates. */
  readonly templateShape?: readonly [number, number];
  /** What the templates' values mean (their units), written as the column's description. */
  readonly templateDescription?: string;
  /** Shape (samples, channels) of every unit's `waveformMean` / `waveformSd`; default (length, 1). */
  readonly waveformShape?: readonly [number, number];
}

const STUB_SPIKES_PER_UNIT = 10;

export interface AddSortingOptions {
  readonly timing: Timing;
  readonly stubTest?: boolean;
  /** Electrode rows per unit id, when the sorting is linked to a recording in the same file. */
  readonly unitElectrodes?: ReadonlyMap<string | number, readonly number[]>;
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
  const withTemplates = sorting.templateShape !== undefined && sorting.units.every((u) => u.template);
  if (withTemplates && !units.columns.has("template") && units.length === 0) {
    // not waveform_mean: the schema fixes that column's unit to volts, and sorter templates are not in volts
    units.addColumn({
      name: "template",
      description: sorting.templateDescription ?? "mean spike template of the unit, (samples, channels)",
      dtype: "float32",
    });
  }
  if (
    sorting.units.some((u) => u.peakChannel !== undefined) &&
    !units.columns.has("peak_channel") &&
    units.length === 0
  ) {
    units.addColumn({
      name: "peak_channel",
      description: "index of the channel with the largest template amplitude",
      dtype: "int32",
    });
  }
  // waveform_mean / waveform_sd are NWB's own columns (volts); written when every unit has them
  const withWaveforms =
    sorting.units.length > 0 && sorting.units.every((u) => u.waveformMean && u.waveformSd);
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
    const electrodes = options.unitElectrodes?.get(unit.id) ?? unit.electrodes;
    if (electrodes) row.electrodes = electrodes;
    if (withTemplates) {
      const [samples, channels] = sorting.templateShape!;
      row.template = Array.from({ length: samples }, (_, t) =>
        Array.from(unit.template!.subarray(t * channels, (t + 1) * channels)),
      );
    }
    if (units.columns.has("peak_channel")) row.peak_channel = unit.peakChannel ?? -1;
    if (withWaveforms) {
      row.waveform_mean = waveformRows(unit.waveformMean!, sorting.waveformShape);
      row.waveform_sd = waveformRows(unit.waveformSd!, sorting.waveformShape);
    }
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

  get samplingRate(): number {
    return this.sorting.samplingRate;
  }

  /** Samples the sorting spans on its own clock (last spike + 1). */
  get frameCount(): number {
    return this.getOriginalTiming().count;
  }

  /** Electrode rows per unit id, set by a converter that writes the sorting with its recording. */
  unitElectrodes: ReadonlyMap<string | number, readonly number[]> | undefined;

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    addSortingToNwbfile(nwbfile, this.sorting, metadata, {
      timing: this.getTiming(),
      ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
      ...(this.unitElectrodes && { unitElectrodes: this.unitElectrodes }),
    });
  }
}

/** A waveform as NWB stores it: samples for one channel, (samples, channels) rows for several. */
function waveformRows(
  values: ArrayLike<number>,
  shape: readonly [number, number] | undefined,
): Float32Array | number[][] {
  const channels = shape?.[1] ?? 1;
  if (channels === 1) return Float32Array.from(values);
  return Array.from({ length: shape![0] }, (_, s) =>
    Array.from({ length: channels }, (_, c) => values[s * channels + c]!),
  );
}
