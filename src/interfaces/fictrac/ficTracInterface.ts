/**
 * FicTrac spherical-treadmill tracking (`.dat`, optional `config.txt`) as Position, CompassDirection and
 * BehavioralTimeSeries.
 */
import { existsSync } from "node:fs";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { seriesTiming, timingFromTimestamps, truncateTiming } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import {
  type FicTracColumn,
  type FicTracConfig,
  type FicTracData,
  type FicTracTimes,
  ficTracFrameTimes,
  readFicTracConfig,
  readFicTracDat,
} from "../../formats/fictrac/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { ndarray } from "../../nwb/containers/node.js";
import {
  BehavioralTimeSeries,
  CompassDirection,
  Position,
  SpatialSeries,
  TimeSeries,
} from "../../nwb/types/core.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const FicTracSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "FicTrac output: the .dat file (one line per frame)." }),
    configFilePath: Type.Optional(
      Type.String({
        description: "FicTrac's config.txt, kept with every series (default: config.txt beside the .dat).",
      }),
    ),
    radius: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          "Ball radius in metres: positions and speed become metres (else radians of ball rotation).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Source arguments of {@link FicTracDataInterface}. */
export type FicTracSource = Static<typeof FicTracSourceSchema>;

/** Frames written by a stub conversion. */
const STUB_FRAMES = 100;

const LAB_FRAME = "FicTrac laboratory coordinates (set by the calibration in config.txt, c2a_r/c2a_t)";
const CAMERA_FRAME = "FicTrac camera coordinates: x right, y down, z forward (into the image)";

/** One written series: its columns, where it goes, what it is. */
interface SeriesSpec {
  readonly name: string;
  readonly columns: readonly FicTracColumn[];
  readonly container: "position" | "direction" | "rotation";
  readonly description: string;
  /** "angle": radians; "distance": radians of ball rotation (metres with a radius); "score": no unit. */
  readonly kind: "angle" | "distance" | "speed" | "score";
  readonly referenceFrame?: string;
}

const SERIES: readonly SeriesSpec[] = [
  {
    name: "Position",
    columns: ["positionX", "positionY"],
    container: "position",
    kind: "distance",
    description:
      "Integrated x/y position of the animal in the lab frame (ball rotation integrated with heading).",
    referenceFrame: LAB_FRAME,
  },
  {
    name: "IntegratedMotion",
    columns: ["forwardMotion", "sideMotion"],
    container: "position",
    kind: "distance",
    description:
      "Integrated forward and sideways motion of the ball, neglecting heading (what two optical mice would report).",
    referenceFrame: LAB_FRAME,
  },
  {
    name: "AnimalHeading",
    columns: ["heading"],
    container: "direction",
    kind: "angle",
    description: "Integrated heading of the animal (the direction it faces) in the lab frame.",
    referenceFrame: LAB_FRAME,
  },
  {
    name: "MovementDirection",
    columns: ["movementDirection"],
    container: "direction",
    kind: "angle",
    description:
      "Instantaneous running direction relative to the heading (add the heading for the direction in the lab).",
    referenceFrame: LAB_FRAME,
  },
  {
    name: "MovementSpeed",
    columns: ["movementSpeed"],
    container: "rotation",
    kind: "speed",
    description: "Instantaneous running speed of the animal, per camera frame.",
  },
  {
    name: "RotationDeltaCameraFrame",
    columns: ["deltaRotationCamX", "deltaRotationCamY", "deltaRotationCamZ"],
    container: "rotation",
    kind: "angle",
    description: `Change of ball orientation since the previous frame, as an axis-angle vector (length = angle) in ${CAMERA_FRAME}.`,
  },
  {
    name: "RotationDeltaLabFrame",
    columns: ["deltaRotationLabX", "deltaRotationLabY", "deltaRotationLabZ"],
    container: "rotation",
    kind: "angle",
    description: `Change of ball orientation since the previous frame, as an axis-angle vector in ${LAB_FRAME}.`,
  },
  {
    name: "RotationCameraFrame",
    columns: ["rotationCamX", "rotationCamY", "rotationCamZ"],
    container: "rotation",
    kind: "angle",
    description: `Absolute ball orientation as an axis-angle vector in ${CAMERA_FRAME}.`,
  },
  {
    name: "RotationLabFrame",
    columns: ["rotationLabX", "rotationLabY", "rotationLabZ"],
    container: "rotation",
    kind: "angle",
    description: `Absolute ball orientation as an axis-angle vector in ${LAB_FRAME}.`,
  },
  {
    name: "RotationDeltaError",
    columns: ["deltaRotationError"],
    container: "rotation",
    kind: "score",
    description:
      "FicTrac's error score of the frame's rotation estimate (image difference; lower is better).",
  },
];

/** ISO 8601 UTC time of ms since the Unix epoch, keeping sub-millisecond digits. */
function isoFromEpochMs(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  return new Date(whole).toISOString().replace(/\.(\d{3})Z$/, `.$1${String(micros).padStart(3, "0")}+00:00`);
}

/** Frame numbers as short ranges, e.g. "0, 292-299". */
function ranges(frames: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < frames.length; i++) {
    const first = frames[i]!;
    while (frames[i + 1] === frames[i]! + 1) i++;
    parts.push(first === frames[i] ? `${first}` : `${first}-${frames[i]}`);
  }
  return parts.join(", ");
}

/**
 * FicTrac output as NWB, in processing/behavior: `Position` "FicTrac" (integrated x/y position and the
 * heading-free integrated motion), `CompassDirection` "FicTracDirection" (heading, movement direction) and
 * `BehavioralTimeSeries` "FicTracRotation" (speed, the four rotation vectors, the error score). Distances
 * and speed are radians of ball rotation, or metres when `radius` is given (stored as read, with
 * `conversion` = radius). Times come from the timestamp column, in seconds from the first frame; frames on
 * the other clock (a video run falls back to wall-clock time for some frames) are placed on the video's
 * frame period, with a warning. The session starts at the first frame's wall-clock time when the file has
 * one. The config is kept as JSON in each series' `comments`.
 *
 * @example
 * ```ts
 * const fictrac = new FicTracDataInterface({ filePath: "sample-20230724_113055.dat", radius: 0.0045 });
 * await fictrac.runConversion({ nwbfilePath: "fictrac.nwb" });
 * ```
 */
export class FicTracDataInterface extends BaseDataInterface<FicTracSource> {
  static override displayName = "FicTrac";
  static override keywords = ["FicTrac", "spherical treadmill", "fictive path", "behavior", "position"];
  static override associatedSuffixes = [".dat", ".txt"];
  static override info = "FicTrac spherical-treadmill tracking (.dat) as Position and direction series.";
  static override sourceSchema: TObject = FicTracSourceSchema;

  readonly data: FicTracData;
  readonly config: FicTracConfig | undefined;
  readonly times: FicTracTimes;

  constructor(sourceData: FicTracSource) {
    super(sourceData);
    if (!existsSync(sourceData.filePath)) throw new SourceDataError(sourceData.filePath, "file not found");
    this.data = readFicTracDat(sourceData.filePath);
    const besideConfig = sourceData.filePath.replace(/[^/\\]*$/, "config.txt");
    const configPath = sourceData.configFilePath ?? (existsSync(besideConfig) ? besideConfig : undefined);
    this.config = configPath ? readFicTracConfig(configPath) : undefined;
    this.times = ficTracFrameTimes(this.data);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.times.startEpochMs === undefined ? undefined : isoFromEpochMs(this.times.startEpochMs);
  }

  /** The config as one JSON object (values as written), with FicTrac's version. */
  private configComments(): string | undefined {
    if (!this.config) return undefined;
    const { version, buildDate, entries } = this.config;
    return JSON.stringify({
      ...(version && { version }),
      ...(buildDate && { build_date: buildDate }),
      ...Object.fromEntries(entries),
    });
  }

  private unitOf(kind: SeriesSpec["kind"]): { unit: string; conversion?: number } {
    const radius = this.sourceData.radius;
    if (kind === "angle") return { unit: "radians" };
    if (kind === "score") return { unit: "n.a." };
    const per = kind === "speed" ? "/frame" : "";
    return radius === undefined ? { unit: `radians${per}` } : { unit: `meters${per}`, conversion: radius };
  }

  override addToNwbfile(nwbfile: NWBFile, _metadata: Metadata, options?: StandardConversionOptions): void {
    const { times, data } = this;
    if (times.estimatedFrames.length > 0) {
      const other = times.clock === "video" ? "wall-clock time" : "a video position";
      emitNeuroconvWarning(
        `${data.path}: frames ${ranges(times.estimatedFrames)} carry ${other} instead of the ${times.clock === "video" ? "video position" : "wall-clock time"} the other ${data.frameCount - times.estimatedFrames.length} frames carry; their times were placed on the line through the others (frame counter against timestamp)`,
      );
    }
    const frames = options?.stubTest ? Math.min(STUB_FRAMES, data.frameCount) : data.frameCount;
    const timing = truncateTiming(timingFromTimestamps(times.seconds), frames);
    const comments = this.configComments();
    const radiusNote =
      this.sourceData.radius === undefined
        ? " Distances are radians of ball rotation: multiply by the ball radius for a distance."
        : ` Ball radius ${this.sourceData.radius} m.`;
    const made = SERIES.map((spec) => {
      const values = new Float64Array(frames * spec.columns.length);
      spec.columns.forEach((column, c) => {
        const array = data.columns[column]!;
        for (let i = 0; i < frames; i++) values[i * spec.columns.length + c] = array[i]!;
      });
      const options = {
        name: spec.name,
        description:
          spec.kind === "distance" || spec.kind === "speed"
            ? spec.description + radiusNote
            : spec.description,
        data: spec.columns.length === 1 ? values : ndarray(values, [frames, spec.columns.length]),
        ...this.unitOf(spec.kind),
        ...(comments && { comments }),
        ...seriesTiming(timing),
      };
      const series =
        spec.container === "rotation"
          ? new TimeSeries(options)
          : new SpatialSeries({
              ...options,
              ...(spec.referenceFrame && { reference_frame: spec.referenceFrame }),
            });
      return { spec, series };
    });
    const of = (container: SeriesSpec["container"]) =>
      made.filter((m) => m.spec.container === container).map((m) => m.series);
    const behavior = nwbfile.createProcessingModule("behavior", "processed behavioral data");
    behavior.add(new Position({ name: "FicTrac", spatial_series: of("position") }));
    behavior.add(new CompassDirection({ name: "FicTracDirection", spatial_series: of("direction") }));
    behavior.add(new BehavioralTimeSeries({ name: "FicTracRotation", time_series: of("rotation") }));
  }
}
