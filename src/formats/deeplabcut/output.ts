/**
 * DeepLabCut pose output: the `.h5` (a pandas DataFrame, PyTables layout) and `.csv` files its
 * `analyze_videos` and labelling tools write. Columns carry 3 levels (scorer, bodyparts, coords) or, for
 * multi-animal projects, 4 (scorer, individuals, bodyparts, coords); coords are x, y (and z for 3-D
 * projects) and likelihood. Rows are video frames (or labelled images).
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../../errors.js";
import { hdf5Backend } from "../../storage/hdf5/index.js";
import { readPandasFrame } from "../pandas/hdfFrame.js";

/** One body part of one animal over all rows. */
export interface DeepLabCutTrack {
  /** The animal; "" for single-animal projects. */
  readonly individual: string;
  readonly bodypart: string;
  /** Coordinates per row: (rows, 2) for x, y or (rows, 3) with z, row-major; NaN where not detected. */
  readonly coordinates: Float64Array;
  readonly dimensions: 2 | 3;
  /** Likelihood per row (absent in hand-labelled data). */
  readonly likelihood: Float64Array | undefined;
}

export interface DeepLabCutOutput {
  readonly filePath: string;
  readonly scorer: string;
  /** Row labels: frame numbers for video predictions, image paths for labelled data. */
  readonly index: readonly (number | string)[];
  readonly tracks: readonly DeepLabCutTrack[];
}

interface Table {
  readonly columns: readonly (readonly string[])[];
  readonly levelNames: readonly string[];
  readonly index: readonly (number | string)[];
  readonly values: Float64Array;
}

/** Groups the (scorer, [individual,] bodypart, coord) columns into one track per animal and body part. */
function tracksOf(path: string, table: Table): DeepLabCutOutput {
  const levels = table.columns[0]?.length ?? 0;
  if (levels !== 3 && levels !== 4) {
    throw new SourceDataError(
      path,
      `expected 3 or 4 column levels (scorer, [individuals,] bodyparts, coords), found ${levels}`,
    );
  }
  const width = table.columns.length;
  const rows = table.index.length;
  const groups = new Map<string, { individual: string; bodypart: string; coords: Map<string, number> }>();
  table.columns.forEach((label, column) => {
    const individual = levels === 4 ? label[1]! : "";
    const bodypart = label[levels - 2]!;
    const key = `${individual}\u0000${bodypart}`;
    const group = groups.get(key) ?? { individual, bodypart, coords: new Map<string, number>() };
    group.coords.set(label[levels - 1]!, column);
    groups.set(key, group);
  });
  const columnValues = (column: number) => {
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) out[r] = table.values[r * width + column]!;
    return out;
  };
  const tracks = [...groups.values()].map(({ individual, bodypart, coords }) => {
    const axes = ["x", "y", "z"].filter((axis) => coords.has(axis));
    if (axes.length < 2) throw new SourceDataError(path, `body part '${bodypart}' has no x and y columns`);
    const coordinates = new Float64Array(rows * axes.length);
    axes.forEach((axis, a) => {
      columnValues(coords.get(axis)!).forEach((v, r) => {
        coordinates[r * axes.length + a] = v;
      });
    });
    const likelihood = coords.get("likelihood");
    return {
      individual,
      bodypart,
      coordinates,
      dimensions: axes.length as 2 | 3,
      likelihood: likelihood === undefined ? undefined : columnValues(likelihood),
    };
  });
  return { filePath: path, scorer: table.columns[0]![0]!, index: table.index, tracks };
}

/**
 * A DeepLabCut `.h5` output (pandas "table" or "fixed" layout).
 *
 * @example
 * ```ts
 * const output = await readDeepLabCutH5("m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5");
 * console.log(output.scorer, output.tracks.map((t) => t.bodypart));
 * ```
 */
export async function readDeepLabCutH5(filePath: string): Promise<DeepLabCutOutput> {
  let file: Awaited<ReturnType<typeof hdf5Backend.open>>;
  try {
    file = await hdf5Backend.open(filePath);
  } catch (error) {
    throw new SourceDataError(filePath, `cannot open the DeepLabCut .h5 file (${(error as Error).message})`);
  }
  try {
    return tracksOf(filePath, readPandasFrame(file, filePath));
  } finally {
    file.close();
  }
}

const LEVEL_NAMES = new Set(["scorer", "individuals", "bodyparts", "coords"]);

/**
 * A DeepLabCut `.csv` output: 3 or 4 header rows naming the column levels, then one row per frame whose
 * leading cells (1 for predictions, 3 for newer labelled data) label the row.
 *
 * @example
 * ```ts
 * const output = readDeepLabCutCsv("videoDLC_resnet50_shuffle1_30000.csv");
 * ```
 */
export function readDeepLabCutCsv(filePath: string): DeepLabCutOutput {
  let textContent: string;
  try {
    textContent = readFileSync(filePath, "utf8");
  } catch (error) {
    throw new SourceDataError(filePath, `cannot read the DeepLabCut .csv file (${(error as Error).message})`);
  }
  const lines = textContent
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .map((line) => line.split(","));
  const headerRows = lines.findIndex((cells) => !LEVEL_NAMES.has(cells[0]!));
  if (headerRows < 3 || lines[0]![0] !== "scorer") {
    throw new SourceDataError(
      filePath,
      "not a DeepLabCut .csv: expected header rows 'scorer', ['individuals',] 'bodyparts', 'coords'",
    );
  }
  const first = lines[0]!;
  let indexColumns = 1;
  while (first[indexColumns] === "") indexColumns++;
  const columns = first
    .slice(indexColumns)
    .map((_, c) => lines.slice(0, headerRows).map((cells) => cells[indexColumns + c] ?? ""));
  const body = lines.slice(headerRows);
  const values = new Float64Array(body.length * columns.length);
  body.forEach((cells, r) => {
    columns.forEach((_, c) => {
      const cell = cells[indexColumns + c];
      values[r * columns.length + c] = cell === undefined || cell === "" ? Number.NaN : Number(cell);
    });
  });
  const index = body.map((cells) => {
    const label = cells.slice(0, indexColumns).join("/");
    return indexColumns === 1 && /^\d+$/.test(label) ? Number(label) : label;
  });
  return tracksOf(filePath, {
    columns,
    levelNames: lines.slice(0, headerRows).map((c) => c[0]!),
    index,
    values,
  });
}

/** A `.h5` or `.csv` DeepLabCut output, by suffix. */
export async function readDeepLabCutOutput(filePath: string): Promise<DeepLabCutOutput> {
  if (/\.csv$/i.test(filePath)) return readDeepLabCutCsv(filePath);
  if (/\.h5$/i.test(filePath)) return readDeepLabCutH5(filePath);
  throw new SourceDataError(filePath, "DeepLabCut output must be a .h5 or .csv file");
}
