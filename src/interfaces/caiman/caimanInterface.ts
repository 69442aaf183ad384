/**
 * CaImAn segmentation results (the `.hdf5` file of `cnm.save`).
 */
import { existsSync } from "node:fs";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Metadata } from "../../conversion/metadata/schema.js";
import type { Segmentation } from "../../conversion/ophys/ophys.js";
import { BaseSegmentationInterface } from "../../conversion/ophys/segmentationInterface.js";
import { SourceDataError } from "../../errors.js";
import { type CaimanResults, readCaimanResults } from "../../formats/caiman/index.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const CaimanSegmentationSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The CaImAn results file (.hdf5, saved with cnm.save)." }),
    samplingFrequency: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: "Frame rate in Hz, when params/data/fr is missing or not the true rate.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of CaimanSegmentation, as a TypeScript type. */
export type CaimanSegmentationSource = Static<typeof CaimanSegmentationSourceSchema>;

/**
 * CaImAn (CNMF / CNMF-E) results: PlaneSegmentation with pixel masks from the sparse spatial components
 * `estimates/A` (exact, and sized by the components' pixels rather than the frame), Accepted / Rejected from
 * `idx_components` when component evaluation was run; Fluorescence with Denoised (`C`), Deconvolved (`S`) and
 * Residuals (`YrA`), DfOverF (`F_dff`); the background (`b`, `f`) as BackgroundPlaneSegmentation with its
 * Background traces; the correlation image `Cn`; rate `params/data/fr`.

 *
 * @example
 * ```ts
 * const caiman = new CaimanSegmentationInterface({ filePath: "caiman_analysis.hdf5" });
 * await caiman.runConversion({ nwbfilePath: "rois.nwb", metadata });
 * ```
 */
export class CaimanSegmentationInterface extends BaseSegmentationInterface<CaimanSegmentationSource> {
  static override displayName = "CaImAn segmentation";
  static override keywords = ["CaImAn", "CNMF", "CNMF-E", "segmentation", "ROIs"];
  static override associatedSuffixes = [".hdf5", ".h5"];
  static override info = "Components, traces, background and correlation image from CaImAn results.";
  static override sourceSchema: TObject = CaimanSegmentationSourceSchema;

  readonly results: CaimanResults;
  protected readonly segmentation: Segmentation;

  constructor(sourceData: CaimanSegmentationSource) {
    super(sourceData);
    if (!existsSync(sourceData.filePath)) throw new SourceDataError(sourceData.filePath, "file not found");
    const results = readCaimanResults(sourceData.filePath);
    const rate = sourceData.samplingFrequency ?? results.samplingRate;
    if (rate === undefined) {
      throw new SourceDataError(
        results.filePath,
        "params/data/fr (the frame rate) is missing: pass samplingFrequency",
      );
    }
    this.results = results;
    this.segmentation = {
      samplingRate: rate,
      imageShape: [results.columns, results.rows],
      pixelMasks: results.components,
      roiIds: results.components.map((_, k) => k),
      traces: results.traces,
      ...(results.accepted && { accepted: results.accepted }),
      images: results.images,
      ...(results.background && {
        background: { imageMasks: results.background.masks, traces: results.background.traces },
      }),
    };
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const version = this.results.caimanVersion;
    if (version) {
      const entry = metadata.Ophys?.ImageSegmentation?.plane_segmentations[0];
      if (entry) entry.description = `Segmented ROIs (CaImAn ${version})`;
    }
    return metadata;
  }
}
