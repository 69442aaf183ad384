/**
 * Writing imaging movies and segmentation results (ROIs and their traces) from the `Ophys` metadata.
 */
import { type ChunkSource, firstRows } from "../../data/lazy.js";
import { createImage, Images } from "../../nwb/containers/base.js";
import { Device } from "../../nwb/containers/ecephys.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { GroupNode, ndarray } from "../../nwb/containers/node.js";
import {
  Fluorescence,
  ImageSegmentation,
  ImagingPlane,
  OnePhotonSeries,
  PlaneSegmentation,
  RoiResponseSeries,
  type RoiRow,
  TwoPhotonSeries,
} from "../../nwb/containers/ophys.js";
import * as coreDefinitions from "../../nwb/types/coreDefinitions.js";
import { PLACEHOLDER_DESCRIPTION } from "../metadata/nwbfile.js";
import type { Metadata, OphysMetadata } from "../metadata/schema.js";
import { fromPynwbKeys } from "../metadata/schema.js";
import { seriesTiming, type Timing, truncateTiming } from "../timing.js";

/** An imaging movie as a format reader offers it. */
export interface Imaging {
  readonly samplingRate: number;
  /** Frames, (time, rows, columns). */
  readonly data: ChunkSource;
}

export type PhotonSeriesType = "TwoPhotonSeries" | "OnePhotonSeries";

/** Frames kept by a stub conversion (NeuroConv's default too). */
const STUB_FRAMES = 100;

function ophysOf(metadata: Metadata): OphysMetadata {
  return metadata.Ophys ?? {};
}

function ensureImagingPlane(nwbfile: NWBFile, metadata: Metadata, name: string): ImagingPlane {
  const section = nwbfile.generalSection("optophysiology");
  const existing = section.get(name);
  if (existing instanceof ImagingPlane) return existing;
  const ophys = ophysOf(metadata);
  const entry = ophys.ImagingPlane?.find((p) => p.name === name);
  const deviceName = entry?.device ?? ophys.Device?.[0]?.name ?? "Microscope";
  const deviceEntry = ophys.Device?.find((d) => d.name === deviceName);
  const device =
    nwbfile.getDevice(deviceName) ??
    nwbfile.addDevice(
      new Device({
        ...deviceEntry,
        name: deviceName,
        description: deviceEntry?.description ?? PLACEHOLDER_DESCRIPTION,
      }),
    );
  return section.add(
    new ImagingPlane({
      name,
      excitation_lambda: Number.NaN,
      indicator: "unknown",
      location: "unknown",
      optical_channel: [
        { name: "OpticalChannel", description: PLACEHOLDER_DESCRIPTION, emission_lambda: Number.NaN },
      ],
      ...(entry && fromPynwbKeys(coreDefinitions.ImagingPlane, entry)),
      device,
    }),
  );
}

/** Adds a movie as a TwoPhotonSeries or OnePhotonSeries in /acquisition. */
export function addImagingToNwbfile(
  nwbfile: NWBFile,
  imaging: Imaging,
  metadata: Metadata,
  options: {
    seriesType?: PhotonSeriesType;
    /** The metadata entry (by name) that describes this series, when there are several; default the first. */
    seriesName?: string;
    timing: Timing;
    stubTest?: boolean;
  },
): TwoPhotonSeries {
  const seriesType = options.seriesType ?? "TwoPhotonSeries";
  const entries = ophysOf(metadata)[seriesType];
  const entry =
    options.seriesName === undefined ? entries?.[0] : entries?.find((e) => e.name === options.seriesName);
  const planeName = entry?.imaging_plane ?? ophysOf(metadata).ImagingPlane?.[0]?.name ?? "ImagingPlane";
  const stub = options.stubTest ? STUB_FRAMES : undefined;
  const timing = stub ? truncateTiming(options.timing, stub) : options.timing;
  const seriesOptions = {
    // the type's own fields (pmt_gain, field_of_view, ...) as the metadata give them
    ...(entry &&
      fromPynwbKeys(
        seriesType === "TwoPhotonSeries" ? coreDefinitions.TwoPhotonSeries : coreDefinitions.OnePhotonSeries,
        entry,
      )),
    name: entry?.name ?? options.seriesName ?? seriesType,
    description: entry?.description ?? PLACEHOLDER_DESCRIPTION,
    unit: entry?.unit ?? "n.a.",
    data: stub ? firstRows(imaging.data, stub) : imaging.data,
    imaging_plane: ensureImagingPlane(nwbfile, metadata, planeName),
    ...seriesTiming(timing),
  };
  const series =
    seriesType === "TwoPhotonSeries"
      ? new TwoPhotonSeries(seriesOptions)
      : new OnePhotonSeries(seriesOptions);
  return nwbfile.addAcquisition(series);
}

/** One ROI as the pixels it covers: column (x), row (y) and weight of each. */
export interface PixelMask {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly weight: ArrayLike<number>;
}

/** ROIs with their masks and traces, as a format reader offers them. */
export interface Segmentation {
  readonly samplingRate: number;
  /** Image size, (x, y) = (columns, rows) of the imaged frame. */
  readonly imageShape: readonly [number, number];
  /** Dense masks, one per ROI, (x, y) row-major; or, for large frames, {@link pixelMasks}. */
  readonly imageMasks?: readonly (Float32Array | Float64Array)[];
  readonly pixelMasks?: readonly PixelMask[];
  readonly roiIds: readonly (number | string)[];
  /** Traces, (time, rois), keyed by kind: raw, neuropil, deconvolved, denoised, residual, dff. */
  readonly traces: Readonly<Record<string, ChunkSource>>;
  /** Whether each ROI was classified as a cell (written as Accepted and Rejected columns). */
  readonly accepted?: readonly boolean[];
  /** Summary images by name (mean, correlation, max, ...), each (x, y) row-major. */
  readonly images?: Readonly<Record<string, Float32Array | Float64Array>>;
  /**
   * Background components (CaImAn's `b` and `f`): their dense masks, (x, y) row-major, and traces
   * (time, components); written as a second PlaneSegmentation and its "Background" traces.
   */
  readonly background?: {
    readonly imageMasks: readonly (Float32Array | Float64Array)[];
    readonly traces: ChunkSource;
  };
}

/** Series name and description of each kind of trace. */
const TRACES: Record<string, readonly [string, string]> = {
  raw: ["RoiResponseSeries", "fluorescence"],
  neuropil: ["Neuropil", "neuropil fluorescence"],
  deconvolved: ["Deconvolved", "deconvolved activity (inferred spiking)"],
  denoised: ["Denoised", "denoised (model-fitted) fluorescence"],
  residual: [
    "Residuals",
    "residual fluorescence (data minus the fitted model; denoised + residual is the noisy trace)",
  ],
  background: ["Background", "background fluorescence"],
  baseline: ["Baseline", "baseline fluorescence (constant per ROI)"],
  initialCalcium: ["InitialCalcium", "decay of the calcium present at the first frame"],
  dff: ["DfOverF", "dF/F"],
};

/** Rows of the masks: pixel masks (x, y, weight) or dense (x, y) images. */
function maskRows(
  count: number,
  shape: readonly [number, number],
  pixelMasks: readonly PixelMask[] | undefined,
  imageMasks: readonly (Float32Array | Float64Array)[] | undefined,
): RoiRow[] {
  const [width, height] = shape;
  return Array.from({ length: count }, (_, i) => {
    const pixels = pixelMasks?.[i];
    if (pixels) {
      return {
        pixel_mask: Array.from(pixels.x, (x, p) => ({ x, y: pixels.y[p]!, weight: pixels.weight[p]! })),
      };
    }
    const dense = imageMasks?.[i];
    if (!dense) throw new RangeError(`ROI ${i} has neither a pixel mask nor an image mask`);
    return {
      image_mask: Array.from({ length: width }, (_, x) =>
        Array.from(dense.subarray(x * height, (x + 1) * height)),
      ),
    };
  });
}

/** The child of `module` named `name`, created by `create` when it is not there yet. */
function childOf<T extends GroupNode>(module: GroupNode, name: string, create: () => T): GroupNode {
  const existing = module.get(name);
  return existing instanceof GroupNode ? existing : module.add(create());
}

/** Adds a PlaneSegmentation (in processing/ophys/ImageSegmentation) and its traces (Fluorescence, DfOverF). */
export function addSegmentationToNwbfile(
  nwbfile: NWBFile,
  segmentation: Segmentation,
  metadata: Metadata,
  options: {
    timing: Timing;
    stubTest?: boolean;
    /** Added to the default names (plane segmentation, traces, images) when several planes share a file. */
    nameSuffix?: string;
  },
): PlaneSegmentation {
  const ophys = ophysOf(metadata);
  const suffix = options.nameSuffix ?? "";
  const planeEntry = suffix
    ? ophys.ImageSegmentation?.plane_segmentations.find((p) => p.name === `PlaneSegmentation${suffix}`)
    : ophys.ImageSegmentation?.plane_segmentations[0];
  const planeName = planeEntry?.imaging_plane ?? ophys.ImagingPlane?.[0]?.name ?? "ImagingPlane";
  const imagingPlane = ensureImagingPlane(nwbfile, metadata, planeName);
  const module = nwbfile.createProcessingModule("ophys", "processed optical physiology data");
  const rois = new PlaneSegmentation({
    name: planeEntry?.name ?? `PlaneSegmentation${suffix}`,
    description: planeEntry?.description ?? PLACEHOLDER_DESCRIPTION,
    imaging_plane: imagingPlane,
  });
  rois.addColumn({ name: "roi_name", description: "identifier of the ROI in the source", dtype: "utf8" });
  const [width, height] = segmentation.imageShape;
  const accepted = segmentation.accepted;
  if (accepted) {
    rois.addColumn({
      name: "Accepted",
      description: "1 if the ROI was classified as a cell, else 0",
      dtype: "int64",
    });
    rois.addColumn({
      name: "Rejected",
      description: "1 if the ROI was rejected as a cell, else 0",
      dtype: "int64",
    });
  }
  const masks = maskRows(
    segmentation.roiIds.length,
    segmentation.imageShape,
    segmentation.pixelMasks,
    segmentation.imageMasks,
  );
  segmentation.roiIds.forEach((id, i) => {
    rois.addRoi({
      ...masks[i],
      roi_name: String(id),
      ...(accepted && { Accepted: accepted[i] ? 1 : 0, Rejected: accepted[i] ? 0 : 1 }),
    });
  });
  const images = Object.entries(segmentation.images ?? {});
  if (images.length > 0) {
    module.add(
      new Images(
        `SegmentationImages${suffix}`,
        `summary images of ${rois.name}`,
        images.map(([name, pixels]) =>
          createImage({
            name,
            data: ndarray(pixels, [width, height]),
            description: `${name} image of the segmentation, (x, y)`,
          }),
        ),
      ),
    );
  }
  const segmentationName = ophys.ImageSegmentation?.name ?? "ImageSegmentation";
  const container = childOf(module, segmentationName, () => new ImageSegmentation([], segmentationName));
  container.add(rois);
  const stub = options.stubTest ? STUB_FRAMES : undefined;
  const timing = stub ? truncateTiming(options.timing, stub) : options.timing;
  const addTraces = (kind: string, source: ChunkSource, table: PlaneSegmentation) => {
    const [name, what] = TRACES[kind] ?? [kind, kind];
    const series = new RoiResponseSeries({
      name: `${name}${suffix}`,
      description: `${what} of the ROIs of ${table.name}`,
      data: stub ? firstRows(source, stub) : source,
      rois: table.createRoiTableRegion([...Array(table.length).keys()], `all ROIs of ${table.name}`),
      unit: "n.a.",
      ...seriesTiming(timing),
    });
    const type = kind === "dff" ? "DfOverF" : "Fluorescence";
    childOf(module, type, () => new Fluorescence([], { neurodataType: type })).add(series);
  };
  for (const [kind, source] of Object.entries(segmentation.traces)) addTraces(kind, source, rois);
  const background = segmentation.background;
  if (background) {
    const table = new PlaneSegmentation({
      name: `BackgroundPlaneSegmentation${suffix}`,
      description: `background components of ${rois.name}`,
      imaging_plane: imagingPlane,
    });
    const rows = maskRows(
      background.imageMasks.length,
      segmentation.imageShape,
      undefined,
      background.imageMasks,
    );
    for (const row of rows) table.addRoi(row);
    container.add(table);
    addTraces("background", background.traces, table);
  }
  return rois;
}
