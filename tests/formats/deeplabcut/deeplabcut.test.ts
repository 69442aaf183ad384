import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type DeepLabCutOutput,
  readDeepLabCutConfig,
  readDeepLabCutCsv,
  readDeepLabCutH5,
} from "../../../src/formats/deeplabcut/index.js";
import { python } from "../../helpers/nwbcheck.js";
import { pandasAvailable } from "../../helpers/python.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata() && pandasAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-dlc-"));

/** pandas' reading: column labels and every value (NaN as null), read_hdf or read_csv with the header rows. */
function pandasTruth(
  path: string,
  headerRows = 0,
  indexColumns = 1,
): { columns: string[][]; values: (number | null)[][] } {
  return JSON.parse(
    python(
      `
import json, sys, pandas as pd, numpy as np
path, header, index = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
df = pd.read_hdf(path) if path.endswith(".h5") else pd.read_csv(path, header=list(range(header)), index_col=list(range(index)), float_precision="round_trip")
values = [[None if np.isnan(v) else float(v) for v in row] for row in df.to_numpy(dtype=float)]
print(json.dumps({"columns": [[str(l) for l in c] for c in df.columns], "values": values}))
`,
      path,
      String(headerRows),
      String(indexColumns),
    ),
  );
}

/** Our tracks back as pandas-ordered columns (x, y, [z,] likelihood per body part). */
function expectEqualsPandas(output: DeepLabCutOutput, truth: ReturnType<typeof pandasTruth>): void {
  const byLabel = new Map<string, Float64Array>();
  for (const track of output.tracks) {
    const prefix = [output.scorer, ...(track.individual ? [track.individual] : []), track.bodypart];
    ["x", "y", "z"].slice(0, track.dimensions).forEach((axis, a) => {
      byLabel.set(
        [...prefix, axis].join("/"),
        track.coordinates.filter((_, i) => i % track.dimensions === a),
      );
    });
    if (track.likelihood) byLabel.set([...prefix, "likelihood"].join("/"), track.likelihood);
  }
  expect([...byLabel.keys()].sort()).toEqual(truth.columns.map((c) => c.join("/")).sort());
  truth.columns.forEach((label, c) => {
    const ours = [...byLabel.get(label.join("/"))!].map((v) => (Number.isNaN(v) ? null : v));
    expect(ours).toEqual(truth.values.map((row) => row[c]));
  });
}

describe.skipIf(!HAVE)("DeepLabCut output against pandas", () => {
  it("reads the real .h5 prediction (pandas table layout) as pandas does", async () => {
    const path = testdata("deeplabcut/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5");
    const output = await readDeepLabCutH5(path);
    expect(output.scorer).toBe("DLC_resnet50_openfieldAug20shuffle1_30000");
    expect(output.index).toEqual(Array.from({ length: 2330 }, (_, i) => i));
    expectEqualsPandas(output, pandasTruth(path));
  });

  it("reads the real labelled data, .h5 and 3-level .csv, as pandas does", async () => {
    const h5 = testdata("deeplabcut/labeled-data/m4s1/CollectedData_Pranav.h5");
    const csv = testdata("deeplabcut/labeled-data/m4s1/CollectedData_Pranav.csv");
    expectEqualsPandas(await readDeepLabCutH5(h5), pandasTruth(h5));
    const fromCsv = readDeepLabCutCsv(csv);
    expectEqualsPandas(fromCsv, pandasTruth(csv, 3, 1));
    expect(fromCsv.index[0]).toBe("labeled-data/m4s1/img0000.png");
  });

  it("reads multi-animal output (4 levels, missing values) in the table, fixed and .csv layouts", async () => {
    python(
      `
import sys, os, numpy as np, pandas as pd
d = sys.argv[1]
cols = pd.MultiIndex.from_product([["DLC_dlcrnetms5_testMay1shuffle1_5"], ["mus1", "mus2"], ["nose", "tail"], ["x", "y", "likelihood"]],
                                  names=["scorer", "individuals", "bodyparts", "coords"])
rng = np.random.default_rng(7)
values = rng.uniform(0, 500, size=(6, len(cols)))
values[2, 3:6] = np.nan
df = pd.DataFrame(values, columns=cols)
df.to_hdf(os.path.join(d, "maDLC_table.h5"), key="df_with_missing", format="table", mode="w")
df.to_hdf(os.path.join(d, "maDLC_fixed.h5"), key="df_with_missing", format="fixed", mode="w")
df.to_csv(os.path.join(d, "maDLC.csv"))
`,
      dir,
    );
    for (const name of ["maDLC_table.h5", "maDLC_fixed.h5"]) {
      const output = await readDeepLabCutH5(join(dir, name));
      expect([...new Set(output.tracks.map((t) => t.individual))]).toEqual(["mus1", "mus2"]);
      expectEqualsPandas(output, pandasTruth(join(dir, name)));
    }
    const csv = join(dir, "maDLC.csv");
    expectEqualsPandas(readDeepLabCutCsv(csv), pandasTruth(csv, 4, 1));
  });

  it("reads the skeleton and body parts of a config.yaml", () => {
    const config = readDeepLabCutConfig(testdata("deeplabcut/openfield-Pranav-2018-10-30_config.yaml"));
    expect(config).toEqual({
      task: "openfield",
      scorer: "Pranav",
      bodyparts: ["snout", "leftear", "rightear", "tailbase"],
      individuals: [],
      skeleton: [],
    });
  });
});
