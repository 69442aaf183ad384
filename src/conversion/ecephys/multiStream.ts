/**
 * Recording interfaces whose source holds several streams (one per sampling rate or channel group: a
 * Neuralynx folder, a Plexon file, a Spike2 file) and writes all of them, or the one the user names.
 */
import { SourceDataError } from "../../errors.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import type { Metadata } from "../metadata/schema.js";
import type { Timing } from "../timing.js";
import { addRecordingToNwbfile, type Recording } from "./recording.js";
import {
  BaseRecordingInterface,
  type RecordingConversionOptions,
  type RecordingMetadata,
} from "./recordingInterface.js";

/** One stream: its ElectricalSeries key (also its default name), samples and clock. */
export interface RecordingStream {
  readonly key: string;
  readonly recording: Recording;
  readonly timing: () => Timing;
  readonly description: string;
}

/**
 * The streams to write: every one, or the one called `wanted`; an unknown name is an error naming the file
 * and the streams it has.
 */
export function pickStreams<T extends { readonly name: string }>(
  all: readonly T[],
  wanted: string | undefined,
  path: string,
): T[] {
  const chosen = wanted === undefined ? [...all] : all.filter((s) => s.name === wanted);
  if (chosen.length === 0) {
    throw new SourceDataError(
      path,
      `has no stream '${wanted}'; its streams are ${all.map((s) => s.name).join(", ")}`,
    );
  }
  return chosen;
}

/**
 * Base of interfaces that write several ElectricalSeries. The timing API (alignment) applies to the first
 * stream; the others keep their own clocks.
 */
export abstract class MultiStreamRecordingInterface<
  Source extends object = object,
> extends BaseRecordingInterface<Source> {
  /** Set by the subclass constructor, first stream first. */
  protected abstract readonly streams: readonly RecordingStream[];

  protected get recording(): Recording {
    return this.streams[0]!.recording;
  }

  override get seriesKey(): string {
    return this.streams[0]!.key;
  }

  protected override getOriginalTiming(): Timing {
    return this.streams[0]!.timing();
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    for (const stream of this.streams) {
      metadata.Ecephys[stream.key] = { name: stream.key, description: stream.description };
    }
    return metadata;
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void | Promise<void> {
    for (const [i, stream] of this.streams.entries()) {
      addRecordingToNwbfile(nwbfile, stream.recording, metadata, {
        seriesKey: stream.key,
        timing: i === 0 ? this.getTiming() : stream.timing(),
        ...(options.writeAs && { writeAs: options.writeAs }),
        ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
      });
    }
  }
}
