/**
 * EXTRACT (Inan et al., Schnitzer lab) cell-extraction results saved as MATLAB v7.3 files. Two layouts:
 * - the current one (EXTRACT's `output` struct): `spatial_weights` H×W×K (one image per cell),
 *   `temporal_weights` T×K, `info` (`max_image`, `summary_image`, `F_per_pixel`, `version`, ...), `config`;
 * - the older CIAtah one (`extractAnalysisOutput`): `filters` H×W×K, `traces` K×T, `info`, `opts`/`config`.
 * Images are MATLAB's rows × columns (y × x); read through the HDF5 view they come out as (x, y) row-major,
 * which is NWB's image layout. Bulk arrays are read lazily through the MATLAB reader's HDF5 view.
 */
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import {
  type Hdf5MatFile,
  isMatStruct,
  MatArray,
  type MatFile,
  type MatValue,
  openMatFileSync,
} from "../matlab/index.js";

/** What an EXTRACT output file holds. */
export interface ExtractOutput {
  readonly filePath: string;
  /** The struct read ("output", "extractAnalysisOutput", or the one asked for). */
  readonly structName: string;
  /** Image size (x, y) = (columns, rows). */
  readonly imageShape: readonly [number, number];
  readonly numCells: number;
  readonly numFrames: number;
  /** Cell images, one per cell, (x, y) row-major. */
  readonly imageMasks: readonly Float32Array[];
  /** Traces, (frames, cells), read lazily. */
  readonly traces: ChunkSource;
  /** Summary images of `info` with the frame's size, by field name, (x, y) row-major. */
  readonly images: Readonly<Record<string, Float32Array | Float64Array>>;
  /** EXTRACT's version (`info.version`), when stored. */
  readonly version: string | undefined;
  /** Scalar settings of `config` (and `opts`), for the record. */
  readonly config: Readonly<Record<string, number | string>>;
}

const LAYOUTS = [
  { struct: "output", masks: "spatial_weights", traces: "temporal_weights" },
  { struct: "extractAnalysisOutput", masks: "filters", traces: "traces" },
] as const;

function scalars(value: MatValue | undefined): Record<string, number | string> {
  if (!isMatStruct(value)) return {};
  const out: Record<string, number | string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string") out[key] = item;
    else if (item instanceof MatArray && item.length === 1) out[key] = Number(item.data[0]);
  }
  return out;
}

function hdf5View(mat: MatFile): Hdf5MatFile {
  if (!mat.hdf5) {
    throw new SourceDataError(
      mat.path,
      "EXTRACT output is read from MATLAB v7.3 files; this is a level-5 file (save with -v7.3)",
    );
  }
  return mat.hdf5;
}

/**
 * Reads an EXTRACT output file (MATLAB v7.3); `structName` picks the struct when the file holds another name.
 *
 * @example
 * ```ts
 * const result = readExtractOutput("extract_output.mat");
 * console.log(result.numCells, result.numFrames, Object.keys(result.images));
 * ```
 */
export function readExtractOutput(filePath: string, structName?: string): ExtractOutput {
  const mat = openMatFileSync(filePath);
  const hdf5 = hdf5View(mat);
  const names = mat.variableNames;
  const layout = structName
    ? LAYOUTS.find((l) => hdf5.matlabClass(`/${structName}/${l.masks}`) !== undefined)
    : LAYOUTS.find((l) => names.includes(l.struct));
  const name = structName ?? layout?.struct;
  if (!layout || !name || !names.includes(name)) {
    throw new SourceDataError(
      filePath,
      `no EXTRACT output struct ${structName ? `'${structName}' with spatial_weights or filters` : "('output' or 'extractAnalysisOutput')"}; variables: ${names.join(", ")}`,
    );
  }
  const masksPath = `/${name}/${layout.masks}`;
  const tracesPath = `/${name}/${layout.traces}`;
  const masks = hdf5.lastDimensionSource(masksPath, `${name}.${layout.masks}`);
  // HDF5 holds the H×W×K stack as (K, W, H): each cell's image is one HDF5 row, (x, y) row-major.
  const [numCells, width, height] = masks.shape as [number, number, number];
  if (masks.shape.length !== 3) {
    throw new SourceDataError(
      filePath,
      `${name}.${layout.masks} should be H×W×cells, found ${masks.shape.length} dimensions`,
    );
  }
  const imageMasks = Array.from({ length: numCells }, (_, k) =>
    Float32Array.from(masks.readRows(k, k + 1) as Float32Array),
  );
  // Traces are T×K (current layout) or K×T (older layout): time is the dimension that is not the cell count.
  const matlabShape = [...hdf5.rowSource(tracesPath, `${name}.${layout.traces}`).shape];
  const timeFirst =
    matlabShape[1] === numCells && (matlabShape[0] !== numCells || layout.struct === "output");
  if (!timeFirst && matlabShape[0] !== numCells) {
    throw new SourceDataError(
      filePath,
      `${name}.${layout.traces} is ${matlabShape.join("×")}, which does not match ${numCells} cells`,
    );
  }
  const traces = timeFirst
    ? hdf5.rowSource(tracesPath, `${name}.${layout.traces}`)
    : hdf5.lastDimensionSource(tracesPath, `${name}.${layout.traces}`);
  // Only the small structs are decoded; masks and traces stay lazy (the file stays open for the traces).
  const part = (field: string) =>
    names.includes(name) && hdf5.matlabClass(`/${name}/${field}`) !== undefined
      ? hdf5.readPath(`/${name}/${field}`, `${name}.${field}`)
      : undefined;
  const infoStruct = part("info");
  const images: Record<string, Float32Array | Float64Array> = {};
  if (isMatStruct(infoStruct)) {
    for (const [key, value] of Object.entries(infoStruct)) {
      if (
        value instanceof MatArray &&
        value.shape.length === 2 &&
        value.shape[0] === height &&
        value.shape[1] === width
      ) {
        // single-precision images stay so; double ones keep their digits
        const Float = value.data instanceof Float32Array ? Float32Array : Float64Array;
        images[key] = Float.from(Array.from(value.data as ArrayLike<number>, Number));
      }
    }
  }
  const version =
    isMatStruct(infoStruct) && typeof infoStruct.version === "string" ? infoStruct.version : undefined;
  const config = { ...scalars(part("opts")), ...scalars(part("config")) };
  return {
    filePath,
    structName: name,
    imageShape: [width, height],
    numCells,
    numFrames: traces.shape[0]!,
    imageMasks,
    traces,
    images,
    version,
    config,
  };
}
