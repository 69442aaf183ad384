/**
 * Neuralynx video tracker output (`.nvt`) as Position and CompassDirection.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { seriesTiming, timingFromTimestamps, truncateTiming } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { type NeuralynxVideoTracking, readNeuralynxVideoTracking } from "../../formats/neuralynx/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { ndarray } from "../../nwb/containers/node.js";
import { CompassDirection, Position, SpatialSeries } from "../../nwb/types/core.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const NeuralynxNvtSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The Neuralynx video tracker file (.nvt, e.g. VT1.nvt)." }),
  },
  { additionalProperties: false },
);

/** Source arguments of {@link NeuralynxNvtInterface}. */
export type NeuralynxNvtSource = Static<typeof NeuralynxNvtSourceSchema>;

/** Records written by a stub conversion. */
const STUB_RECORDS = 100;

const IMAGE_FRAME = "(0,0) is the top-left corner of the camera image; x to the right, y down, in pixels.";

/**
 * A Neuralynx video tracker file in acquisition: `Position` "NvtPosition" with the extracted x, y in pixels
 * ("NvtSpatialSeries") and, when the tracker computed head angles, `CompassDirection` "NvtCompassDirection"
 * ("NvtHeadDirection", degrees). Records where the tracker found nothing (x = y = 0) are NaN, as are angles
 * of 0 (not computed). Times are the record timestamps in seconds from the first record; the session starts
 * when the file was opened (header). The raw points and targets are not written (a warning says so).
 *
 * @example
 * ```ts
 * const tracker = new NeuralynxNvtInterface({ filePath: "VT1.nvt" });
 * await tracker.runConversion({ nwbfilePath: "tracking.nwb" });
 * ```
 */
export class NeuralynxNvtInterface extends BaseDataInterface<NeuralynxNvtSource> {
  static override displayName = "Neuralynx video tracker";
  static override keywords = ["Neuralynx", "video tracking", "position", "head direction", "Cheetah"];
  static override associatedSuffixes = [".nvt"];
  static override info = "Neuralynx video tracker (.nvt) positions and head direction.";
  static override sourceSchema: TObject = NeuralynxNvtSourceSchema;

  readonly tracking: NeuralynxVideoTracking;

  constructor(sourceData: NeuralynxNvtSource) {
    super(sourceData);
    this.tracking = readNeuralynxVideoTracking(sourceData.filePath);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.tracking.header.timeOpened;
  }

  override addToNwbfile(nwbfile: NWBFile, _metadata: Metadata, options?: StandardConversionOptions): void {
    const { micros, x, y, angle, path } = this.tracking;
    const count = options?.stubTest ? Math.min(STUB_RECORDS, micros.length) : micros.length;
    const timing = truncateTiming(timingFromTimestamps(micros.map((m) => (m - micros[0]!) / 1e6)), count);
    const xy = new Float64Array(count * 2);
    let missing = 0;
    for (let i = 0; i < count; i++) {
      const found = x[i] !== 0 || y[i] !== 0;
      if (!found) missing++;
      xy[2 * i] = found ? x[i]! : Number.NaN;
      xy[2 * i + 1] = found ? y[i]! : Number.NaN;
    }
    const header = Object.fromEntries(this.tracking.header.entries);
    const position = new SpatialSeries({
      name: "NvtSpatialSeries",
      description: `Extracted x, y of the tracked target in pixels; NaN in the ${missing} records where the tracker found nothing (stored as 0, 0). Header: ${JSON.stringify(header)}`,
      data: ndarray(xy, [count, 2]),
      unit: "pixels",
      reference_frame: IMAGE_FRAME,
      ...seriesTiming(timing),
    });
    nwbfile.addAcquisition(new Position({ name: "NvtPosition", spatial_series: [position] }));
    const headings = Float64Array.from(angle.subarray(0, count), (a) => (a === 0 ? Number.NaN : a));
    if (headings.every(Number.isNaN)) {
      emitNeuroconvWarning(
        `${path}: every extracted angle is 0 (head direction not tracked); no CompassDirection written`,
      );
    } else {
      const direction = new SpatialSeries({
        name: "NvtHeadDirection",
        description: "Head direction computed by the video tracker; NaN where it stored 0 (not computed).",
        data: headings,
        unit: "degrees",
        reference_frame: `Tracker angle in degrees (header -DirectionOffset ${header.DirectionOffset ?? "not stated"}).`,
        ...seriesTiming(timing),
      });
      nwbfile.addAcquisition(
        new CompassDirection({ name: "NvtCompassDirection", spatial_series: [direction] }),
      );
    }
    emitNeuroconvWarning(
      `${path}: the raw tracker points and targets of each record are not written (only the extracted x, y and angle)`,
    );
  }
}
