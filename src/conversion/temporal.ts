/**
 * Interfaces whose data have a clock: the one timing API (original and aligned timestamps, starting time,
 * alignment by interpolation) shared by recordings, sortings, imaging and behavior.
 */
import type { StandardConversionOptions } from "./conversion.js";
import { BaseDataInterface } from "./interface.js";
import { Clock, type Timing } from "./timing.js";

/** Base of interfaces whose data have a clock: the timing API (original/aligned timestamps, alignment). */
export abstract class BaseTemporalInterface<
  Source extends object = object,
  O extends StandardConversionOptions = StandardConversionOptions,
> extends BaseDataInterface<Source, O> {
  private readonly clock = new Clock(() => this.getOriginalTiming());

  /** The source's own clock. */
  protected abstract getOriginalTiming(): Timing;

  /** The timing written to the file: aligned if set, else original. */
  getTiming(): Timing {
    return this.clock.getTiming();
  }

  /** The source's timestamps in seconds (materialized: 8 bytes per sample). */
  getOriginalTimestamps(): Float64Array {
    return this.clock.getOriginalTimestamps();
  }

  /** The timestamps that will be written, in seconds (materialized). */
  getTimestamps(): Float64Array {
    return this.clock.getTimestamps();
  }

  /** Replaces the timestamps (one per sample), e.g. with times measured on the session's main clock. */
  setAlignedTimestamps(timestamps: ArrayLike<number>): void {
    this.clock.setAlignedTimestamps(timestamps);
  }

  /** Places the first sample at `startingTime` seconds after the session start; regular stays regular. */
  setAlignedStartingTime(startingTime: number): void {
    this.clock.setAlignedStartingTime(startingTime);
  }

  /** Maps the timestamps through matching times on this clock and the main one (e.g. shared TTL pulses). */
  alignByInterpolation(unalignedTimes: ArrayLike<number>, alignedTimes: ArrayLike<number>): void {
    this.clock.alignByInterpolation(unalignedTimes, alignedTimes);
  }

  /** Shares another clock's timing (same samples), e.g. a sorting on its recording's clock. */
  setAlignedTiming(timing: Timing): void {
    this.clock.setAlignedTiming(timing);
  }
}
