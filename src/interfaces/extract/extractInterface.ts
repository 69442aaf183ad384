/**
 * EXTRACT segmentation output (MATLAB v7.3) as PlaneSegmentation image masks, Fluorescence traces and
 * summary images.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Metadata } from "../../conversion/metadata/schema.js";
import type { Segmentation } from "../../conversion/ophys/ophys.js";
import { BaseSegmentationInterface } from "../../conversion/ophys/segmentationInterface.js";
import { type ExtractOutput, readExtractOutput } from "../../formats/extract/index.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const ExtractSegmentationSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The EXTRACT output .mat file (MATLAB v7.3)." }),
    samplingFrequency: Type.Number({
      exclusiveMinimum: 0,
      description: "Frame rate of the movie EXTRACT ran on, in Hz (the output does not store it).",
    }),
    outputStructName: Type.Optional(
      Type.String({
        description: 'Name of the output struct when not "output" (or the older "extractAnalysisOutput").',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of ExtractSegmentationInterface. */
export type ExtractSegmentationSource = Static<typeof ExtractSegmentationSourceSchema>;

/**
 * An EXTRACT output file, current (`output`: spatial_weights, temporal_weights) or older CIAtah layout
 * (`extractAnalysisOutput`: filters, traces): one image mask per cell, the traces as
 * Fluorescence/RoiResponseSeries at `samplingFrequency`, the `info` images (max_image, summary_image,
 * F_per_pixel) as segmentation images, EXTRACT's version and scalar config in the PlaneSegmentation's description.
 *
 * @example
 * ```ts
 * const rois = new ExtractSegmentationInterface({ filePath: "extract_output.mat", samplingFrequency: 15 });
 * await rois.runConversion({ nwbfilePath: "rois.nwb", metadata });
 * ```
 */
export class ExtractSegmentationInterface extends BaseSegmentationInterface<ExtractSegmentationSource> {
  static override displayName = "EXTRACT segmentation";
  static override keywords = ["EXTRACT", "segmentation", "ROIs", "calcium imaging"];
  static override associatedSuffixes = [".mat"];
  static override info = "Cells, traces and summary images of an EXTRACT output .mat file (v7.3).";
  static override sourceSchema: TObject = ExtractSegmentationSourceSchema;

  readonly extract: ExtractOutput;
  protected readonly segmentation: Segmentation;

  constructor(sourceData: ExtractSegmentationSource) {
    super(sourceData);
    this.extract = readExtractOutput(sourceData.filePath, sourceData.outputStructName);
    const result = this.extract;
    this.segmentation = {
      samplingRate: sourceData.samplingFrequency,
      imageShape: result.imageShape,
      imageMasks: result.imageMasks,
      roiIds: result.imageMasks.map((_, i) => i),
      traces: { raw: result.traces },
      images: result.images,
    };
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const plane = metadata.Ophys?.ImageSegmentation?.plane_segmentations[0];
    if (plane) {
      const settings = Object.entries(this.extract.config)
        .map(([key, value]) => `${key}=${value}`)
        .join(", ");
      plane.description = `Cells found by EXTRACT${this.extract.version ? ` ${this.extract.version}` : ""} (${this.extract.structName} of ${this.extract.filePath.split("/").pop()})${settings ? `; settings: ${settings}` : ""}`;
    }
    return metadata;
  }
}
