/**
 * ScanImage acquisitions: one channel (and one plane, or every plane as a volume) per interface, and a
 * converter that writes every channel × plane.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import { BaseImagingInterface, type ImagingDescription } from "../../conversion/ophys/imagingInterface.js";
import type { Imaging } from "../../conversion/ophys/ophys.js";
import { type Timing, timingFromTimestamps } from "../../conversion/timing.js";
import { SourceArgumentsError, SourceDataError } from "../../errors.js";
import {
  openScanImage,
  type ScanImageAcquisition,
  scanImageFrameTimes,
  scanImagePageLayout,
} from "../../formats/scanimage/index.js";
import { pageStack } from "../../formats/tiff/index.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const ScanImageImagingSourceSchema = Type.Object(
  {
    filePath: Type.String({
      description: "A ScanImage TIFF (the first file of a multi-file acquisition finds the others by name).",
    }),
    channelName: Type.Optional(
      Type.String({ description: 'The saved channel written, e.g. "Channel 1" (default: the first saved).' }),
    ),
    planeIndex: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          "The plane written (0-based); without it a multi-plane acquisition is one volumetric series.",
      }),
    ),
    fileDiscovery: Type.Optional(
      Type.Boolean({ description: "Find the other files of the acquisition from the name (default true)." }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of ScanImageImaging, as a TypeScript type. */
export type ScanImageImagingSource = Static<typeof ScanImageImagingSourceSchema>;

/** "Channel 1" -> "Channel1": NWB names of the series and planes of a channel. */
function compact(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "");
}

/** What the selected channel and plane say about names and timing. */
function selection(acquisition: ScanImageAcquisition, source: ScanImageImagingSource) {
  const channel = source.channelName === undefined ? 0 : acquisition.channelNames.indexOf(source.channelName);
  if (channel < 0) {
    throw new SourceArgumentsError(ScanImageImagingInterface.name, [
      {
        path: "channelName",
        value: source.channelName,
        message: `"${source.channelName}" is not a saved channel; saved: ${acquisition.channelNames.map((c) => `"${c}"`).join(", ")}`,
      },
    ]);
  }
  if (source.planeIndex !== undefined && source.planeIndex >= acquisition.numPlanes) {
    throw new SourceArgumentsError(ScanImageImagingInterface.name, [
      {
        path: "planeIndex",
        value: source.planeIndex,
        message: `plane ${source.planeIndex} does not exist: the acquisition has ${acquisition.numPlanes} plane(s) (0-${acquisition.numPlanes - 1})`,
      },
    ]);
  }
  const suffix =
    (acquisition.channelNames.length > 1 ? compact(acquisition.channelNames[channel]!) : "") +
    (acquisition.numPlanes > 1 && source.planeIndex !== undefined ? `Plane${source.planeIndex}` : "");
  return { channel, suffix };
}

/**
 * One channel of a ScanImage 2016+ acquisition as a TwoPhotonSeries: one plane (`planeIndex`), or every
 * plane as (volumes, x, y, z). Flyback frames are left out; times are each frame's `frameTimestamps_sec`;
 * rates, pixel size and start time come from the header. Several channels or planes name the series
 * `TwoPhotonSeries<Channel><PlaneN>` (and its ImagingPlane likewise).
 *
 * @example
 * ```ts
 * const green = new ScanImageImagingInterface({ filePath: "exp_00001_00001.tif", channelName: "Channel 1", planeIndex: 0 });
 * await green.runConversion({ nwbfilePath: "exp.nwb", metadata });
 * ```
 */
export class ScanImageImagingInterface extends BaseImagingInterface<ScanImageImagingSource> {
  static override displayName = "ScanImage imaging";
  static override keywords = ["ScanImage", "two-photon", "TIFF", "Vidrio"];
  static override associatedSuffixes = [".tif", ".tiff"];
  static override info =
    "Two-photon movies saved by ScanImage (2016 and later; 3.x with ScanImageLegacyImagingInterface).";
  static override sourceSchema: TObject = ScanImageImagingSourceSchema;

  readonly acquisition: ScanImageAcquisition;
  protected readonly imaging: Imaging;
  private readonly suffix: string;
  private readonly samplePages: () => number[];

  constructor(sourceData: ScanImageImagingSource, acquisition?: ScanImageAcquisition) {
    super(sourceData);
    this.acquisition =
      acquisition ?? openScanImage(sourceData.filePath, { findFiles: sourceData.fileDiscovery ?? true });
    const { channel, suffix } = selection(this.acquisition, sourceData);
    this.suffix = suffix;
    const layout = scanImagePageLayout(this.acquisition, {
      channel,
      ...(sourceData.planeIndex !== undefined && { plane: sourceData.planeIndex }),
    });
    this.samplePages = () => Array.from({ length: layout.numFrames }, (_, i) => layout.pageOf(i));
    if (this.acquisition.leftOverPages > 0) {
      process.emitWarning(
        `${this.acquisition.files.at(-1)}: the last ${this.acquisition.leftOverPages} page(s) do not complete a volume and are left out`,
        "NeuroconvSourceWarning",
      );
    }
    const a = this.acquisition;
    const perPlane = a.numPlanes > 1 && a.framesPerSlice === 1 ? a.volumeRate : a.frameRate;
    this.imaging = { samplingRate: a.numPlanes > 1 ? perPlane : a.frameRate, data: pageStack(layout) };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.acquisition.startTime;
  }

  protected override get description(): ImagingDescription {
    const a = this.acquisition;
    const version =
      a.generation === "3.x" ? a.metadata.get("state.software.version") : a.metadata.get("SI.VERSION_MAJOR");
    return {
      seriesName: `TwoPhotonSeries${this.suffix}`,
      planeName: `ImagingPlane${this.suffix}`,
      deviceDescription: `ScanImage ${version ?? a.generation} microscope`,
      opticalChannelName: compact(a.channelNames[selection(a, this.sourceData).channel]!),
      ...(a.pixelSizeUm && { gridSpacing: a.pixelSizeUm.map((um) => um * 1e-6) }),
      seriesDescription: `ScanImage ${a.generation} acquisition${this.suffix ? ` (${this.suffix})` : ""}`,
    };
  }

  /** Each sample's own acquisition time when the pages state it; else regular at the header's rate. */
  protected override getOriginalTiming(): Timing {
    const times = scanImageFrameTimes(this.acquisition, this.samplePages());
    return times ? timingFromTimestamps(times) : super.getOriginalTiming();
  }
}

/**
 * ScanImage 3.x files (`state.*` header): frame rate, saved channels, z-slices and trigger time from the
 * ImageDescription; regular timing at `state.acq.frameRate`.
 *
 * @example
 * ```ts
 * const legacy = new ScanImageLegacyImagingInterface({ filePath: "sample_scanimage_version_3_8.tiff" });
 * ```
 */
export class ScanImageLegacyImagingInterface extends ScanImageImagingInterface {
  static override displayName = "ScanImage 3.x imaging";
  static override info = "Two-photon movies saved by ScanImage 3.x (state.* header).";

  constructor(sourceData: ScanImageImagingSource) {
    super(sourceData);
    if (this.acquisition.generation !== "3.x") {
      throw new SourceDataError(
        sourceData.filePath,
        `this is a ScanImage ${this.acquisition.generation} file, not 3.x: use ScanImageImagingInterface`,
      );
    }
  }
}

/** The source arguments of the converter. */
export const ScanImageConverterSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "A ScanImage TIFF (the first file of a multi-file acquisition)." }),
    fileDiscovery: Type.Optional(
      Type.Boolean({ description: "Find the other files of the acquisition from the name (default true)." }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of ScanImageConverter, as a TypeScript type. */
export type ScanImageConverterSource = Static<typeof ScanImageConverterSourceSchema>;

/**
 * Every saved channel × plane of a ScanImage acquisition, each its own TwoPhotonSeries and ImagingPlane.
 *
 * @example
 * ```ts
 * const converter = new ScanImageConverter({ filePath: "vol_00001_00001.tif" });
 * await converter.runConversion({ nwbfilePath: "vol.nwb", metadata });
 * ```
 */
export class ScanImageConverter extends ConverterPipe {
  static displayName = "ScanImage, every channel and plane";
  static info = "Every saved channel and plane of a ScanImage acquisition, one series each.";
  static associatedSuffixes = [".tif", ".tiff"];
  static sourceSchema: TObject = ScanImageConverterSourceSchema;

  static override getSourceSchema(): TObject {
    return ScanImageConverter.sourceSchema;
  }

  constructor(sourceData: ScanImageConverterSource) {
    const source = checkSourceArguments(ScanImageConverter, sourceData);
    const acquisition = openScanImage(source.filePath, { findFiles: source.fileDiscovery ?? true });
    const interfaces: ScanImageImagingInterface[] = [];
    for (const channelName of acquisition.channelNames) {
      for (let planeIndex = 0; planeIndex < acquisition.numPlanes; planeIndex++) {
        interfaces.push(
          new ScanImageImagingInterface(
            { ...source, channelName, ...(acquisition.numPlanes > 1 && { planeIndex }) },
            acquisition,
          ),
        );
      }
    }
    super(interfaces);
  }
}
