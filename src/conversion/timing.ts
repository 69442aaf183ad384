/**
 * The clock of an interface's samples: regular (rate + starting time) or irregular (a time per sample).
 * Irregular timings are lazy (a function of the sample index), so aligning a 100 GB recording never
 * materializes its timestamps in memory; the writer streams them like any other bulk data.
 */
import type { ChunkSource } from "../data/lazy.js";
import { lastIndexAtMost } from "../formats/binary.js";

/** The clock of a series: a regular rate and start, or a lazily computed timestamp per sample. */
export type Timing =
  | { readonly kind: "regular"; readonly rate: number; readonly startingTime: number; readonly count: number }
  | { readonly kind: "irregular"; readonly count: number; readonly timeAt: (index: number) => number };

/** Time in seconds of sample `index`. */
export function timeAt(timing: Timing, index: number): number {
  return timing.kind === "regular" ? timing.startingTime + index / timing.rate : timing.timeAt(index);
}

/** Every timestamp, materialized (count × 8 bytes). */
export function timestampsOf(timing: Timing): Float64Array {
  const out = new Float64Array(timing.count);
  for (let i = 0; i < timing.count; i++) out[i] = timeAt(timing, i);
  return out;
}

/** The timestamps as a lazy float64 source, for writing without holding them in memory. */
export function timestampsSource(timing: Timing): ChunkSource {
  return {
    dtype: "float64",
    shape: [timing.count],
    readRows(start, end) {
      const out = new Float64Array(end - start);
      for (let i = start; i < end; i++) out[i - start] = timeAt(timing, i);
      return out;
    },
  };
}

/** Irregular timing from an explicit array of timestamps. */
export function timingFromTimestamps(timestamps: ArrayLike<number>): Timing {
  const copy = Float64Array.from(timestamps);
  return { kind: "irregular", count: copy.length, timeAt: (i) => copy[i]! };
}

/**
 * Piecewise-linear map from one clock to another, given matching times on both (e.g. TTL pulses seen by
 * two systems); extrapolates linearly beyond the first and last pair.
 */
export function interpolator(from: ArrayLike<number>, to: ArrayLike<number>): (t: number) => number {
  if (from.length !== to.length || from.length < 2) {
    throw new RangeError(
      `need at least two matching times on both clocks, got ${from.length} and ${to.length}`,
    );
  }
  for (let i = 1; i < from.length; i++) {
    if (!(from[i]! > from[i - 1]!)) throw new RangeError(`unaligned times must increase (index ${i})`);
  }
  const last = from.length - 1;
  return (t) => {
    let lo = 0;
    let hi = last;
    if (t <= from[1]!) hi = 1;
    else if (t >= from[last - 1]!) lo = last - 1;
    else {
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (from[mid]! <= t) lo = mid;
        else hi = mid;
      }
    }
    const slope = (to[hi]! - to[lo]!) / (from[hi]! - from[lo]!);
    return to[lo]! + (t - from[lo]!) * slope;
  };
}

/** Keeps the first `count` samples of a timing (for stub conversions). */
export function truncateTiming(timing: Timing, count: number): Timing {
  return { ...timing, count: Math.min(count, timing.count) };
}

/**
 * The timing API every interface with a clock offers. `getTiming()` is what gets written:
 * regular series as starting_time + rate, irregular ones as timestamps.
 */
export class Clock {
  private aligned: Timing | undefined;

  constructor(private readonly original: () => Timing) {}

  getOriginalTiming(): Timing {
    return this.original();
  }

  getTiming(): Timing {
    return this.aligned ?? this.original();
  }

  /** Every original timestamp, in seconds (materialized). */
  getOriginalTimestamps(): Float64Array {
    return timestampsOf(this.original());
  }

  /** Every current (aligned, if set) timestamp, in seconds (materialized). */
  getTimestamps(): Float64Array {
    return timestampsOf(this.getTiming());
  }

  /** Replaces the whole timing (e.g. with another interface's, to share its clock). */
  setAlignedTiming(timing: Timing): void {
    this.aligned = timing;
  }

  /** Replaces the timestamps; one per sample. */
  setAlignedTimestamps(timestamps: ArrayLike<number>): void {
    const count = this.original().count;
    if (timestamps.length !== count) {
      throw new RangeError(
        `aligned timestamps must have one value per sample: ${count}, got ${timestamps.length}`,
      );
    }
    this.aligned = timingFromTimestamps(timestamps);
  }

  /** Moves the clock so that the first sample is at `startingTime` seconds; a regular clock stays regular. */
  setAlignedStartingTime(startingTime: number): void {
    const current = this.getTiming();
    if (current.kind === "regular") {
      this.aligned = { ...current, startingTime };
      return;
    }
    const shift = startingTime - current.timeAt(0);
    this.aligned = { kind: "irregular", count: current.count, timeAt: (i) => current.timeAt(i) + shift };
  }

  /** Maps the current timestamps through matching (unaligned, aligned) time pairs. */
  alignByInterpolation(unalignedTimes: ArrayLike<number>, alignedTimes: ArrayLike<number>): void {
    const current = this.getTiming();
    const map = interpolator(unalignedTimes, alignedTimes);
    this.aligned = { kind: "irregular", count: current.count, timeAt: (i) => map(timeAt(current, i)) };
  }
}

/**
 * Measured times closer than this to one regular step are that step: the NWB Inspector compares intervals
 * to 1 ns when it asks for a rate instead of timestamps, and nothing measured is lost at that precision.
 */
const REGULAR_WITHIN_SECONDS = 1e-9;
/** Longer irregular clocks (an aligned recording) are not scanned for a regular step: a call per sample. */
const MOST_TIMES_SCANNED = 1 << 24;

/** The timing as a regular clock when its times lie on one (within a nanosecond), else unchanged. */
function regularIfItIs(timing: Timing): Timing {
  if (timing.kind === "regular" || timing.count < 2 || timing.count > MOST_TIMES_SCANNED) return timing;
  const first = timing.timeAt(0);
  const step = (timing.timeAt(timing.count - 1) - first) / (timing.count - 1);
  if (!(step > 0)) return timing;
  for (let i = 1; i < timing.count - 1; i++) {
    if (Math.abs(timing.timeAt(i) - (first + i * step)) > REGULAR_WITHIN_SECONDS) return timing;
  }
  return { kind: "regular", rate: 1 / step, startingTime: first, count: timing.count };
}

/**
 * How a series states its timing: starting_time + rate when regular (measured times that lie on a regular
 * clock included, e.g. a microscope's frame times), lazy timestamps otherwise.
 */
export function seriesTiming(
  timing: Timing,
): { rate: number; starting_time: number } | { timestamps: ChunkSource } {
  const stated = regularIfItIs(timing);
  return stated.kind === "regular"
    ? { rate: stated.rate, starting_time: stated.startingTime }
    : { timestamps: timestampsSource(stated) };
}

/** The clock of a stream sampled every `factor`-th sample of `timing` (e.g. Intan auxiliary inputs). */
export function decimateTiming(timing: Timing, factor: number, count: number): Timing {
  if (factor === 1) return { ...timing, count };
  return timing.kind === "regular"
    ? { kind: "regular", rate: timing.rate / factor, startingTime: timing.startingTime, count }
    : { kind: "irregular", count, timeAt: (i) => timing.timeAt(i * factor) };
}

/**
 * Irregular timing read on demand from a source of per-sample clock values (e.g. Open Ephys sample numbers
 * after dropped samples), one cached block at a time, so it stays bounded in memory. The source must read
 * synchronously (header-sized .npy reads do).
 */
export function timingFromSource(source: ChunkSource, toSeconds: (value: number) => number): Timing {
  const count = source.shape[0] ?? 0;
  const blockRows = 1 << 16;
  let cached: { start: number; values: ArrayLike<number | bigint> } | undefined;
  return {
    kind: "irregular",
    count,
    timeAt(index) {
      if (!cached || index < cached.start || index >= cached.start + cached.values.length) {
        const start = index - (index % blockRows);
        const values = source.readRows(start, Math.min(count, start + blockRows));
        if (values instanceof Promise)
          throw new TypeError("timingFromSource needs a source that reads synchronously");
        cached = { start, values };
      }
      return toSeconds(Number(cached.values[index - cached.start]));
    },
  };
}

/** A run of regularly spaced samples that starts at its own time (after a pause or a gap). */
export interface ClockSegment {
  /** Index of the segment's first sample among all samples. */
  readonly firstIndex: number;
  /** Time of that sample in seconds. */
  readonly startingTime: number;
}

/**
 * The clock of samples taken at `rate` in segments, each starting at its own time (a paused Blackrock file,
 * a Neuralynx recording with gaps, Intan timestamps that skip samples). One segment is a regular clock;
 * more are irregular, computed per sample from the segment list (nothing per sample is stored).
 */
export function segmentedTiming(rate: number, segments: readonly ClockSegment[], count: number): Timing {
  const first = segments[0];
  if (first === undefined || first.firstIndex !== 0) {
    throw new RangeError("a segmented clock needs a first segment that starts at sample 0");
  }
  if (segments.length === 1) return { kind: "regular", rate, startingTime: first.startingTime, count };
  const starts = Float64Array.from(segments, (s) => s.firstIndex);
  const times = Float64Array.from(segments, (s) => s.startingTime);
  return {
    kind: "irregular",
    count,
    timeAt(index) {
      const k = lastIndexAtMost(starts, index);
      return times[k]! + (index - starts[k]!) / rate;
    },
  };
}
