/**
 * BaseSegmentationInterface: what every segmentation format (Suite2p, CaImAn, ...) shares: the trace clock,
 * default Ophys metadata, and writing ROIs, traces and summary images.
 */
import type { NWBFile } from "../../nwb/containers/file.js";
import type { Metadata } from "../metadata/schema.js";
import { BaseTemporalInterface } from "../temporal.js";
import type { Timing } from "../timing.js";
import { addSegmentationToNwbfile, type Segmentation } from "./ophys.js";

/**
 * Base of the segmentation interfaces: a subclass sets `segmentation` (ROI masks, traces, acceptance,
 * images) and may override `nameSuffix` when several planes share a file.
 *
 * @example
 * ```ts
 * class MyRois extends BaseSegmentationInterface<{ folderPath: string }> {
 *   protected readonly segmentation = { samplingRate: 30, imageShape: [512, 512], pixelMasks, roiIds, traces: { raw } };
 * }
 * ```
 */
export abstract class BaseSegmentationInterface<
  Source extends object = object,
> extends BaseTemporalInterface<Source> {
  /** ROIs and traces, set by the subclass constructor. */
  protected abstract readonly segmentation: Segmentation;

  /** Added to the names of what is written when several planes go into one file (e.g. "Plane1"). */
  protected get nameSuffix(): string {
    return "";
  }

  /** The frame rate stated in the metadata's ImagingPlane (undefined while the source is not read yet). */
  protected get imagingRate(): number | undefined {
    return this.segmentation.samplingRate;
  }

  get numRois(): number {
    return this.segmentation.roiIds.length;
  }

  get numFrames(): number {
    return Object.values(this.segmentation.traces)[0]?.shape[0] ?? 0;
  }

  protected override getOriginalTiming(): Timing {
    return { kind: "regular", rate: this.segmentation.samplingRate, startingTime: 0, count: this.numFrames };
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const suffix = this.nameSuffix;
    const rate = this.imagingRate;
    return {
      ...metadata,
      Ophys: {
        Device: [{ name: "Microscope" }],
        ImagingPlane: [
          {
            name: `ImagingPlane${suffix}`,
            description: "The plane imaged for the segmentation.",
            device: "Microscope",
            excitation_lambda: Number.NaN,
            indicator: "unknown",
            location: "unknown",
            ...(rate !== undefined && { imaging_rate: rate }),
            optical_channel: [
              {
                name: "OpticalChannel",
                description: "An optical channel of the microscope.",
                emission_lambda: Number.NaN,
              },
            ],
          },
        ],
        ImageSegmentation: {
          name: "ImageSegmentation",
          plane_segmentations: [
            {
              name: `PlaneSegmentation${suffix}`,
              description: "Segmented ROIs",
              imaging_plane: `ImagingPlane${suffix}`,
            },
          ],
        },
      },
    };
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    addSegmentationToNwbfile(nwbfile, this.segmentation, metadata, {
      timing: this.getTiming(),
      nameSuffix: this.nameSuffix,
      ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
    });
  }
}
