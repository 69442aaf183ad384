/**
 * Suite2p output folders (`suite2p/plane<N>/`): ROIs from `stat.npy` (pixels and weights), the cell
 * classifier's `iscell.npy`, traces F / Fneu / spks (and `_chan2` for the second channel), and the summary
 * images and rate from `ops.npy`. `stat.npy` and `ops.npy` are pickled object arrays, read as data by the
 * non-executing unpickler. Traces are stored (rois, frames) and read lazily as (frames, rois).
 */
import { existsSync, readdirSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { readNpy, readNpyHeader } from "../npy/npy.js";
import { readPickledNpy } from "../npy/pickledNpy.js";
import type { PickledArray, PickleValue } from "../pickle.js";

export interface Suite2pRoi {
  /** Pixel columns (x), rows (y) and weights (`lam`). */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly weight: ArrayLike<number>;
  /** Median pixel, (y, x) as Suite2p stores it. */
  readonly median?: readonly number[];
}

export interface Suite2pPlane {
  readonly folder: string;
  /** Frame rate from `ops["fs"]`. */
  readonly samplingRate: number;
  /** Frame size (x = Lx columns, y = Ly rows). */
  readonly width: number;
  readonly height: number;
  readonly rois: readonly Suite2pRoi[];
  /** `iscell[:, 0]`, when `iscell.npy` is there. */
  readonly isCell?: readonly boolean[];
  /** Traces by kind (raw, neuropil, deconvolved), (frames, rois). */
  readonly traces: Readonly<Record<string, ChunkSource>>;
  /** Summary images (x, y) row-major: mean, correlation (`Vcorr`), max (`max_proj`), mean_enhanced. */
  readonly images: Readonly<Record<string, Float32Array | Float64Array>>;
}

/** The plane folders (`plane0`, `plane1`, ...) of a Suite2p output folder, in order. */
export function suite2pPlaneNames(folderPath: string): string[] {
  if (!existsSync(folderPath)) throw new SourceDataError(folderPath, "the Suite2p folder does not exist");
  const planes = readdirSync(folderPath)
    .filter((n) => /^plane\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  if (planes.length === 0) {
    throw new SourceDataError(folderPath, "no plane0, plane1, ... folder: give the 'suite2p' output folder");
  }
  return planes;
}

function field(record: PickleValue, key: string, where: string): PickleValue {
  const value = (record as Record<string, PickleValue> | null)?.[key];
  if (value === undefined) throw new SourceDataError(where, `'${key}' is missing`);
  return value;
}

function numbers(value: PickleValue, where: string): ArrayLike<number> {
  if ((value as PickledArray)?.kind === "ndarray") return (value as PickledArray).data as ArrayLike<number>;
  if (Array.isArray(value)) return value.map(Number);
  throw new SourceDataError(where, "expected an array of numbers");
}

/** A cropped summary image (`Vcorr`, `max_proj` cover only yrange × xrange) placed in the full frame, as (x, y). */
function image(
  ops: Record<string, PickleValue>,
  key: string,
  width: number,
  height: number,
): Float32Array | Float64Array | undefined {
  const array = ops[key] as PickledArray | undefined;
  if (array?.kind !== "ndarray" || array.shape.length !== 2) return undefined;
  const [rows, columns] = array.shape as [number, number];
  const cropped = rows !== height || columns !== width;
  const y0 = cropped ? Number((ops.yrange as number[] | undefined)?.[0] ?? 0) : 0;
  const x0 = cropped ? Number((ops.xrange as number[] | undefined)?.[0] ?? 0) : 0;
  // float32 images stay float32; anything else (suite2p's float64 means, integer maxima) keeps its digits
  const out = array.descr.endsWith("f4")
    ? new Float32Array(width * height)
    : new Float64Array(width * height);
  const data = array.data as ArrayLike<number>;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) out[(x0 + c) * height + (y0 + r)] = data[r * columns + c]!;
  }
  return out;
}

/** (rois, frames) float32 `.npy` read as (frames, rois) blocks. */
function transposedTraces(path: string, numRois: number): ChunkSource {
  const header = readNpyHeader(path);
  const [rois, frames] = header.shape as [number, number];
  if (header.shape.length !== 2 || rois !== numRois || header.fortranOrder) {
    throw new SourceDataError(
      path,
      `expected (${numRois} ROIs, frames) in C order, found (${header.shape}) ${header.fortranOrder ? "Fortran order" : ""}`,
    );
  }
  if (header.dtype !== "float32" && header.dtype !== "float64") {
    throw new SourceDataError(path, `expected float traces, found ${header.descr}`);
  }
  const item = header.itemSize;
  return {
    dtype: header.dtype,
    shape: [frames, rois],
    async readRows(start, end) {
      const out =
        header.dtype === "float32"
          ? new Float32Array((end - start) * rois)
          : new Float64Array((end - start) * rois);
      const handle = await open(path, "r");
      try {
        const buffer = Buffer.alloc((end - start) * item);
        for (let r = 0; r < rois; r++) {
          await handle.read(buffer, 0, buffer.length, header.dataOffset + (r * frames + start) * item);
          const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
          for (let t = 0; t < end - start; t++) {
            out[t * rois + r] =
              item === 4
                ? view.getFloat32(t * 4, !header.bigEndian)
                : view.getFloat64(t * 8, !header.bigEndian);
          }
        }
      } finally {
        await handle.close();
      }
      return out;
    },
  };
}

/**
 * Reads one plane folder; `channel` 2 reads the `_chan2` traces.
 *
 * @example
 * ```ts
 * const plane = readSuite2pPlane("suite2p/plane0");
 * console.log(plane.rois.length, plane.samplingRate, Object.keys(plane.traces));
 * ```
 */
export function readSuite2pPlane(folder: string, options: { channel?: 1 | 2 } = {}): Suite2pPlane {
  const statPath = join(folder, "stat.npy");
  const opsPath = join(folder, "ops.npy");
  for (const path of [statPath, opsPath]) {
    if (!existsSync(path))
      throw new SourceDataError(path, "missing: a Suite2p plane folder needs stat.npy and ops.npy");
  }
  const ops = readPickledNpy(opsPath).data[0] as Record<string, PickleValue>;
  const fs = Number(field(ops, "fs", opsPath));
  const width = Number(field(ops, "Lx", opsPath));
  const height = Number(field(ops, "Ly", opsPath));
  const stat = readPickledNpy(statPath).data as PickleValue[];
  const rois = stat.map((record, i) => {
    const where = `${statPath} ROI ${i}`;
    const median = (record as Record<string, PickleValue>).med;
    return {
      x: numbers(field(record, "xpix", where), where),
      y: numbers(field(record, "ypix", where), where),
      weight: numbers(field(record, "lam", where), where),
      ...(Array.isArray(median) && { median: median.map(Number) }),
    };
  });
  const iscellPath = join(folder, "iscell.npy");
  const iscell = existsSync(iscellPath) ? readNpy(iscellPath) : undefined;
  const columns = iscell?.shape[1] ?? 1;
  const isCell = iscell
    ? Array.from(
        { length: iscell.shape[0]! },
        (_, i) => Number((iscell.data as ArrayLike<number>)[i * columns]) === 1,
      )
    : undefined;
  const suffix = options.channel === 2 ? "_chan2" : "";
  const traces: Record<string, ChunkSource> = {};
  for (const [kind, file] of [
    ["raw", `F${suffix}.npy`],
    ["neuropil", `Fneu${suffix}.npy`],
    ["deconvolved", `spks${suffix}.npy`],
  ] as const) {
    const path = join(folder, file);
    if (existsSync(path)) traces[kind] = transposedTraces(path, rois.length);
  }
  if (options.channel === 2 && Object.keys(traces).length === 0) {
    throw new SourceDataError(folder, "no second-channel traces (F_chan2.npy, Fneu_chan2.npy)");
  }
  const images: Record<string, Float32Array | Float64Array> = {};
  for (const [name, key] of [
    ["mean", options.channel === 2 ? "meanImg_chan2" : "meanImg"],
    ["mean_enhanced", "meanImgE"],
    ["correlation", "Vcorr"],
    ["max", "max_proj"],
  ] as const) {
    const pixels = image(ops, key, width, height);
    if (pixels) images[name] = pixels;
  }
  return { folder, samplingRate: fs, width, height, rois, ...(isCell && { isCell }), traces, images };
}
