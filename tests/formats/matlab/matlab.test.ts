import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  isMatStruct,
  MatArray,
  type MatStruct,
  openMatFile,
  openMatFileSync,
  rowMajor,
} from "../../../src/formats/matlab/index.js";
import { caught, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { canonical, h5pyMat, matOracleAvailable, scipyMat } from "./oracle.js";

const HAVE = hasTestdata() && matOracleAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-matlab-"));

const LEVEL5 = [
  "cellexplorer/dataset_1/20170311_684um_2088um_170311_134350.sessionInfo.mat",
  "cellexplorer/dataset_1/20170311_684um_2088um_170311_134350.spikes.cellinfo.mat",
  "cellexplorer/dataset_4/Peter_MS22_180629_110319_concat_stubbed/Peter_MS22_180629_110319_concat_stubbed.session.mat",
  "cellexplorer/dataset_4/Peter_MS22_180629_110319_concat_stubbed/Peter_MS22_180629_110319_concat_stubbed.spikes.cellinfo.mat",
  "cellexplorer/mouse5_181112B.cell_metrics.cellinfo.mat",
  "neuroscope/buzcode_20170505_396um_0um_merge_metadata_only/20170505_396um_0um_merge.SleepState.states.mat",
];
const V73 = [
  "cellexplorer/dataset_4/Peter_MS22_180629_110319_concat_stubbed/Peter_MS22_180629_110319_concat_stubbed.channelInfo.mat",
  "cellexplorer/dataset_4/Peter_MS22_180629_110319_concat_stubbed/Peter_MS22_180629_110319_concat_stubbed.ccf.channelInfo.mat",
  "cellexplorer/dataset_4/Peter_MS22_180629_110319_concat_stubbed_hdf5/Peter_MS22_180629_110319_concat_stubbed_hdf5.session.mat",
  "cellexplorer/dataset_4/Peter_MS22_180629_110319_concat_stubbed_hdf5/Peter_MS22_180629_110319_concat_stubbed_hdf5.spikes.cellinfo.mat",
  "cellexplorer/d533101.cell_metrics.cellinfo.mat",
  "neuroscope/buzcode_20170505_396um_0um_merge_metadata_only/20170505_396um_0um_merge.sessionInfo.mat",
  "extract/extract_public_output.mat",
  "extract/2014_04_01_p203_m19_check01_extractAnalysis.mat",
];

async function ours(path: string): Promise<Record<string, unknown>> {
  const mat = await openMatFile(path);
  try {
    return Object.fromEntries(mat.variableNames.map((name) => [name, canonical(mat.read(name)!)]));
  } finally {
    mat.close();
  }
}

describe.skipIf(!HAVE)("MATLAB level-5 files against scipy.io.loadmat", () => {
  it.each(LEVEL5)("%s: every variable equals scipy's", async (file) => {
    const path = testdata(file);
    expect((await openMatFile(path)).version).toBe("5");
    expect(await ours(path)).toEqual(scipyMat(path));
  });
});

/** Every class scipy can write, compressed (v7 style) and not (v6 style), 3-D, complex, sparse, struct arrays. */
const WRITE_ALL = `
import sys, numpy as np, scipy.io as sio, scipy.sparse as sp
a = np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 7.5
v = {"d3": a, "single": a.astype(np.float32), "logical": a > 0, "cplx": a[0] + 2j * a[1],
     "s": sp.csc_matrix(np.array([[0, 1.5, 0], [2, 0, 0], [0, 0, -3]])),
     "sbool": sp.csc_matrix(np.array([[True, False], [False, True]])),
     "chars": np.array(["abc", "def"]), "uni": "\u00e9t\u00e9 \u03bcV", "empty": np.zeros((0, 3)),
     "cell": np.array([[np.arange(3.0), "x", np.zeros((2, 2), np.int16)]], dtype=object),
     "st": {"a": 1.0, "b": "text", "c": {"deep": np.array([[1, 2]], np.uint8)}},
     "sa": np.array([[(1.0, "p"), (2.0, "q")]], dtype=[("x", object), ("y", object)])}
for t in ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]:
    v[t] = (np.arange(6).reshape(2, 3) * 37 % 100).astype(t)
v["inf"] = np.array([[np.inf, -np.inf, np.nan, -0.0]])
sio.savemat(sys.argv[1], v, do_compression=sys.argv[2] == "1", format="5")
`;

describe.skipIf(!HAVE)("MATLAB level-5 files written by scipy with every class", () => {
  it.each(["1", "0"])("compressed=%s: equals scipy's reading", async (compressed) => {
    const path = join(dir, `all${compressed}.mat`);
    python(WRITE_ALL, path, compressed);
    expect(await ours(path)).toEqual(scipyMat(path));
    const mat = await openMatFile(path);
    expect((mat.read("d3") as MatArray).shape).toEqual([2, 3, 4]);
    expect((mat.read("int64") as MatArray).data).toBeInstanceOf(BigInt64Array);
  });
});

describe.skipIf(!HAVE)("MATLAB v7.3 files against h5py", () => {
  it.each(V73)("%s: every variable equals h5py's", async (file) => {
    const path = testdata(file);
    expect((await openMatFile(path)).version).toBe("7.3");
    expect(await ours(path)).toEqual(h5pyMat(path));
  });

  it("reads a v7.3 matrix lazily as rows of MATLAB's first dimension", async () => {
    const path = testdata("extract/extract_public_output.mat");
    const mat = await openMatFile(path);
    const source = mat.hdf5!.rowSource("/output/temporal_weights");
    const whole = mat.read("output") as MatStruct;
    const weights = whole.temporal_weights as MatArray;
    expect(source.shape).toEqual(weights.shape);
    const [frames, cells] = weights.shape as [number, number];
    const rows = await source.readRows(10, 13);
    expect(rows.length).toBe(3 * cells);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < cells; c++) expect(rows[r * cells + c]).toBe(weights.data[10 + r + c * frames]);
    }
    mat.close();
  });
});

describe("MATLAB reader on made-up input", () => {
  it("rowMajor reorders column-major blocks", () => {
    // MATLAB [1 2 3; 4 5 6] is stored 1 4 2 5 3 6.
    expect([...rowMajor(Float64Array.of(1, 4, 2, 5, 3, 6), [2, 3])]).toEqual([1, 2, 3, 4, 5, 6]);
    // 2×2×2: element (i,j,k) at i + 2j + 4k column-major, at 4i + 2j + k row-major.
    const column = Float64Array.from({ length: 8 }, (_, n) => n);
    const row = rowMajor(column, [2, 2, 2]);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        for (let k = 0; k < 2; k++) expect(row[4 * i + 2 * j + k]).toBe(i + 2 * j + 4 * k);
  });

  it("names the file and the fault for a non-MATLAB, short or truncated file", async () => {
    const text = join(dir, "notes.mat");
    writeFileSync(text, "x".repeat(200));
    expect(await openMatFile(text).catch((e) => e)).toMatchObject({
      name: "SourceDataError",
      message: expect.stringMatching(/notes\.mat.*not a MATLAB/),
    });
    const short = join(dir, "short.mat");
    writeFileSync(short, "MATLAB 5.0");
    expect((await openMatFile(short).catch((e) => e)).message).toMatch(/too short/);
    const sample = readFileSync(testdata(LEVEL5[1]!));
    const truncated = join(dir, "truncated.mat");
    writeFileSync(truncated, sample.subarray(0, sample.length - 100));
    expect((await openMatFile(truncated).catch((e) => e)).message).toMatch(/truncated/);
    expect(await openMatFile(join(dir, "missing.mat")).catch((e) => e)).toMatchObject({
      name: "SourceDataError",
    });
  });

  it.skipIf(!HAVE)("gives structs as objects and cells as arrays", async () => {
    const mat = await openMatFile(testdata(LEVEL5[3]!));
    const spikes = mat.read("spikes");
    expect(isMatStruct(spikes)).toBe(true);
    const times = (spikes as MatStruct).times as readonly MatArray[];
    expect(times).toHaveLength(3);
    expect(times[0]).toBeInstanceOf(MatArray);
    expect(caught(() => mat.read("nothing"))).toBeUndefined();
    expect(mat.read("nothing")).toBeUndefined();
    const v73 = openMatFileSync(testdata(V73[3]!));
    expect(((v73.read("spikes") as MatStruct).times as readonly MatArray[])[2]!.data).toEqual(times[2]!.data);
    v73.close();
  });
});
