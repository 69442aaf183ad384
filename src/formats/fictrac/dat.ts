/**
 * FicTrac output (`.dat`): one comma-separated line per camera frame. Column meanings follow FicTrac's
 * `doc/data_header.txt`: 23 columns in FicTrac 2.0, 24 and 25 in later releases (delta timestamp, then the
 * time since midnight). Angles are radians, distances radians of ball rotation (times the ball radius gives
 * a distance), speed radians per frame.
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../../errors.js";

/** The columns of a FicTrac `.dat` file, in file order (FicTrac's data_header.txt). */
export const FICTRAC_COLUMNS = [
  "frameCounter",
  "deltaRotationCamX",
  "deltaRotationCamY",
  "deltaRotationCamZ",
  "deltaRotationError",
  "deltaRotationLabX",
  "deltaRotationLabY",
  "deltaRotationLabZ",
  "rotationCamX",
  "rotationCamY",
  "rotationCamZ",
  "rotationLabX",
  "rotationLabY",
  "rotationLabZ",
  "positionX",
  "positionY",
  "heading",
  "movementDirection",
  "movementSpeed",
  "forwardMotion",
  "sideMotion",
  "timestamp",
  "sequenceCounter",
  "deltaTimestamp",
  "altTimestamp",
] as const;

/** Name of one FicTrac column. */
export type FicTracColumn = (typeof FICTRAC_COLUMNS)[number];

/** Columns every FicTrac 2 file has (up to the sequence counter). */
const MIN_COLUMNS = 23;

/** A FicTrac `.dat` file read into one array per column. */
export interface FicTracData {
  readonly path: string;
  /** Columns per line: 23, 24 or 25. */
  readonly columnCount: number;
  readonly frameCount: number;
  /** The file's columns by name; the later ones are absent from older files. */
  readonly columns: Partial<Record<FicTracColumn, Float64Array>>;
}

/**
 * Reads a FicTrac `.dat` file (the values are parsed from the text exactly, as numpy would).
 *
 * @example
 * ```ts
 * const dat = readFicTracDat("sample-20230724_113055.dat");
 * dat.columns.heading; // Float64Array of radians, one per frame
 * ```
 */
export function readFicTracDat(path: string): FicTracData {
  let text: string;
  try {
    text = readFileSync(path, "latin1");
  } catch (error) {
    throw new SourceDataError(path, `cannot read the FicTrac output (${(error as Error).message})`);
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) throw new SourceDataError(path, "empty FicTrac output: no frames");
  const columnCount = lines[0]!.split(",").length;
  if (columnCount < MIN_COLUMNS || columnCount > FICTRAC_COLUMNS.length) {
    throw new SourceDataError(
      path,
      `line 1 has ${columnCount} comma-separated values; a FicTrac .dat line has ${MIN_COLUMNS} to ${FICTRAC_COLUMNS.length}`,
    );
  }
  const arrays = Array.from({ length: columnCount }, () => new Float64Array(lines.length));
  lines.forEach((line, row) => {
    const values = line.split(",");
    if (values.length !== columnCount) {
      throw new SourceDataError(
        path,
        `line ${row + 1} has ${values.length} values, line 1 has ${columnCount} (truncated or mixed file?)`,
      );
    }
    values.forEach((value, column) => {
      const number = Number(value);
      if (value.trim() === "" || Number.isNaN(number)) {
        throw new SourceDataError(
          path,
          `line ${row + 1}, column ${column + 1}: '${value.trim()}' is not a number`,
        );
      }
      arrays[column]![row] = number;
    });
  });
  const columns: Partial<Record<FicTracColumn, Float64Array>> = {};
  arrays.forEach((array, i) => {
    columns[FICTRAC_COLUMNS[i]!] = array;
  });
  return { path, columnCount, frameCount: lines.length, columns };
}

/** Timestamps at or above this many ms are wall-clock times since the Unix epoch (1973 onwards). */
const EPOCH_MS = 1e11;

/** The frame times of a FicTrac file in seconds: from the first frame (wall clock) or the video's start. */
export interface FicTracTimes {
  readonly seconds: Float64Array;
  /** The clock most frames are on: wall-clock epoch times (camera) or positions in a video file. */
  readonly clock: "epoch" | "video";
  /** Wall-clock time of the first frame in ms since the Unix epoch, when the file states one. */
  readonly startEpochMs?: number;
  /** Frames whose timestamp was on the other clock; their times are estimated from the other frames. */
  readonly estimatedFrames: readonly number[];
}

/**
 * Frame times from the timestamp column. FicTrac writes the capture time (ms since the epoch) for a camera
 * and the position in the video (ms) for a video file, but falls back to the wall clock for frames whose
 * video position it cannot get (the first and the last few): those frames are placed on the line fitted to
 * the frames on the majority clock (frame counter against timestamp), and listed.
 */
export function ficTracFrameTimes(data: FicTracData): FicTracTimes {
  const stamps = data.columns.timestamp!;
  const frames = data.columns.frameCounter!;
  const n = data.frameCount;
  const isEpoch = (i: number) => stamps[i]! >= EPOCH_MS;
  let epochCount = 0;
  for (let i = 0; i < n; i++) if (isEpoch(i)) epochCount++;
  const clock = epochCount * 2 > n ? "epoch" : "video";
  const onClock = (i: number) => isEpoch(i) === (clock === "epoch");
  const estimatedFrames: number[] = [];
  for (let i = 0; i < n; i++) if (!onClock(i)) estimatedFrames.push(i);
  const fitted = Float64Array.from(stamps);
  const fit = estimatedFrames.length > 0 ? fitLine(frames, stamps, onClock, n) : undefined;
  // Estimates are rounded to the nanosecond, so that a fit through 0 gives 0 and not 1e-12.
  if (fit)
    for (const i of estimatedFrames)
      fitted[i] = Math.round((fit.intercept + fit.slope * frames[i]!) * 1e6) / 1e6 + 0;
  // Video positions already count from the video's start; wall-clock times count from the first frame.
  const origin = clock === "video" ? 0 : fitted[0]!;
  const seconds = fitted.map((t) => (t - origin) / 1000);
  const firstEpoch = [...Array(n).keys()].find(isEpoch);
  // The epoch time of the first frame: its own stamp, or (video clock) a wall-clock frame shifted back by the
  // video time between the two.
  const startEpochMs =
    firstEpoch === undefined
      ? undefined
      : clock === "epoch"
        ? fitted[0]!
        : stamps[firstEpoch]! - (fitted[firstEpoch]! - fitted[0]!);
  return {
    seconds,
    clock,
    ...(startEpochMs !== undefined && { startEpochMs }),
    estimatedFrames,
  };
}

/** Least-squares line through (x, y) of the rows `use` keeps; undefined with fewer than two rows. */
function fitLine(
  x: Float64Array,
  y: Float64Array,
  use: (i: number) => boolean,
  n: number,
): { intercept: number; slope: number } | undefined {
  let count = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    if (!use(i)) continue;
    count++;
    mx += x[i]!;
    my += y[i]!;
  }
  if (count < 2) return undefined;
  mx /= count;
  my /= count;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    if (!use(i)) continue;
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope };
}
