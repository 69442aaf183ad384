/**
 * Bruker PrairieView T-series: one channel (and plane, or every plane as a volume) per interface, and a
 * converter for every channel × plane.
 */
import { join } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import { BaseImagingInterface, type ImagingDescription } from "../../conversion/ophys/imagingInterface.js";
import type { Imaging } from "../../conversion/ophys/ophys.js";
import { type Timing, timingFromTimestamps } from "../../conversion/timing.js";
import { SourceArgumentsError } from "../../errors.js";
import { type BrukerTSeries, readBrukerTSeries } from "../../formats/bruker/index.js";
import { pageStack, TiffFile } from "../../formats/tiff/index.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const BrukerTiffSourceSchema = Type.Object(
  {
    folderPath: Type.String({
      description: "The T-series folder (with the PrairieView .xml and the .ome.tif files).",
    }),
    channelName: Type.Optional(
      Type.String({ description: 'The channel written, e.g. "Ch2" (default: the first).' }),
    ),
    planeIndex: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "The plane written (0-based); without it a multi-plane series is one volumetric series.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of BrukerTiff, as a TypeScript type. */
export type BrukerTiffSource = Static<typeof BrukerTiffSourceSchema>;

/**
 * One channel of a Bruker T-series as a TwoPhotonSeries: one plane (`planeIndex`) or (volumes, x, y, z).
 * Timestamps are the frames' `absoluteTime` (of the first plane for a volume), from 0 at the first frame;
 * pixel size, objective and version come from the XML.
 *
 * @example
 * ```ts
 * const bruker = new BrukerTiffImagingInterface({ folderPath: "TSeries-001", channelName: "Ch2" });
 * await bruker.runConversion({ nwbfilePath: "tseries.nwb", metadata });
 * ```
 */
export class BrukerTiffImagingInterface extends BaseImagingInterface<BrukerTiffSource> {
  static override displayName = "Bruker PrairieView imaging";
  static override keywords = ["Bruker", "PrairieView", "two-photon", "OME-TIFF"];
  static override associatedSuffixes = [".ome.tif", ".xml", ".env"];
  static override info = "Two-photon T-series (single plane or volumetric) saved by Bruker PrairieView.";
  static override sourceSchema: TObject = BrukerTiffSourceSchema;

  readonly series: BrukerTSeries;
  protected readonly imaging: Imaging;
  private readonly channel: string;
  private readonly suffix: string;

  constructor(sourceData: BrukerTiffSource, series?: BrukerTSeries) {
    super(sourceData);
    this.series = series ?? readBrukerTSeries(sourceData.folderPath);
    const s = this.series;
    this.channel = sourceData.channelName ?? s.channelNames[0]!;
    const problems = [];
    if (!s.channelNames.includes(this.channel)) {
      problems.push({
        path: "channelName",
        value: this.channel,
        message: `no channel "${this.channel}"; channels: ${s.channelNames.join(", ")}`,
      });
    }
    const plane = sourceData.planeIndex;
    if (plane !== undefined && plane >= s.numPlanes) {
      problems.push({
        path: "planeIndex",
        value: plane,
        message: `plane ${plane} does not exist: ${s.numPlanes} plane(s)`,
      });
    }
    if (problems.length > 0) throw new SourceArgumentsError(BrukerTiffImagingInterface.name, problems);
    this.suffix =
      (s.channelNames.length > 1 ? this.channel.replace(/[^A-Za-z0-9]/g, "") : "") +
      (s.numPlanes > 1 && plane !== undefined ? `Plane${plane}` : "");
    const files = new Map<string, TiffFile>();
    const fileOf = (name: string): TiffFile => {
      let file = files.get(name);
      if (!file) {
        file = TiffFile.open(join(s.folder, name));
        files.set(name, file);
      }
      return file;
    };
    const data = pageStack({
      numFrames: s.samples.length,
      numPlanes: plane === undefined ? s.numPlanes : 1,
      pageAt: (t, z) => {
        const where = s.samples[t]![plane ?? z]!.files[this.channel]!;
        return { file: fileOf(where.fileName), page: where.page };
      },
    });
    const times = this.frameTimes();
    const rate =
      times.length > 1
        ? (times.length - 1) / (times[times.length - 1]! - times[0]!)
        : 1 / Number(s.state.get("framePeriod") ?? 1);
    this.imaging = { samplingRate: rate, data };
  }

  private frameTimes(): number[] {
    const plane = this.sourceData.planeIndex ?? 0;
    return this.series.samples.map((frames) => frames[plane]!.time);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.series.startTime;
  }

  protected override get description(): ImagingDescription {
    const s = this.series;
    const um = s.micronsPerPixel;
    const objective = s.state.get("objectiveLens");
    return {
      seriesName: `TwoPhotonSeries${this.suffix}`,
      planeName: `ImagingPlane${this.suffix}`,
      deviceName: "BrukerFluorescenceMicroscope",
      deviceDescription: `Bruker microscope, PrairieView ${s.version}${objective ? `, objective ${objective}` : ""}`,
      opticalChannelName: this.channel,
      ...(um && { gridSpacing: [um.x * 1e-6, um.y * 1e-6] }),
      seriesDescription: `Bruker PrairieView T-series ${this.channel}${this.suffix ? ` (${this.suffix})` : ""}`,
    };
  }

  protected override getOriginalTiming(): Timing {
    const times = this.frameTimes();
    if (times.some((t) => !Number.isFinite(t))) return super.getOriginalTiming();
    return timingFromTimestamps(times.map((t) => t - times[0]!));
  }
}

/** The source arguments of the converter. */
export const BrukerTiffConverterSourceSchema = Type.Object(
  { folderPath: Type.String({ description: "The T-series folder (with the PrairieView .xml)." }) },
  { additionalProperties: false },
);

/** The source arguments of BrukerTiffConverter, as a TypeScript type. */
export type BrukerTiffConverterSource = Static<typeof BrukerTiffConverterSourceSchema>;

/**
 * Every channel × plane of a Bruker T-series, each its own TwoPhotonSeries and ImagingPlane.
 *
 * @example
 * ```ts
 * await new BrukerTiffConverter({ folderPath: "TSeries-001" }).runConversion({ nwbfilePath: "t.nwb", metadata });
 * ```
 */
export class BrukerTiffConverter extends ConverterPipe {
  static displayName = "Bruker PrairieView, every channel and plane";
  static info = "Every channel and plane of a Bruker PrairieView T-series, one series each.";
  static associatedSuffixes = [".ome.tif", ".xml"];
  static sourceSchema: TObject = BrukerTiffConverterSourceSchema;

  static override getSourceSchema(): TObject {
    return BrukerTiffConverter.sourceSchema;
  }

  constructor(sourceData: BrukerTiffConverterSource) {
    const source = checkSourceArguments(BrukerTiffConverter, sourceData);
    const series = readBrukerTSeries(source.folderPath);
    const interfaces: BrukerTiffImagingInterface[] = [];
    for (const channelName of series.channelNames) {
      for (let planeIndex = 0; planeIndex < series.numPlanes; planeIndex++) {
        interfaces.push(
          new BrukerTiffImagingInterface(
            { ...source, channelName, ...(series.numPlanes > 1 && { planeIndex }) },
            series,
          ),
        );
      }
    }
    super(interfaces);
  }
}
