/**
 * Minian's saved output (`save_minian`): one Zarr v2 group per variable, `<name>.zarr/<name>`, beside the
 * xarray coordinate arrays (`unit_id`, `frame`, `height`, `width`) and with the dimension names in the
 * `_ARRAY_DIMENSIONS` attribute (xarray's Zarr convention). The variables (Minian's documentation, "CNMF"):
 * `A` spatial footprints (unit_id, height, width); `C` denoised calcium traces and `S` deconvolved spikes
 * (unit_id, frame); `YrA` residual traces; `b0`, `c0` per-unit baseline and initial calcium; `b` spatial
 * background (height, width) with its temporal activity `f` (frame); `max_proj` the maximum projection.
 *
 * Array metadata (shapes, dimensions) is read here synchronously from the JSON files; chunks are decoded by
 * zarrita (a maintained Zarr reader with the Blosc/LZ4/Zstd/Gzip codecs Minian's files use), loaded on first
 * use because it is an optional dependency.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { NumericDtype, TypedArray } from "../../data/dtype.js";
import { allocate } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { MissingDependencyError, SourceDataError } from "../../errors.js";

/** What a variable's `.zarray` and `.zattrs` say. */
export interface MinianVariable {
  readonly name: string;
  /** Folder of the Zarr array, `<folder>/<name>.zarr/<name>`. */
  readonly path: string;
  readonly shape: readonly number[];
  /** xarray dimension names, one per axis ("unit_id", "frame", "height", "width"). */
  readonly dims: readonly string[];
  readonly dtype: NumericDtype;
}

/** A Minian output folder: its variables by name. */
export interface MinianOutput {
  readonly folderPath: string;
  readonly variables: Readonly<Record<string, MinianVariable>>;
}

const DTYPES: Record<string, NumericDtype> = {
  "<f8": "float64",
  "<f4": "float32",
  "<i8": "int64",
  "<i4": "int32",
  "<i2": "int16",
  "<u2": "uint16",
  "|u1": "uint8",
  "|i1": "int8",
};

function readJsonFile(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new SourceDataError(path, `cannot read the Zarr metadata (${(error as Error).message})`);
  }
}

function readVariable(folderPath: string, name: string, arrayName = name): MinianVariable | undefined {
  const path = join(folderPath, `${name}.zarr`, arrayName);
  if (!existsSync(join(path, ".zarray"))) return undefined;
  const array = readJsonFile(join(path, ".zarray"));
  if (array.zarr_format !== 2) {
    throw new SourceDataError(path, `Zarr format ${String(array.zarr_format)}; Minian saves Zarr v2`);
  }
  const dtype = DTYPES[String(array.dtype)];
  if (!dtype) throw new SourceDataError(path, `unsupported element type ${String(array.dtype)}`);
  const attributes = existsSync(join(path, ".zattrs")) ? readJsonFile(join(path, ".zattrs")) : {};
  const shape = (array.shape as number[]) ?? [];
  const dims = Array.isArray(attributes._ARRAY_DIMENSIONS)
    ? (attributes._ARRAY_DIMENSIONS as string[])
    : shape.map((_, i) => `dim_${i}`);
  return { name: arrayName, path, shape, dims, dtype };
}

/** A coordinate array saved beside a variable (`unit_id`, `frame`, ...), if saved. */
export function minianCoordinate(
  output: MinianOutput,
  variable: string,
  coordinate: string,
): MinianVariable | undefined {
  return readVariable(output.folderPath, variable, coordinate);
}

function expectDims(variable: MinianVariable, ...wanted: string[]): void {
  if (wanted.some((d) => !variable.dims.includes(d)) || variable.dims.length !== wanted.length) {
    throw new SourceDataError(
      variable.path,
      `dimensions (${variable.dims.join(", ")}); expected ${wanted.join(", ")} (Minian's layout)`,
    );
  }
}

/** Reads the metadata of every variable of a Minian output folder; `A` and `C` must be there. */
export function openMinianOutput(folderPath: string): MinianOutput {
  if (!existsSync(folderPath)) throw new SourceDataError(folderPath, "no such folder");
  const variables: Record<string, MinianVariable> = {};
  for (const entry of readdirSync(folderPath)) {
    const name = entry.endsWith(".zarr") ? entry.slice(0, -".zarr".length) : undefined;
    const variable = name && readVariable(folderPath, name);
    if (variable) variables[variable.name] = variable;
  }
  for (const required of ["A", "C"]) {
    if (!variables[required]) {
      throw new SourceDataError(
        folderPath,
        `no ${required}.zarr/${required}: not a Minian output folder (save_minian writes A.zarr, C.zarr, S.zarr, ...)`,
      );
    }
  }
  expectDims(variables.A!, "unit_id", "height", "width");
  for (const name of ["C", "S", "YrA", "b0", "c0"]) {
    if (variables[name]) expectDims(variables[name], "unit_id", "frame");
  }
  if (variables.b) expectDims(variables.b, "height", "width");
  if (variables.f) expectDims(variables.f, "frame");
  if (variables.max_proj) expectDims(variables.max_proj, "height", "width");
  return { folderPath, variables };
}

type Zarrita = typeof import("zarrita");
let zarrita: Promise<Zarrita> | undefined;

/** zarrita, imported on first use; a MissingDependencyError says how to install it. */
function loadZarrita(): Promise<Zarrita> {
  zarrita ??= import("zarrita").catch((error: unknown) => {
    zarrita = undefined;
    throw new MissingDependencyError(
      "zarrita",
      `reading Minian's Zarr output needs the optional package zarrita (npm install zarrita): ${(error as Error).message}`,
    );
  });
  return zarrita;
}

/** A read-only zarrita store over a folder (keys are paths below it). */
function folderStore(root: string) {
  return {
    async get(key: string): Promise<Uint8Array | undefined> {
      try {
        return new Uint8Array(await readFile(join(root, key.replace(/^\//, ""))));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new SourceDataError(join(root, key), `cannot read (${(error as Error).message})`);
      }
    },
  };
}

/** The elements of `variable` along its axes at `selection` (null: the whole axis, or [start, end)). */
async function readSelection(
  variable: MinianVariable,
  selection: readonly (number | readonly [number, number] | null)[],
): Promise<TypedArray> {
  const zarr = await loadZarrita();
  const array = await zarr.open.v2(zarr.root(folderStore(variable.path)), { kind: "array" });
  const chunk = await zarr.get(
    array,
    selection.map((s) => (s === null || typeof s === "number" ? s : zarr.slice(s[0], s[1]))),
  );
  return chunk.data as TypedArray;
}

/** The whole of a (small) variable: coordinates, a background image, the maximum projection. */
export function readMinianArray(variable: MinianVariable): Promise<TypedArray> {
  return readSelection(
    variable,
    variable.shape.map(() => null),
  );
}

/** One unit's footprint of `A`, (height, width) row-major. */
export function readMinianFootprint(footprints: MinianVariable, unit: number): Promise<TypedArray> {
  return readSelection(footprints, [unit, null, null]);
}

/**
 * A (unit_id, frame) trace variable (C, S, YrA, b0, c0), or the (frame) background activity f, as a lazy
 * (time, units) source: each read decodes only the chunks of the frames asked for.
 */
export function minianTraces(variable: MinianVariable): ChunkSource {
  const frameAxis = variable.dims.indexOf("frame");
  const frames = variable.shape[frameAxis] ?? 0;
  const units = variable.dims.length === 1 ? 1 : (variable.shape[1 - frameAxis] ?? 0);
  return {
    dtype: variable.dtype,
    shape: [frames, units],
    async readRows(start, end) {
      const range: readonly [number, number] = [start, end];
      if (variable.dims.length === 1) return readSelection(variable, [range]);
      const selection = frameAxis === 0 ? [range, null] : [null, range];
      const values = await readSelection(variable, selection);
      if (frameAxis === 0) return values;
      const out = allocate(variable.dtype, values.length);
      const n = end - start;
      for (let u = 0; u < units; u++) {
        for (let t = 0; t < n; t++) out[t * units + u] = values[u * n + t]!;
      }
      return out;
    },
  };
}
