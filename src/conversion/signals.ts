/**
 * Writers shared by every format for auxiliary signals: analog inputs as TimeSeries and TTL lines as
 * event series. One representation for all formats, readable by any NWB 2.7 reader without extensions.
 */
import { type ChunkSource, firstRows } from "../data/lazy.js";
import { TimeSeries } from "../nwb/containers/base.js";
import type { NWBFile } from "../nwb/containers/file.js";
import { seriesTiming, type Timing, truncateTiming } from "./timing.js";

/** Samples kept by stub conversions of auxiliary signals, and edges kept per line. */
const STUB_SAMPLES = 100;

/** Analog channels sharing one conversion factor, written as one TimeSeries. */
export interface AnalogSignal {
  readonly name: string;
  readonly description: string;
  /** Samples, (time, channels). */
  readonly data: ChunkSource;
  /** Factor from stored values to `unit`; `offset` is added after it. */
  readonly conversion: number;
  readonly offset?: number;
  /** SI unit after conversion, e.g. "volts". */
  readonly unit: string;
  readonly timing: Timing;
}

/** Adds analog channels as one TimeSeries in /acquisition. */
export function addAnalogToNwbfile(nwbfile: NWBFile, signal: AnalogSignal, stubTest = false): TimeSeries {
  return nwbfile.addAcquisition(
    new TimeSeries({
      name: signal.name,
      description: signal.description,
      data: stubTest ? firstRows(signal.data, STUB_SAMPLES) : signal.data,
      unit: signal.unit,
      conversion: signal.conversion,
      ...(signal.offset !== undefined && signal.offset !== 0 && { offset: signal.offset }),
      ...seriesTiming(stubTest ? truncateTiming(signal.timing, STUB_SAMPLES) : signal.timing),
    }),
  );
}

/** An analog input channel: its position in the source's data and its factor to volts. */
export interface AnalogChannel {
  readonly index: number;
  readonly name: string;
  readonly conversion: number;
}

/**
 * Adds analog input channels as TimeSeries in volts: one series per factor to volts (a TimeSeries has one
 * `conversion`), named `baseName`, or `baseName0`, `baseName1`, ... when the factors differ.
 */
export function addAnalogChannelsToNwbfile(
  nwbfile: NWBFile,
  source: {
    readonly baseName: string;
    readonly describe: (channels: readonly AnalogChannel[]) => string;
    readonly channels: readonly AnalogChannel[];
    readonly data: (indices: number[]) => ChunkSource;
    readonly timing: Timing;
  },
  stubTest = false,
): void {
  const groups = new Map<number, AnalogChannel[]>();
  for (const channel of source.channels)
    groups.set(channel.conversion, [...(groups.get(channel.conversion) ?? []), channel]);
  [...groups.values()].forEach((channels, i) => {
    addAnalogToNwbfile(
      nwbfile,
      {
        name: groups.size === 1 ? source.baseName : `${source.baseName}${i}`,
        description: source.describe(channels),
        data: source.data(channels.map((c) => c.index)),
        unit: "volts",
        conversion: channels[0]!.conversion,
        timing: source.timing,
      },
      stubTest,
    );
  });
}

/** The rising and falling edges of one TTL line, in seconds. */
export interface TtlLine {
  readonly name: string;
  readonly description: string;
  /** Times in seconds of the line's rising and falling edges, on the session's clock. */
  readonly rising: ArrayLike<number>;
  readonly falling: ArrayLike<number>;
}

/**
 * Adds a TTL line as a TimeSeries of its edges: timestamps of every transition, data 1 (rising) or 0
 * (falling), `continuity` "step". A line without transitions is skipped (returns undefined).
 */
export function addTtlLineToNwbfile(
  nwbfile: NWBFile,
  line: TtlLine,
  stubTest = false,
): TimeSeries | undefined {
  const edges = [
    ...Array.from(line.rising, (t) => [t, 1] as const),
    ...Array.from(line.falling, (t) => [t, 0] as const),
  ].sort((a, b) => a[0] - b[0]);
  if (edges.length === 0) return undefined;
  const kept = stubTest ? edges.slice(0, STUB_SAMPLES) : edges;
  return nwbfile.addAcquisition(
    new TimeSeries({
      name: line.name,
      description: `${line.description} Data: 1 = rising edge, 0 = falling edge.`,
      data: Uint8Array.from(kept, ([, state]) => state),
      unit: "n.a.",
      continuity: "step",
      timestamps: Float64Array.from(kept, ([t]) => t),
    }),
  );
}
