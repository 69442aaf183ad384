/**
 * Generic multi-page TIFF stacks (one or many files) as a TwoPhotonSeries, one channel, one or more planes.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { BaseImagingInterface } from "../../conversion/ophys/imagingInterface.js";
import type { Imaging } from "../../conversion/ophys/ophys.js";
import { SourceArgumentsError } from "../../errors.js";
import {
  DIMENSION_ORDERS,
  type DimensionOrder,
  hyperstack,
  PageSequence,
  pageStack,
} from "../../formats/tiff/index.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const TiffImagingSourceSchema = Type.Object(
  {
    filePath: Type.Optional(Type.String({ description: "The TIFF file (classic or BigTIFF, multi-page)." })),
    filePaths: Type.Optional(
      Type.Array(Type.String(), {
        description: "Several TIFF files whose pages follow each other, in order.",
      }),
    ),
    samplingFrequency: Type.Number({ exclusiveMinimum: 0, description: "Frame (or volume) rate in Hz." }),
    dimensionOrder: Type.Optional(
      Type.Union(
        DIMENSION_ORDERS.map((o) => Type.Literal(o)),
        {
          description:
            'Order in which pages step through planes (Z), channels (C) and time (T), fastest first (default "ZCT").',
        },
      ),
    ),
    numChannels: Type.Optional(
      Type.Integer({ minimum: 1, description: "Channels interleaved in the pages (default 1)." }),
    ),
    numPlanes: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: "Planes per volume (default 1); more than one writes a volumetric series.",
      }),
    ),
    channelName: Type.Optional(
      Type.String({ description: 'The channel written, by 0-based index ("0", "1", ...; default "0").' }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of TiffImaging, as a TypeScript type. */
export type TiffImagingSource = Static<typeof TiffImagingSourceSchema>;

/**
 * A TIFF stack as a TwoPhotonSeries (frames, x, y) or, with `numPlanes` > 1, (frames, x, y, z). Pages are
 * read one at a time while the file is written; trailing pages that do not complete a frame are left out
 * with a warning.
 *
 * @example
 * ```ts
 * const tiff = new TiffImagingInterface({ filePath: "stack.tif", samplingFrequency: 30 });
 * await tiff.runConversion({ nwbfilePath: "stack.nwb", metadata });
 * ```
 */
export class TiffImagingInterface extends BaseImagingInterface<TiffImagingSource> {
  static override displayName = "TIFF imaging";
  static override keywords = ["TIFF", "two-photon", "imaging", "multi-page"];
  static override associatedSuffixes = [".tif", ".tiff"];
  static override info = "Multi-page TIFF stacks (classic or BigTIFF, one or several files) of imaging data.";
  static override sourceSchema: TObject = TiffImagingSourceSchema;

  protected readonly imaging: Imaging;

  constructor(sourceData: TiffImagingSource) {
    super(sourceData);
    const paths = sourceData.filePaths ?? (sourceData.filePath === undefined ? [] : [sourceData.filePath]);
    if (paths.length === 0 || (sourceData.filePath !== undefined && sourceData.filePaths !== undefined)) {
      throw new SourceArgumentsError(TiffImagingInterface.name, [
        {
          path: "filePath",
          value: sourceData.filePath,
          message: "give either filePath or filePaths (one of them)",
        },
      ]);
    }
    const numChannels = sourceData.numChannels ?? 1;
    const channel = Number(sourceData.channelName ?? "0");
    if (!Number.isInteger(channel) || channel < 0 || channel >= numChannels) {
      throw new SourceArgumentsError(TiffImagingInterface.name, [
        {
          path: "channelName",
          value: sourceData.channelName,
          message: `"${sourceData.channelName}" is not a channel index of the ${numChannels} channel(s): use "0" to "${numChannels - 1}"`,
        },
      ]);
    }
    const layout = hyperstack(PageSequence.open(paths), {
      dimensionOrder: (sourceData.dimensionOrder ?? "ZCT") as DimensionOrder,
      numChannels,
      numPlanes: sourceData.numPlanes ?? 1,
      channel,
    });
    if (layout.leftOver > 0) {
      process.emitWarning(
        `${paths.at(-1)}: the last ${layout.leftOver} page(s) do not complete a frame of ${numChannels} channel(s) × ${sourceData.numPlanes ?? 1} plane(s) and are left out`,
        "NeuroconvSourceWarning",
      );
    }
    this.imaging = { samplingRate: sourceData.samplingFrequency, data: pageStack(layout) };
  }
}
