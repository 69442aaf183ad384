/**
 * Optical physiology: OpticalChannel, ImagingPlane, TwoPhotonSeries, OnePhotonSeries, ImageSegmentation,
 * PlaneSegmentation, Fluorescence and RoiResponseSeries.
 */

import { toTypedArray } from "../../data/dtype.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import { columnSpec, columnsOf } from "../types/definition.js";
import { Container, coreType, TimeSeries, type TimeSeriesOptions } from "./base.js";
import type { Device } from "./ecephys.js";
import { ImageSeries, type ImageSeriesOptions } from "./image.js";
import { DatasetNode, GroupNode, type NodeReference } from "./node.js";
import { DynamicTable, ROW_INDEX_DTYPE } from "./table.js";

export interface OpticalChannelOptions {
  readonly name: string;
  readonly description: string;
  /** Emission wavelength in nm. */
  readonly emission_lambda: number;
}

export interface ImagingPlaneOptions {
  readonly name: string;
  readonly description?: string;
  readonly device: Device;
  readonly optical_channel: readonly OpticalChannelOptions[];
  /** Excitation wavelength in nm. */
  readonly excitation_lambda: number;
  /** Calcium indicator, e.g. "GCaMP6f". */
  readonly indicator: string;
  /** Brain area imaged. */
  readonly location: string;
  /** Frame rate in Hz. */
  readonly imaging_rate?: number;
  /** Physical size of a pixel (and plane), in meters, per axis. */
  readonly grid_spacing?: readonly number[];
  readonly origin_coords?: readonly number[];
  readonly reference_frame?: string;
}

/**
 * An imaged plane, stored under `/general/optophysiology`.
 *
 * @example
 * ```ts
 * const plane = nwbfile.addImagingPlane(new ImagingPlane({ name: "ImagingPlane", device: scope,
 *   optical_channel: [{ name: "green", description: "GCaMP", emission_lambda: 510 }],
 *   excitation_lambda: 920, indicator: "GCaMP6f", location: "V1", imaging_rate: 30 }));
 * ```
 */
export class ImagingPlane extends Container {
  constructor(options: ImagingPlaneOptions) {
    super("ImagingPlane", options.name);
    // optional in the schema, but pynwb cannot read an ImagingPlane without it
    this.setDataset("description", options.description ?? "no description");
    this.setDataset("excitation_lambda", options.excitation_lambda);
    this.setDataset("imaging_rate", options.imaging_rate);
    this.setDataset("indicator", options.indicator);
    this.setDataset("location", options.location);
    if (options.grid_spacing) this.setDataset("grid_spacing", Float32Array.from(options.grid_spacing));
    if (options.origin_coords) this.setDataset("origin_coords", Float32Array.from(options.origin_coords));
    this.setDataset("reference_frame", options.reference_frame);
    for (const channel of options.optical_channel) {
      const node = this.add(new Container("OpticalChannel", channel.name));
      node.setDataset("description", channel.description);
      node.setDataset("emission_lambda", channel.emission_lambda);
    }
    this.setLink("device", options.device);
  }
}

export interface PhotonSeriesOptions extends ImageSeriesOptions {
  readonly imaging_plane: ImagingPlane;
  /** Width and height (and depth) of the field of view, in meters. */
  readonly field_of_view?: readonly number[];
  readonly pmt_gain?: number;
  readonly scan_line_rate?: number;
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
    options: PhotonSeriesOptions,
    neurodataType: "TwoPhotonSeries" | "OnePhotonSeries" = "TwoPhotonSeries",
  ) {
    super(options, coreType(neurodataType));
    this.setAttribute("pmt_gain", options.pmt_gain);
    this.setAttribute("scan_line_rate", options.scan_line_rate);
    if (options.field_of_view && neurodataType === "TwoPhotonSeries") {
      this.setDataset("field_of_view", Float32Array.from(options.field_of_view));
    }
    this.setLink("imaging_plane", options.imaging_plane);
  }
}

/** One-photon (widefield, miniscope) imaging data. */
export class OnePhotonSeries extends TwoPhotonSeries {
  constructor(options: PhotonSeriesOptions) {
    super(options, "OnePhotonSeries");
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
