/**
 * A recording and the spike sorting made from it, in one file: the sorting runs on the recording's clock
 * and each unit is linked to the electrode row of its peak channel.
 */
import { SourceDataError } from "../../errors.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { type ConverterOptions, ConverterPipe } from "../converter.js";
import type { Metadata } from "../metadata/schema.js";
import { addElectrodes } from "./recording.js";
import type { BaseRecordingInterface } from "./recordingInterface.js";
import type { BaseSortingInterface } from "./sorting.js";

/**
 * Writes a recording and its sorting: spike times are the sorting's sample indices on the recording's
 * clock (so alignment of the recording carries over), and `units.electrodes` points at the peak channel's
 * electrode row.
 *
 * @example
 * ```ts
 * const converter = new SortedRecordingConverter(
 *   new SpikeGLXRecordingInterface({ filePath: "run_g0_t0.imec0.ap.bin" }),
 *   new PhySortingInterface({ folderPath: "kilosort_output" }),
 * );
 * await converter.runConversion({ nwbfilePath: "session.nwb", metadata });
 * ```
 */
export class SortedRecordingConverter extends ConverterPipe {
  constructor(
    readonly recording: BaseRecordingInterface,
    readonly sorting: BaseSortingInterface,
  ) {
    super({ recording, sorting });
    if (Math.abs(sorting.samplingRate - recording.samplingRate) > 1e-6 * recording.samplingRate) {
      throw new SourceDataError(
        "sorting",
        `its sampling rate (${sorting.samplingRate} Hz) differs from the recording's (${recording.samplingRate} Hz); was it sorted from another stream?`,
      );
    }
  }

  /** The sorting's sample indices are the recording's: share its clock, aligned or not. */
  override temporallyAlignDataInterfaces(): void {
    const timing = this.recording.getTiming();
    this.sorting.setAlignedTiming({ ...timing, count: Math.max(timing.count, this.sorting.frameCount) });
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: ConverterOptions = {},
  ): Promise<void> {
    this.temporallyAlignDataInterfaces();
    const recordingOptions = options.conversionOptions?.recording ?? {};
    const sortingOptions = options.conversionOptions?.sorting ?? {};
    const stub = options.stubTest === undefined ? {} : { stubTest: options.stubTest };
    await this.recording.addToNwbfile(nwbfile, metadata, { ...stub, ...recordingOptions });
    const rows = addElectrodes(nwbfile, { channels: this.recording.channels }, metadata);
    const channels = rows.length;
    this.sorting.unitElectrodes = new Map(
      this.sorting.units.map((unit) => {
        const peak = unit.peakChannel;
        if (peak === undefined) return [unit.id, []];
        if (peak < 0 || peak >= channels) {
          throw new SourceDataError(
            "sorting",
            `unit ${unit.id}'s peak channel ${peak} is not among the recording's ${channels} channels; the sorting does not match this recording`,
          );
        }
        return [unit.id, [rows[peak]!]];
      }),
    );
    await this.sorting.addToNwbfile(nwbfile, metadata, { ...stub, ...sortingOptions });
  }
}
