/**
 * Suite2p segmentation: one plane (and channel) per interface; a converter for every plane.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import type { Segmentation } from "../../conversion/ophys/ophys.js";
import { BaseSegmentationInterface } from "../../conversion/ophys/segmentationInterface.js";
import { SourceArgumentsError } from "../../errors.js";
import { readSuite2pPlane, type Suite2pPlane, suite2pPlaneNames } from "../../formats/suite2p/index.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const Suite2pSegmentationSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "The 'suite2p' output folder (holding plane0, plane1, ...)." }),
    planeName: Type.Optional(Type.String({ description: 'The plane folder read (default "plane0").' })),
    channelName: Type.Optional(
      Type.Union([Type.Literal("chan1"), Type.Literal("chan2")], {
        description: 'The channel whose traces are written: "chan1" (default) or "chan2" (the _chan2 files).',
      }),
    ),
    samplingFrequency: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: "Frame rate in Hz, when ops['fs'] is not the true rate.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of Suite2pSegmentation, as a TypeScript type. */
export type Suite2pSegmentationSource = Static<typeof Suite2pSegmentationSourceSchema>;

/**
 * A Suite2p plane: PlaneSegmentation with pixel masks (`xpix`, `ypix`, `lam` of `stat.npy`), Accepted /
 * Rejected from `iscell.npy`, RoiResponseSeries (F), Neuropil (Fneu), Deconvolved (spks) at `ops["fs"]`,
 * and the mean, enhanced mean, correlation and max images of `ops.npy`.
 *
 * @example
 * ```ts
 * const s2p = new Suite2pSegmentationInterface({ folderPath: "suite2p", planeName: "plane0" });
 * await s2p.runConversion({ nwbfilePath: "rois.nwb", metadata });
 * ```
 */
export class Suite2pSegmentationInterface extends BaseSegmentationInterface<Suite2pSegmentationSource> {
  static override displayName = "Suite2p segmentation";
  static override keywords = ["Suite2p", "segmentation", "ROIs", "two-photon"];
  static override associatedSuffixes = [".npy"];
  static override info = "ROIs, traces and summary images from a Suite2p output folder.";
  static override sourceSchema: TObject = Suite2pSegmentationSourceSchema;

  readonly plane: Suite2pPlane;
  protected readonly segmentation: Segmentation;
  private readonly suffix: string;

  constructor(sourceData: Suite2pSegmentationSource, options: { nameSuffix?: string } = {}) {
    super(sourceData);
    const planes = suite2pPlaneNames(sourceData.folderPath);
    const planeName = sourceData.planeName ?? planes[0]!;
    if (!planes.includes(planeName)) {
      throw new SourceArgumentsError(Suite2pSegmentationInterface.name, [
        {
          path: "planeName",
          value: planeName,
          message: `no plane "${planeName}"; planes: ${planes.join(", ")}`,
        },
      ]);
    }
    this.suffix = options.nameSuffix ?? "";
    this.plane = readSuite2pPlane(join(sourceData.folderPath, planeName), {
      channel: sourceData.channelName === "chan2" ? 2 : 1,
    });
    const plane = this.plane;
    this.segmentation = {
      samplingRate: sourceData.samplingFrequency ?? plane.samplingRate,
      imageShape: [plane.width, plane.height],
      pixelMasks: plane.rois,
      roiIds: plane.rois.map((_, i) => i),
      traces: plane.traces,
      ...(plane.isCell && { accepted: plane.isCell }),
      images: plane.images,
    };
  }

  protected override get nameSuffix(): string {
    return this.suffix;
  }
}

/** The source arguments of the converter. */
export const Suite2pConverterSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "The 'suite2p' output folder (holding plane0, plane1, ...)." }),
    samplingFrequency: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: "Frame rate in Hz, when ops['fs'] is not the true rate.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of Suite2pConverter, as a TypeScript type. */
export type Suite2pConverterSource = Static<typeof Suite2pConverterSourceSchema>;

/**
 * Every plane of a Suite2p folder (and its second channel when saved); with several, names carry the plane
 * and channel (`PlaneSegmentationPlane1`, `RoiResponseSeriesPlane1Chan2`).
 *
 * @example
 * ```ts
 * await new Suite2pConverter({ folderPath: "suite2p" }).runConversion({ nwbfilePath: "rois.nwb", metadata });
 * ```
 */
export class Suite2pConverter extends ConverterPipe {
  static displayName = "Suite2p, every plane";
  static info = "Every plane and channel of a Suite2p output folder.";
  static associatedSuffixes = [".npy"];
  static sourceSchema: TObject = Suite2pConverterSourceSchema;

  static override getSourceSchema(): TObject {
    return Suite2pConverter.sourceSchema;
  }

  constructor(sourceData: Suite2pConverterSource) {
    const source = checkSourceArguments(Suite2pConverter, sourceData);
    const planes = suite2pPlaneNames(source.folderPath);
    const interfaces: Suite2pSegmentationInterface[] = [];
    for (const planeName of planes) {
      const first = new Suite2pSegmentationInterface(
        { ...source, planeName },
        { nameSuffix: planes.length > 1 ? `Plane${planeName.slice(5)}` : "" },
      );
      interfaces.push(first);
      if (hasSecondChannel(source.folderPath, planeName)) {
        interfaces.push(
          new Suite2pSegmentationInterface(
            { ...source, planeName, channelName: "chan2" },
            { nameSuffix: `${planes.length > 1 ? `Plane${planeName.slice(5)}` : ""}Chan2` },
          ),
        );
      }
    }
    super(interfaces);
  }
}

function hasSecondChannel(folderPath: string, planeName: string): boolean {
  return existsSync(join(folderPath, planeName, "F_chan2.npy"));
}
