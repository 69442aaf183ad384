/**
 * BaseImagingInterface: what every imaging format (TIFF, ScanImage, Bruker, Miniscope) shares: the frame
 * clock, the default Ophys metadata (device, imaging plane, series entry) and writing the movie.
 */
import type { NWBFile } from "../../nwb/containers/file.js";
import type { Metadata, OphysMetadata } from "../metadata/schema.js";
import { BaseTemporalInterface } from "../temporal.js";
import type { Timing } from "../timing.js";
import { addImagingToNwbfile, type Imaging, type PhotonSeriesType } from "./ophys.js";

/** What the source says about the series, for the default metadata. */
export interface ImagingDescription {
  /** Metadata entry and NWB name of the series (default: the series type). */
  readonly seriesName?: string;
  /** Name of its ImagingPlane (default "ImagingPlane"). */
  readonly planeName?: string;
  readonly deviceName?: string;
  readonly deviceDescription?: string;
  readonly planeDescription?: string;
  readonly opticalChannelName?: string;
  /** Pixel size (and plane spacing), in meters. */
  readonly gridSpacing?: readonly number[];
  readonly seriesDescription?: string;
}

/**
 * Base of the imaging interfaces: a subclass sets `imaging` (rate and lazy frames) and may override
 * `description` (names, device, pixel size) and `getOriginalTiming` (per-frame times).
 *
 * @example
 * ```ts
 * class MyImaging extends BaseImagingInterface<{ filePath: string }> {
 *   protected readonly imaging = { samplingRate: 30, data: myFrames };
 * }
 * ```
 */
export abstract class BaseImagingInterface<
  Source extends object = object,
> extends BaseTemporalInterface<Source> {
  /** The movie, set by the subclass constructor. */
  protected abstract readonly imaging: Imaging;

  /** TwoPhotonSeries unless the microscope is one-photon. */
  protected get seriesType(): PhotonSeriesType {
    return "TwoPhotonSeries";
  }

  /** Names and what the source states about the plane and device. */
  protected get description(): ImagingDescription {
    return {};
  }

  /** Frames, (time, x, y) or (time, x, y, z). */
  get data() {
    return this.imaging.data;
  }

  get numFrames(): number {
    return this.imaging.data.shape[0] ?? 0;
  }

  /** Regular at the source's rate from 0; subclasses with per-frame times override. */
  protected override getOriginalTiming(): Timing {
    return { kind: "regular", rate: this.imaging.samplingRate, startingTime: 0, count: this.numFrames };
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const d = this.description;
    const deviceName = d.deviceName ?? "Microscope";
    const planeName = d.planeName ?? "ImagingPlane";
    const ophys: OphysMetadata = {
      Device: [{ name: deviceName, ...(d.deviceDescription && { description: d.deviceDescription }) }],
      ImagingPlane: [
        {
          name: planeName,
          description: d.planeDescription ?? "The plane or volume being imaged by the microscope.",
          device: deviceName,
          excitation_lambda: Number.NaN,
          indicator: "unknown",
          location: "unknown",
          imaging_rate: this.imaging.samplingRate,
          ...(d.gridSpacing && { grid_spacing: [...d.gridSpacing] }),
          optical_channel: [
            {
              name: d.opticalChannelName ?? "OpticalChannel",
              description: "An optical channel of the microscope.",
              emission_lambda: Number.NaN,
            },
          ],
        },
      ],
      [this.seriesType]: [
        {
          name: d.seriesName ?? this.seriesType,
          description: d.seriesDescription ?? "Imaging data from the microscope.",
          imaging_plane: planeName,
          unit: "n.a.",
        },
      ],
    };
    return { ...metadata, Ophys: ophys };
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    addImagingToNwbfile(nwbfile, this.imaging, metadata, {
      seriesType: this.seriesType,
      seriesName: this.description.seriesName ?? this.seriesType,
      timing: this.getTiming(),
      ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
    });
  }
}
