/**
 * Independent TIFF writers and readers for the tests: Debian's python3-tifffile writes and reads stacks,
 * libtiff's `tiffcp` re-compresses them (LZW, PackBits: tifffile needs imagecodecs for those). Outside CI a
 * machine without them skips loudly; in CI they must be present.
 */
import { spawnSync } from "node:child_process";
import { nwbcheck, python } from "../../helpers/nwbcheck.js";

let state: boolean | undefined;

/** Whether tifffile, numpy and tiffcp are here; throws in CI when they are not. */
export function tiffOracleAvailable(): boolean {
  if (state !== undefined) return state;
  const { PYTHONPATH: _p, PYTHONHOME: _h, ...env } = process.env;
  const ok =
    spawnSync("/usr/bin/python3", ["-c", "import tifffile, numpy"], { stdio: "ignore", env }).status === 0 &&
    spawnSync("tiffcp", [], { stdio: "ignore" }).error === undefined;
  if (!ok && process.env.CI) throw new Error("python3-tifffile and libtiff-tools are required in CI");
  if (!ok) console.warn("\n!!! SKIPPING TIFF comparisons: python3-tifffile or tiffcp missing !!!\n");
  state = ok;
  return ok;
}

/** Writes `pages` pages of a deterministic pattern with tifffile; `options` go to `tifffile.imwrite`. */
export function writeTiff(
  path: string,
  shape: readonly number[],
  dtype: string,
  options: Record<string, unknown> = {},
): void {
  python(
    `
import sys, json, numpy as np, tifffile
shape, dtype, kw = json.loads(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
n = int(np.prod(shape))
a = (np.arange(n, dtype=np.float64) * 7919 % 65521 - 30000) / 3.0
info = np.iinfo(dtype) if np.dtype(dtype).kind in "ui" else None
a = np.clip(a * 3, info.min, info.max) if info else a
tifffile.imwrite(sys.argv[1], a.astype(dtype).reshape(shape), photometric="minisblack", **kw)
`,
    path,
    JSON.stringify(shape),
    dtype,
    JSON.stringify(options),
  );
}

/** Re-compresses with libtiff (`tiffcp -c <scheme>`), e.g. "lzw", "lzw:2" (with predictor), "packbits". */
export function tiffcp(from: string, to: string, scheme: string): void {
  const result = spawnSync("tiffcp", ["-c", scheme, from, to], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`tiffcp failed: ${result.stderr}`);
}

/** tifffile's pages of a file: per page, its row-major values as numbers. */
export function tifffilePages(path: string, pages?: readonly number[]): number[][] {
  return JSON.parse(
    python(
      `
import sys, json, tifffile
t = tifffile.TiffFile(sys.argv[1])
wanted = json.loads(sys.argv[2]) or range(len(t.pages))
print(json.dumps([t.pages[i].asarray().ravel().tolist() for i in wanted]))
`,
      path,
      JSON.stringify(pages ?? null),
    ),
  );
}

/**
 * nwbcheck for movies from the short real samples: their few frames are fewer than the pixels per line, which
 * the Inspector's check_data_orientation (any TimeSeries whose first axis is not the longest) reports as
 * critical. That one finding is expected for such inputs; every other failure still fails the file.
 */
export function nwbcheckShortMovies(...files: string[]): { passed: boolean; output: string } {
  const result = nwbcheck(...files);
  if (result.passed) return result;
  const blocking = result.output
    .split("\n")
    .filter((line) => /^\s*(FAIL|WARN layout)\b/.test(line) && !line.includes("check_data_orientation"));
  return { passed: blocking.length === 0, output: result.output };
}
