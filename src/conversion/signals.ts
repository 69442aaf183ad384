/**
 * Writers shared by every format for auxiliary signals: analog inputs as TimeSeries and TTL lines as
 * event series. One representation for all formats, readable by any NWB 2.7 reader without extensions.
 */
import { type ChunkSource, firstRows } from "../data/lazy.js";
import { BitEdgeTracker, bitsUsed } from "../formats/edges.js";
import { coreType, TimeSeries } from "../nwb/containers/base.js";
import type { NWBFile } from "../nwb/containers/file.js";
import { TimeIntervals } from "../nwb/containers/misc.js";
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

/**
 * Events that carry a value: numeric codes (a digital word, a marker code, a unit of an event channel) or
 * text (comments, event strings). Times in seconds on the session's clock, ascending.
 */
export interface CodedEvents {
  readonly name: string;
  readonly description: string;
  readonly times: ArrayLike<number>;
  /** One code per event; written as a TimeSeries of the codes. */
  readonly codes?: ArrayLike<number>;
  /** One text per event; written as an AnnotationSeries. Without codes or labels: times only (data 1). */
  readonly labels?: readonly string[];
}

/**
 * Adds events as an NWB series in /acquisition: codes as a TimeSeries (`continuity` "instantaneous", unit
 * "n.a."), labels as an AnnotationSeries, bare times as a TimeSeries of ones. No events: skipped (returns
 * undefined). Every format's event channels go through here, so they look the same in every file.
 */
export function addEventsToNwbfile(
  nwbfile: NWBFile,
  events: CodedEvents,
  stubTest = false,
): TimeSeries | undefined {
  const count = stubTest ? Math.min(STUB_SAMPLES, events.times.length) : events.times.length;
  if (count === 0) return undefined;
  const timestamps = Float64Array.from({ length: count }, (_, i) => events.times[i]!);
  if (events.labels !== undefined) {
    return nwbfile.addAcquisition(
      new TimeSeries(
        {
          name: events.name,
          description: events.description,
          data: events.labels.slice(0, count),
          dtype: "utf8",
          unit: "n/a",
          resolution: -1,
          timestamps,
        },
        coreType("AnnotationSeries"),
      ),
    );
  }
  const codes = events.codes;
  return nwbfile.addAcquisition(
    new TimeSeries({
      name: events.name,
      description: codes
        ? `${events.description} Data: the event code.`
        : `${events.description} Data: 1 per event.`,
      data: codes ? codeArray(codes, count) : new Uint8Array(count).fill(1),
      unit: "n.a.",
      continuity: "instantaneous",
      timestamps,
    }),
  );
}

/** Labelled intervals of time (annotations with a duration), in seconds on the session's clock. */
export interface LabelledIntervals {
  readonly name: string;
  readonly description: string;
  readonly starts: ArrayLike<number>;
  readonly stops: ArrayLike<number>;
  readonly labels: readonly string[];
}

/**
 * Adds labelled intervals as a TimeIntervals table in /intervals (start_time, stop_time and a `label` text
 * column). No intervals: skipped (returns undefined).
 */
export function addIntervalsToNwbfile(
  nwbfile: NWBFile,
  intervals: LabelledIntervals,
  stubTest = false,
): TimeIntervals | undefined {
  const count = stubTest ? Math.min(STUB_SAMPLES, intervals.starts.length) : intervals.starts.length;
  if (count === 0) return undefined;
  const table = nwbfile.addTimeIntervals(new TimeIntervals(intervals.name, intervals.description));
  table.addColumn({ name: "label", description: "text of the interval", dtype: "utf8" });
  for (let i = 0; i < count; i++) {
    table.addInterval({
      start_time: intervals.starts[i]!,
      stop_time: intervals.stops[i]!,
      label: intervals.labels[i]!,
    });
  }
  return table;
}

/**
 * The TTL lines of a digital port stored as one word per change (Blackrock NEV digital events, Neuralynx
 * TTL values): each bit that is ever set becomes a line with its rising and falling edge times. The port
 * is taken to be low before the first word.
 */
export function ttlLinesFromWords(
  port: { readonly name: string; readonly description: string },
  times: ArrayLike<number>,
  words: ArrayLike<number>,
  width = 16,
): TtlLine[] {
  const tracker = new BitEdgeTracker(bitsUsed(words, width), 0);
  tracker.push(words, 0);
  return tracker.lines.map((line) => ({
    name: `${port.name}Line${line.bit}`,
    description: `${port.description} Bit ${line.bit}.`,
    rising: line.rising.map((i) => times[i]!),
    falling: line.falling.map((i) => times[i]!),
  }));
}

/** Codes as int32 when they are all integers that fit (digital words, markers), float64 otherwise. */
function codeArray(codes: ArrayLike<number>, count: number): Int32Array | Float64Array {
  const values = Float64Array.from({ length: count }, (_, i) => codes[i]!);
  return values.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31) ? Int32Array.from(values) : values;
}
