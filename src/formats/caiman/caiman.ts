/**
 * CaImAn results saved with `cnm.save("….hdf5")` (CNMF and CNMF-E; `caiman.utils.utils.save_dict_to_hdf5`):
 * `estimates/A` the spatial components as a scipy CSC matrix (group of `data`, `indices`, `indptr`, `shape`;
 * pixels × components, pixel index in Fortran order over `dims`, i.e. row + column × rows), `C` denoised,
 * `S` deconvolved, `YrA` residual and `F_dff` dF/F traces (components × frames), `b`/`f` the background's
 * spatial (pixels × nb) and temporal (nb × frames) components, `idx_components`/`idx_components_bad` the
 * indices kept and rejected by component evaluation, `Cn` the correlation image (rows × columns), and the
 * frame rate `params/data/fr`. A value CaImAn did not compute is saved as the text "NoneType".
 */
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { hdf5Backend } from "../../storage/hdf5/index.js";
import type { StorageReader, StoredValue } from "../../storage/types.js";

/** One spatial component: the pixels it covers as columns (x), rows (y) and weights. */
export interface CaimanComponent {
  readonly x: Uint32Array;
  readonly y: Uint32Array;
  readonly weight: Float64Array;
}

/** What a CaImAn results file holds, with the traces as lazy (frames, components) sources. */
export interface CaimanResults {
  readonly filePath: string;
  /** Frame size: rows (d1) and columns (d2). */
  readonly rows: number;
  readonly columns: number;
  /** `params/data/fr`, when saved. */
  readonly samplingRate: number | undefined;
  readonly caimanVersion: string | undefined;
  readonly components: readonly CaimanComponent[];
  /** Component evaluation's verdict per component, when it was run (`idx_components`). */
  readonly accepted: readonly boolean[] | undefined;
  /** Traces by kind (denoised `C`, deconvolved `S`, residual `YrA`, dff `F_dff`), (frames, components). */
  readonly traces: Readonly<Record<string, ChunkSource>>;
  /** Background components (`b`, `f`): dense masks (x, y) row-major and traces (frames, nb). */
  readonly background: { readonly masks: readonly Float64Array[]; readonly traces: ChunkSource } | undefined;
  /** Summary images, (x, y) row-major: `correlation` from `Cn`. */
  readonly images: Readonly<Record<string, Float64Array>>;
}

const TRACE_DATASETS = [
  ["denoised", "C"],
  ["deconvolved", "S"],
  ["residual", "YrA"],
  ["dff", "F_dff"],
] as const;

/** Opens the file for one read, with the file named in errors. */
async function withFile<T>(filePath: string, read: (file: StorageReader) => T): Promise<T> {
  let file: StorageReader;
  try {
    file = await hdf5Backend.open(filePath);
  } catch (error) {
    throw new SourceDataError(filePath, `cannot open the CaImAn HDF5 file (${(error as Error).message})`);
  }
  try {
    return read(file);
  } finally {
    file.close();
  }
}

/** Whether CaImAn saved a value at `path` (it saves None as the text "NoneType"). */
function saved(file: StorageReader, path: string): boolean {
  if (file.kind(path) === "group") return true;
  if (file.kind(path) !== "dataset") return false;
  const { dtype, shape } = file.datasetInfo(path);
  const isText = (dtype === "utf8" || dtype === "ascii") && shape.length === 0;
  return !(isText && String(file.readDataset(path)) === "NoneType");
}

function numbersAt(file: StorageReader, path: string): number[] {
  const value = file.readDataset(path) as StoredValue;
  if (typeof value === "number" || typeof value === "bigint") return [Number(value)];
  return Array.from(value as ArrayLike<number | bigint>, Number);
}

/** A (components, frames) dataset read lazily as (frames, components): each block reads those columns. */
function transposed(filePath: string, file: StorageReader, path: string, components: number): ChunkSource {
  const { dtype, shape } = file.datasetInfo(path);
  if (shape.length !== 2 || shape[0] !== components || (dtype !== "float32" && dtype !== "float64")) {
    throw new SourceDataError(
      filePath,
      `${path}: expected (${components} components, frames) floats, found ${dtype} (${shape.join(", ")})`,
    );
  }
  const frames = shape[1]!;
  return {
    dtype,
    shape: [frames, components],
    readRows: (start, end) =>
      withFile(filePath, (reader) => {
        const block = reader.readBlock(path, [0, start], [components, end - start]) as Float64Array;
        const out = dtype === "float32" ? new Float32Array(block.length) : new Float64Array(block.length);
        const count = end - start;
        for (let k = 0; k < components; k++) {
          for (let t = 0; t < count; t++) out[t * components + k] = block[k * count + t]!;
        }
        return out;
      }),
  };
}

/** Columns of a (pixels, n) matrix saved dense or as a CSC group, each as its nonzero pixels and values. */
function sparseColumns(
  filePath: string,
  file: StorageReader,
  path: string,
  pixels: number,
): { pixel: number[]; value: number[] }[] {
  if (file.kind(path) === "group") {
    const shape = numbersAt(file, `${path}/shape`);
    const format = file.getAttribute(path, "format");
    if (shape[0] !== pixels || (format !== undefined && String(format) !== "csc")) {
      throw new SourceDataError(
        filePath,
        `${path}: expected a CSC matrix of ${pixels} pixels × components, found shape (${shape.join(", ")})`,
      );
    }
    const data = numbersAt(file, `${path}/data`);
    const indices = numbersAt(file, `${path}/indices`);
    const indptr = numbersAt(file, `${path}/indptr`);
    return Array.from({ length: shape[1]! }, (_, k) => ({
      pixel: indices.slice(indptr[k], indptr[k + 1]),
      value: data.slice(indptr[k], indptr[k + 1]),
    }));
  }
  const { shape } = file.datasetInfo(path);
  if (shape.length !== 2 || shape[0] !== pixels) {
    throw new SourceDataError(
      filePath,
      `${path}: expected (${pixels} pixels, components), found (${shape.join(", ")})`,
    );
  }
  const [, count] = shape as [number, number];
  const columns = Array.from({ length: count }, () => ({ pixel: [] as number[], value: [] as number[] }));
  const ROWS_PER_READ = 65536;
  for (let p0 = 0; p0 < pixels; p0 += ROWS_PER_READ) {
    const p1 = Math.min(pixels, p0 + ROWS_PER_READ);
    const block = file.readDataset(path, [p0, p1]) as ArrayLike<number>;
    for (let p = p0; p < p1; p++) {
      for (let k = 0; k < count; k++) {
        const v = Number(block[(p - p0) * count + k]);
        if (v !== 0) {
          columns[k]!.pixel.push(p);
          columns[k]!.value.push(v);
        }
      }
    }
  }
  return columns;
}

/** Which components component evaluation kept, from `idx_components` (or its complement `idx_components_bad`). */
function acceptance(file: StorageReader, count: number): boolean[] | undefined {
  if (saved(file, "/estimates/idx_components")) {
    const kept = new Set(numbersAt(file, "/estimates/idx_components"));
    return Array.from({ length: count }, (_, k) => kept.has(k));
  }
  if (saved(file, "/estimates/idx_components_bad")) {
    const rejected = new Set(numbersAt(file, "/estimates/idx_components_bad"));
    return Array.from({ length: count }, (_, k) => !rejected.has(k));
  }
  return undefined;
}

function parse(filePath: string, file: StorageReader): CaimanResults {
  if (!saved(file, "/estimates/A")) {
    throw new SourceDataError(filePath, "no estimates/A: not a CaImAn results file saved with cnm.save()");
  }
  const dimsPath = ["/estimates/dims", "/dims", "/params/data/dims"].find((p) => saved(file, p));
  const dims = dimsPath ? numbersAt(file, dimsPath) : [];
  if (dims.length !== 2) {
    throw new SourceDataError(
      filePath,
      dims.length === 3
        ? "volumetric (3-D) CaImAn results are not supported; convert each plane's results separately"
        : "no frame size (estimates/dims, dims or params/data/dims)",
    );
  }
  const [rows, columns] = dims as [number, number];
  const pixels = rows * columns;
  // Fortran-order pixel p is row p % rows, column floor(p / rows); (x, y) row-major index x * rows + y is p
  const components = sparseColumns(filePath, file, "/estimates/A", pixels).map(({ pixel, value }) => ({
    x: Uint32Array.from(pixel, (p) => Math.floor(p / rows)),
    y: Uint32Array.from(pixel, (p) => p % rows),
    weight: Float64Array.from(value),
  }));
  const traces: Record<string, ChunkSource> = {};
  for (const [kind, name] of TRACE_DATASETS) {
    const path = `/estimates/${name}`;
    if (saved(file, path)) traces[kind] = transposed(filePath, file, path, components.length);
  }
  if (!traces.denoised) throw new SourceDataError(filePath, "no estimates/C: the results hold no traces");
  let background: CaimanResults["background"];
  if (saved(file, "/estimates/b") && saved(file, "/estimates/f")) {
    const masks = sparseColumns(filePath, file, "/estimates/b", pixels).map(({ pixel, value }) => {
      const mask = new Float64Array(pixels);
      pixel.forEach((p, i) => {
        mask[p] = value[i]!;
      });
      return mask;
    });
    if (masks.length > 0) {
      background = { masks, traces: transposed(filePath, file, "/estimates/f", masks.length) };
    }
  }
  const images: Record<string, Float64Array> = {};
  if (saved(file, "/estimates/Cn")) {
    const cn = file.readDataset("/estimates/Cn") as ArrayLike<number>;
    if (cn.length !== pixels) throw new SourceDataError(filePath, `estimates/Cn is not ${rows} × ${columns}`);
    const image = new Float64Array(pixels);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < columns; c++) image[c * rows + r] = cn[r * columns + c]!;
    images.correlation = image;
  }
  const rate = saved(file, "/params/data/fr") ? numbersAt(file, "/params/data/fr")[0] : undefined;
  const version = saved(file, "/params/data/caiman_version")
    ? String(file.readDataset("/params/data/caiman_version"))
    : undefined;
  return {
    filePath,
    rows,
    columns,
    samplingRate: rate,
    caimanVersion: version,
    components,
    accepted: acceptance(file, components.length),
    traces,
    background,
    images,
  };
}

/**
 * Reads a CaImAn results file: components, evaluation, background and images now, traces lazily.
 *
 * @example
 * ```ts
 * const results = await readCaimanResults("caiman_analysis.hdf5");
 * console.log(results.components.length, results.samplingRate, Object.keys(results.traces));
 * ```
 */
export function readCaimanResults(filePath: string): Promise<CaimanResults> {
  return withFile(filePath, (file) => parse(filePath, file));
}
