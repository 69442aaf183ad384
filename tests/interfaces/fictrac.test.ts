import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { FicTracDataInterface, isNeuroconvError, withWarningHandler } from "../../src/index.js";
import { caught, nwbcheck, nwbcheckAvailable, python, SERIES_TIMES_PY } from "../helpers/nwbcheck.js";
import { pandasAvailable } from "../helpers/python.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && pandasAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-fictrac-"));
const DAT = testdata("fictrac/sample/sample-20230724_113055.dat");
const CONFIG = testdata("fictrac/sample/config.txt");

/** Every series of the three FicTrac containers, read back with h5py: data, unit, conversion, times. */
function written(
  path: string,
): Record<string, { data: number[][]; unit: string; conversion: number; t: number[] }> {
  return JSON.parse(
    python(
      `
import h5py, json, sys, numpy as np
${SERIES_TIMES_PY}
f = h5py.File(sys.argv[1], "r")
out = {}
for c in ("FicTrac", "FicTracDirection", "FicTracRotation"):
    for name, s in f["processing/behavior"][c].items():
        d = s["data"][()]
        out[name] = {"data": d.reshape(len(d), -1).tolist(), "unit": s["data"].attrs["unit"],
                     "conversion": float(s["data"].attrs.get("conversion", 1.0)), "t": series_times(s).tolist(),
                     "comments": s.attrs.get("comments", "")}
print(json.dumps(out))`,
      path,
    ),
  );
}

/** The .dat parsed by pandas: one list per column (0-based column numbers of FicTrac's data_header.txt). */
function pandasColumns(path: string): number[][] {
  return JSON.parse(
    python(
      `import pandas as pd, json, sys; print(json.dumps(pd.read_csv(sys.argv[1], header=None, float_precision="round_trip").T.values.tolist()))`,
      path,
    ),
  );
}

const COLUMNS: Record<string, number[]> = {
  Position: [14, 15],
  IntegratedMotion: [19, 20],
  AnimalHeading: [16],
  MovementDirection: [17],
  MovementSpeed: [18],
  RotationDeltaCameraFrame: [1, 2, 3],
  RotationDeltaError: [4],
  RotationDeltaLabFrame: [5, 6, 7],
  RotationCameraFrame: [8, 9, 10],
  RotationLabFrame: [11, 12, 13],
};

describe.skipIf(!HAVE)("FicTracDataInterface on the FicTrac sample", () => {
  const files: string[] = [];

  it("writes every tracked column as pandas reads it, on the video clock, with the config", async () => {
    const path = join(dir, "sample.nwb");
    const warnings: string[] = [];
    const fictrac = new FicTracDataInterface({ filePath: DAT, configFilePath: CONFIG });
    expect(fictrac.getMetadata().NWBFile.session_start_time).toBe("2023-07-24T09:30:55.440600+00:00");
    await withWarningHandler(
      (m) => warnings.push(m),
      () => fictrac.runConversion({ nwbfilePath: path }),
    );
    files.push(path);
    expect(warnings.join("\n")).toMatch(/frames 0, 292-299 carry wall-clock time/);
    const columns = pandasColumns(DAT);
    const series = written(path);
    expect(Object.keys(series).sort()).toEqual(Object.keys(COLUMNS).sort());
    for (const [name, cols] of Object.entries(COLUMNS)) {
      const expected = columns[0]!.map((_, row) => cols.map((c) => columns[c]![row]!));
      expect(series[name]!.data, name).toEqual(expected);
    }
    expect(series.AnimalHeading!.unit).toBe("radians");
    expect(series.Position!.unit).toBe("radians");
    expect(series.MovementSpeed!.unit).toBe("radians/frame");
    expect(series.RotationDeltaError!.unit).toBe("n.a.");
    expect(JSON.parse((series.Position as unknown as { comments: string }).comments)).toMatchObject({
      version: "v2.1.1",
      src_fn: "sample.mp4",
      vfov: "45",
    });
    // Video positions (ms) as seconds where the file has them (to 1 ns: they lie on a 30 fps clock, which is
    // written as a rate); the wall-clock frames on the 30 fps grid.
    const t = series.Position!.t;
    const stamps = columns[21]!;
    for (let row = 1; row <= 291; row++) expect(Math.abs(t[row]! - stamps[row]! / 1000)).toBeLessThan(1e-9);
    for (const row of [0, 292, 299]) expect(Math.abs(t[row]! - row / 30)).toBeLessThan(1e-6);
    // NeuroConv writes the epoch milliseconds of the last frames as they are (a jump to 1.69e9 s).
    expect(stamps[292]).toBeGreaterThan(1e12);
  });

  it("writes metres with a ball radius, and reads 23-column files on the wall clock", async () => {
    python(
      `
import sys, pandas as pd
d = pd.read_csv(sys.argv[1], header=None).iloc[:, :23]
d[21] = 1690191055440.6 + d[0] * 10.0   # camera run: capture times since the epoch, 100 Hz
d.to_csv(sys.argv[2], header=False, index=False)`,
      DAT,
      join(dir, "camera.dat"),
    );
    const camera = new FicTracDataInterface({ filePath: join(dir, "camera.dat"), radius: 0.0045 });
    expect(camera.data.columnCount).toBe(23);
    expect(camera.times.clock).toBe("epoch");
    const path = join(dir, "camera.nwb");
    await camera.runConversion({ nwbfilePath: path, metadata: camera.getMetadata() });
    files.push(path);
    const series = written(path);
    expect(series.Position!.unit).toBe("meters");
    expect(series.Position!.conversion).toBe(0.0045);
    expect(series.MovementSpeed!.unit).toBe("meters/frame");
    expect(series.AnimalHeading!.unit).toBe("radians");
    expect(series.Position!.t.slice(0, 3).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0, 0.01, 0.02]);
    expect(camera.getMetadata().NWBFile.session_start_time).toBe("2023-07-24T09:30:55.440600+00:00");
  });

  it("names the line of a damaged file", () => {
    const bad = join(dir, "bad.dat");
    writeFileSync(bad, `${"1, ".repeat(24)}1\n${"1, ".repeat(10)}1\n`);
    const error = caught(() => new FicTracDataInterface({ filePath: bad }));
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect(error.message).toMatch(/line 2 has 11 values/);
  });

  it("converts from the command line under its alias", async () => {
    const output = join(dir, "cli.nwb");
    const err: string[] = [];
    const code = await runCli(["convert", "fictrac", DAT, "-o", output], {
      out: () => {},
      err: (line) => err.push(line),
      terminal: false,
    });
    expect(code, err.join("\n")).toBe(0);
    files.push(output);
  });

  it("the files pass nwbcheck", () => {
    const result = nwbcheck(...files);
    expect(result.passed, result.output).toBe(true);
  });
});
