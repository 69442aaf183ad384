/**
 * CaImAn segmentation results (the `.hdf5` file of `cnm.save`).
 */
import { existsSync } from "node:fs";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type {
  CreateNwbfileOptions,
  RunConversionOptions,
  StandardConversionOptions,
} from "../../conversion/conversion.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import type { Segmentation } from "../../conversion/ophys/ophys.js";
import { BaseSegmentationInterface } from "../../conversion/ophys/segmentationInterface.js";
import { SourceDataError } from "../../errors.js";
import { type CaimanResults, readCaimanResults } from "../../formats/caiman/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

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
 * HDF5 is read asynchronously: the file is read by {@link CaimanSegmentationInterface.load}, which
 * `runConversion`/`createNwbfile` call first; call it yourself before the timing API (`getTimestamps`, alignment)
 * or `getMetadata` (which otherwise lacks the frame rate, e.g. inside a converter).
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

  private results: CaimanResults | undefined;
  private reading: Promise<CaimanResults> | undefined;

  constructor(sourceData: CaimanSegmentationSource) {
    super(sourceData);
    if (!existsSync(sourceData.filePath)) throw new SourceDataError(sourceData.filePath, "file not found");
  }

  /** Reads the results file (once); traces stay on disk and are streamed when written. */
  async load(): Promise<CaimanResults> {
    this.reading ??= readCaimanResults(this.sourceData.filePath).then((results) => {
      if (results.samplingRate === undefined && this.sourceData.samplingFrequency === undefined) {
        throw new SourceDataError(
          results.filePath,
          "params/data/fr (the frame rate) is missing: pass samplingFrequency",
        );
      }
      this.results = results;
      return results;
    });
    return this.reading;
  }

  protected get segmentation(): Segmentation {
    const results = this.results;
    if (!results) {
      throw new Error(`${this.sourceData.filePath}: call 'await load()' before using the CaImAn results`);
    }
    return {
      samplingRate: this.sourceData.samplingFrequency ?? results.samplingRate!,
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

  protected override get imagingRate(): number | undefined {
    return this.sourceData.samplingFrequency ?? this.results?.samplingRate;
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const version = this.results?.caimanVersion;
    if (version) {
      const entry = metadata.Ophys?.ImageSegmentation?.plane_segmentations[0];
      if (entry) entry.description = `Segmented ROIs (CaImAn ${version})`;
    }
    return metadata;
  }

  override async createNwbfile(options?: CreateNwbfileOptions<StandardConversionOptions>): Promise<NWBFile> {
    await this.load();
    return super.createNwbfile(options);
  }

  override async runConversion(options: RunConversionOptions<StandardConversionOptions>): Promise<void> {
    await this.load();
    return super.runConversion(options);
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: StandardConversionOptions = {},
  ): Promise<void> {
    await this.load();
    super.addToNwbfile(nwbfile, metadata, options);
  }
}
