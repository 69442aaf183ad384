/**
 * What the frame timestamps of a video say: a regular rate or a variable one, and where frames are missing.
 */
import type { VideoIndex } from "./types.js";

/** A place where the interval between two frames spans more than one frame period. */
export interface FrameGap {
  /** Index of the frame after the gap. */
  readonly frame: number;
  /** Frame periods missing, estimated from the typical interval. */
  readonly missingFrames: number;
}

export interface FrameTiming {
  /** Whether one rate places every frame within one tick of the container's clock of its time. */
  readonly regular: boolean;
  /** Frames per second: the fitting rate when regular, else the typical interval's (used to find gaps). */
  readonly rate: number;
  /** Time of the first frame in seconds. */
  readonly startTime: number;
  /** Intervals longer than 1.5 typical intervals (dropped frames in a constant-rate recording). */
  readonly gaps: readonly FrameGap[];
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A whole or NTSC (n × 1000/1001) rate near `rate`, then `rate` itself: cameras run at those rates. */
function roundedRates(rate: number): number[] {
  return [Math.round(rate), Math.round(rate * 1.001) / 1.001, rate].filter((r) => r > 0);
}

/**
 * Regularity, rate and gaps of a video's frame times. The timing is regular when one rate places every
 * frame within one tick of the container's clock of its time (containers round times to whole ticks); the
 * rate is the container's nominal one when it fits, else the simplest fitting one (a whole or NTSC rate
 * before the exact mean). A nominal rate that does not match the frames (an AVI at 600 Hz holding empty
 * chunks between frames) is not used.
 *
 * @example
 * ```ts
 * const timing = analyzeFrameTiming(readVideoIndex("session.mp4"));
 * if (!timing.regular) console.log("variable frame rate; gaps:", timing.gaps);
 * ```
 */
export function analyzeFrameTiming(index: VideoIndex): FrameTiming {
  const t = index.timestamps;
  const n = t.length;
  const startTime = t[0] ?? 0;
  if (n < 2) return { regular: true, rate: index.nominalRate ?? 0, startTime, gaps: [] };
  const tick = 1 / index.clockRate;
  const tolerance = tick * (1 + 1e-9) + 1e-12;
  const fits = (rate: number) => {
    for (let i = 0; i < n; i++) if (Math.abs(t[i]! - startTime - i / rate) > tolerance) return false;
    return true;
  };
  const intervals = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) intervals[i - 1] = t[i]! - t[i - 1]!;
  const typicalTicks = Math.max(1, Math.round(median(intervals) * index.clockRate));
  const exactRate = index.clockRate / typicalTicks;
  const meanRate = (n - 1) / (t[n - 1]! - startTime);
  const candidates = [
    ...(index.nominalRate ? [index.nominalRate] : []),
    exactRate,
    ...roundedRates(meanRate),
  ];
  const fitting = candidates.find(fits);
  // without a fitting rate, the typical interval (snapped to a camera rate when within a tick) finds the gaps
  const rate =
    fitting ??
    [...(index.nominalRate ? [index.nominalRate] : []), ...roundedRates(exactRate)].find(
      (r) => Math.abs(1 / r - typicalTicks * tick) <= tolerance,
    ) ??
    exactRate;
  const gaps: FrameGap[] = [];
  intervals.forEach((interval, i) => {
    if (interval > 1.5 / rate) gaps.push({ frame: i + 1, missingFrames: Math.round(interval * rate) - 1 });
  });
  return { regular: fitting !== undefined, rate, startTime, gaps };
}
