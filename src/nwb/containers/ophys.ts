/**
 * Optical physiology: OpticalChannel, ImagingPlane, TwoPhotonSeries, OnePhotonSeries, ImageSegmentation,
 * PlaneSegmentation, Fluorescence and RoiResponseSeries.
 */

import { toTypedArray } from "../../data/dtype.js";
import * as core from "../types/core.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import {
  applyFields,
  columnSpec,
  columnsOf,
  type FieldDefinition,
  fieldsOf,
  type TypeDefinition,
} from "../types/definition.js";
import { coreType, TimeSeries, type TimeSeriesOptions } from "./base.js";
import type { Device } from "./ecephys.js";
import { ImageSeries, type ImageSeriesOptions } from "./image.js";
import { DatasetNode, GroupNode, type NodeReference } from "./node.js";
import { DynamicTable, ROW_INDEX_DTYPE } from "./table.js";

/** An optical channel as its generated type takes it: name, description, emission_lambda (nm). */
export type OpticalChannelOptions = core.OpticalChannelOptions;

/** ImagingPlane fields from the schema; the device and the optical channels are given as objects. */
export type ImagingPlaneOptions = Omit<core.ImagingPlaneOptions, "optical_channel" | "device"> & {
  readonly device: Device;
  readonly optical_channel: readonly OpticalChannelOptions[];
};

/**
 * An imaged plane, stored under `/general/optophysiology`; its fields are the generated ImagingPlane's.
 *
 * @example
 * ```ts
 * const plane = nwbfile.addImagingPlane(new ImagingPlane({ name: "ImagingPlane", device: scope,
 *   optical_channel: [{ name: "green", description: "GCaMP", emission_lambda: 510 }],
 *   excitation_lambda: 920, indicator: "GCaMP6f", location: "V1", imaging_rate: 30 }));
 * ```
 */
export class ImagingPlane extends core.ImagingPlane {
  constructor(options: ImagingPlaneOptions) {
    super({
      ...options,
      // optional in the schema, but pynwb cannot read an ImagingPlane without it
      description: options.description ?? "no description",
      optical_channel: options.optical_channel.map((channel) => new core.OpticalChannel(channel)),
    });
  }
}

/** The fields a photon series type adds to ImageSeries (pmt_gain, field_of_view, ...), from the schema. */
type PhotonFields<O> = Omit<O, keyof core.ImageSeriesOptions | "imaging_plane">;

/** Options of both photon series: an ImageSeries of one imaging plane. */
export interface PhotonSeriesOptions extends ImageSeriesOptions {
  readonly imaging_plane: ImagingPlane;
}

/** Options of {@link TwoPhotonSeries}: pmt_gain, scan_line_rate and field_of_view as the schema has them. */
export type TwoPhotonSeriesOptions = PhotonSeriesOptions & PhotonFields<core.TwoPhotonSeriesOptions>;

/** Options of {@link OnePhotonSeries}: exposure_time, binning, power, ... as the schema has them. */
export type OnePhotonSeriesOptions = PhotonSeriesOptions & PhotonFields<core.OnePhotonSeriesOptions>;

/** The fields a photon series' definition adds to ImageSeries (its own and its parents' below ImageSeries). */
function photonFields(definition: TypeDefinition): FieldDefinition[] {
  const imageSeries = new Set(fieldsOf(coreDefinitions.ImageSeries).map((f) => f.key));
  return fieldsOf(definition).filter((f) => !imageSeries.has(f.key));
}

/**
 * Two-photon imaging data, (frames, x, y) or (frames, x, y, z).
 *
 * @example
 * ```ts
 * nwbfile.addAcquisition(new TwoPhotonSeries({ name: "TwoPhotonSeries", data: movie, imaging_plane: plane,
 *   rate: 30, unit: "n.a." }));
 * ```
 */
export class TwoPhotonSeries extends ImageSeries {
  constructor(
    options: TwoPhotonSeriesOptions | OnePhotonSeriesOptions,
    definition: TypeDefinition = coreDefinitions.TwoPhotonSeries,
  ) {
    super(options, coreType(definition.neurodataType));
    applyFields(this, photonFields(definition), { ...options });
  }
}

/** One-photon (widefield, miniscope) imaging data. */
export class OnePhotonSeries extends TwoPhotonSeries {
  constructor(options: OnePhotonSeriesOptions) {
    super(options, coreDefinitions.OnePhotonSeries);
  }
}

/** One ROI: either a dense mask (x, y) or the pixels it covers with weights. */
export interface RoiRow {
  readonly image_mask?: Float32Array | readonly (readonly number[])[];
  readonly pixel_mask?: readonly { x: number; y: number; weight: number }[];
  readonly [column: string]: unknown;
}

/**
 * Regions of interest of one imaging plane, as a table (one row per ROI).
 *
 * @example
 * ```ts
 * const rois = new PlaneSegmentation({ name: "PlaneSegmentation", description: "suite2p ROIs", imaging_plane: plane });
 * rois.addRoi({ pixel_mask: [{ x: 10, y: 12, weight: 1 }] });
 * ```
 */
export class PlaneSegmentation extends DynamicTable {
  constructor(options: { name: string; description: string; imaging_plane: ImagingPlane }) {
    super(
      {
        name: options.name,
        description: options.description,
        columns: columnsOf(coreDefinitions.PlaneSegmentation)
          .filter((c) => !c.region)
          .map((c) => columnSpec(c)),
      },
      coreType("PlaneSegmentation"),
    );
    this.subgroup("reference_images");
    this.setLink("imaging_plane", options.imaging_plane);
  }

  addRoi(row: RoiRow): number {
    return this.addRow(row);
  }

  /** Rows of this table, for a RoiResponseSeries. */
  createRoiTableRegion(rows: readonly number[], description: string): RoiRegion {
    for (const row of rows) {
      if (!Number.isInteger(row) || row < 0 || row >= this.length) {
        throw new RangeError(`ROI row ${row} is not in '${this.name}' (${this.length} rows)`);
      }
    }
    return { table: this, rows, description };
  }
}

export interface RoiRegion {
  readonly table: PlaneSegmentation;
  readonly rows: readonly number[];
  readonly description: string;
}

/** Container of PlaneSegmentation tables (usually in the "ophys" processing module). */
export class ImageSegmentation extends GroupNode {
  constructor(planes: readonly PlaneSegmentation[], name = "ImageSegmentation") {
    super(name, coreType("ImageSegmentation"));
    for (const plane of planes) this.add(plane);
  }
}

export interface RoiResponseSeriesOptions extends TimeSeriesOptions {
  readonly rois: RoiRegion;
}

/** Traces of ROIs over time, (time, rois). */
export class RoiResponseSeries extends TimeSeries {
  constructor(options: RoiResponseSeriesOptions) {
    super(options, coreType("RoiResponseSeries"));
    const region = this.add(
      new DatasetNode("rois", toTypedArray(options.rois.rows, ROW_INDEX_DTYPE), {
        type: { neurodataType: "DynamicTableRegion", namespace: "hdmf-common" },
      }),
    );
    region.setAttribute("description", options.rois.description);
    region.setAttribute("table", options.rois.table as NodeReference);
  }
}

/**
 * Fluorescence traces (RoiResponseSeries), or with `neurodataType: "DfOverF"` normalized ones.
 *
 * @example
 * ```ts
 * ophys.add(new Fluorescence([new RoiResponseSeries({ name: "RoiResponseSeries", data, rois, unit: "n.a.", rate: 30 })]));
 * ```
 */
export class Fluorescence extends GroupNode {
  constructor(
    series: readonly RoiResponseSeries[],
    options: { name?: string; neurodataType?: "Fluorescence" | "DfOverF" } = {},
  ) {
    const type = options.neurodataType ?? "Fluorescence";
    super(options.name ?? type, coreType(type));
    for (const s of series) this.add(s);
  }
}
