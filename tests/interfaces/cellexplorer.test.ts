import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { withWarningHandler } from "../../src/conversion/warnings.js";
import {
  CellExplorerLFPInterface,
  CellExplorerRecordingInterface,
  CellExplorerSortingInterface,
} from "../../src/index.js";
import { matOracleAvailable } from "../formats/matlab/oracle.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && matOracleAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-cellexplorer-"));
const D4 = "cellexplorer/dataset_4/Peter_MS22_180629_110319_concat_stubbed";
const D4H5 = `${D4}_hdf5`;
const SPIKES = `${D4}/Peter_MS22_180629_110319_concat_stubbed.spikes.cellinfo.mat`;
const SPIKES_H5 = `${D4H5}/Peter_MS22_180629_110319_concat_stubbed_hdf5.spikes.cellinfo.mat`;
const SPIKES_1 = "cellexplorer/dataset_1/20170311_684um_2088um_170311_134350.spikes.cellinfo.mat";
const METRICS_V5 = "cellexplorer/mouse5_181112B.cell_metrics.cellinfo.mat";
const METRICS_V73 = "cellexplorer/d533101.cell_metrics.cellinfo.mat";
const quiet = { out: () => {}, err: () => {}, progress: false };
const START = ["--session-start-time", "2020-01-01T00:00:00+00:00"];

/** Our file (h5py) against the binaries (numpy), the .mat files (scipy / h5py) and NeuroConv's files. */
const RECORDING_ORACLE = `
import sys, json, h5py, numpy as np
ours, dat, ref, series = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
with h5py.File(ours, "r") as f, h5py.File(ref, "r") as r:
    s, rs = f[series], r[series]
    raw = np.fromfile(dat, "<i2").reshape(-1, 128)
    e, re = f["general/extracellular_ephys/electrodes"], r["general/extracellular_ephys/electrodes"]
    out = {
        "data": bool(np.array_equal(s["data"][()], raw)), "dataEqualReference": bool(np.array_equal(s["data"][()], rs["data"][()])),
        "conversion": float(s["data"].attrs["conversion"]), "rate": float(s["starting_time"].attrs["rate"]),
        "rateEqualReference": float(s["starting_time"].attrs["rate"]) == float(rs["starting_time"].attrs["rate"]),
    }
    for column in ["group_name", "channel_name", "location", "rel_x", "rel_y"]:
        out[column] = bool(np.array_equal(e[column][()], re[column][()]))
    out["start"] = f["session_start_time"][()].decode()
print(json.dumps(out))
`;

const SORTING_ORACLE = `
import sys, json, h5py, numpy as np, scipy.io as sio
ours, mat, ref, variable = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def load(path):
    try:
        m = sio.loadmat(path, squeeze_me=True, struct_as_record=False)[variable]
        times = m.times if variable == "spikes" else m.spikes.times
        times = times if times.dtype == object else [times]  # squeeze_me leaves one cell's times bare
        return [np.atleast_1d(t).astype(float) for t in times], m
    except NotImplementedError:  # v7.3: read with h5py
        f = h5py.File(path, "r")
        g = f[variable] if variable == "spikes" else f[variable]["spikes"]
        return [f[ref][()].ravel() for ref in g["times"][()].ravel()], None
times, m = load(mat)
with h5py.File(ours, "r") as f:
    u = f["units"]
    ends = u["spike_times_index"][()]
    st = u["spike_times"][()]
    ours_times = [st[(ends[i - 1] if i else 0):ends[i]] for i in range(len(ends))]
    out = {"count": len(ends), "times": all(len(a) == len(b) and np.allclose(a, b, rtol=0, atol=1e-9) for a, b in zip(ours_times, times)),
           "names": [x.decode() for x in u["unit_name"][()]], "columns": sorted(k for k in u.keys())}
    if ref != "-":
        with h5py.File(ref, "r") as r:
            ru = r["units"]
            rends = ru["spike_times_index"][()]
            out["timesEqualReference"] = bool(np.array_equal(ends, rends)) and bool(np.allclose(st, ru["spike_times"][()], rtol=0, atol=1e-9))
            out["cluEqualReference"] = bool(np.array_equal(u["clu_id"][()], ru["clu_id"][()]))
    if m is not None and variable == "cell_metrics":
        out["firingRate"] = bool(np.allclose(u["firingRate"][()], np.atleast_1d(m.firingRate)))
        out["putativeCellType"] = [x.decode() for x in u["putativeCellType"][()]] == list(np.atleast_1d(m.putativeCellType))
print(json.dumps(out))
`;

describe.skipIf(!HAVE)(
  "CellExplorer on the dataset_4 session (v5 and v7.3) and the buzcode dataset_1",
  () => {
    const files = new Map<string, string>();
    beforeAll(async () => {
      const runs: [string, string[]][] = [
        ["rec", ["cellexplorer", testdata(D4)]],
        ["rech5", ["cellexplorer", testdata(D4H5)]],
        ["lfp", ["cellexplorer-lfp", testdata(D4)]],
        ["sort", ["cellexplorer-sorting", testdata(SPIKES)]],
        ["sorth5", ["CellExplorerSortingInterface", testdata(SPIKES_H5)]],
        ["sort1", ["cellexplorer-sorting", testdata(SPIKES_1)]],
        ["m5", ["cellexplorer-sorting", testdata(METRICS_V5), ...START]],
        ["m73", ["cellexplorer-sorting", testdata(METRICS_V73), ...START]],
      ];
      for (const [name, args] of runs) {
        const out = join(dir, `${name}.nwb`);
        expect(await runCli(["convert", ...args, "-o", out], quiet), name).toBe(0);
        files.set(name, out);
      }
    }, 300_000);

    it("converts every sample with the CLI into files nwbcheck accepts", () => {
      const result = nwbcheck(...files.values());
      expect(result.passed, result.output).toBe(true);
    });

    it.each([
      ["rec", D4, "acquisition/ElectricalSeries", 20000, "Peter_MS22_stubbed.recording.nwb", ".dat"],
      ["rech5", D4H5, "acquisition/ElectricalSeries", 20000, "Peter_MS22_stubbed_hdf5.recording.nwb", ".dat"],
      ["lfp", D4, "processing/ecephys/LFP/ElectricalSeriesLFP", 1250, "Peter_MS22_stubbed.lfp.nwb", ".lfp"],
    ])(
      "%s: samples equal numpy's, electrodes and rate equal NeuroConv's",
      (name, folder, series, rate, ref, suffix) => {
        const base = folder.split("/").pop()!;
        const result = JSON.parse(
          python(
            RECORDING_ORACLE,
            files.get(name)!,
            testdata(`${folder}/${base}${suffix}`),
            testdata(`cellexplorer/reference_neuroconv/${ref}`),
            series,
          ),
        );
        expect(result).toEqual({
          data: true,
          dataEqualReference: true,
          conversion: 1.95e-7,
          rate,
          rateEqualReference: true,
          group_name: true,
          channel_name: true,
          location: true,
          rel_x: true,
          rel_y: true,
          // NeuroConv writes no start time; the session's general.date and general.time say it
          start: "2018-06-29T11:03:19+00:00",
        });
      },
    );

    it.each([
      ["sort", SPIKES, "spikes", "Peter_MS22_stubbed.sorting.nwb", ["1", "2", "3"]],
      ["sorth5", SPIKES_H5, "spikes", "Peter_MS22_stubbed_hdf5.sorting.nwb", ["1", "2", "3"]],
      ["sort1", SPIKES_1, "spikes", "dataset_1.sorting.nwb", ["2", "3", "4", "5", "6", "7"]],
    ])("%s: spike times equal scipy's/h5py's and NeuroConv's", (name, file, variable, ref, names) => {
      const result = JSON.parse(
        python(
          SORTING_ORACLE,
          files.get(name)!,
          testdata(file),
          testdata(`cellexplorer/reference_neuroconv/${ref}`),
          variable,
        ),
      );
      expect(result).toMatchObject({
        count: names.length,
        times: true,
        names,
        timesEqualReference: true,
        cluEqualReference: true,
      });
      expect(result.columns).toEqual(
        expect.arrayContaining(["clu_id", "shank_id", "spike_times", "unit_name"]),
      );
    });

    it("writes the cell_metrics columns of a metrics file (v5 and v7.3) with their types", () => {
      const v5 = JSON.parse(
        python(SORTING_ORACLE, files.get("m5")!, testdata(METRICS_V5), "-", "cell_metrics"),
      );
      expect(v5).toMatchObject({
        count: 1,
        times: true,
        names: ["9"],
        firingRate: true,
        putativeCellType: true,
      });
      expect(v5.columns).toEqual(
        expect.arrayContaining(["troughToPeak", "putativeCellType", "location", "clu_id"]),
      );
      const v73 = JSON.parse(
        python(SORTING_ORACLE, files.get("m73")!, testdata(METRICS_V73), "-", "cell_metrics"),
      );
      expect(v73).toMatchObject({ count: 1, times: true, names: ["1"] });
      expect(v73.columns).toEqual(expect.arrayContaining(["firingRate", "putativeCellType"]));
    });

    it("adds the cell_metrics file beside a spikes file, matched by UID", async () => {
      // mouse5's metrics describe the cell with UID 9; beside a spikes file of UIDs 1-3 no unit matches
      const folder = mkdtempSync(join(dir, "beside-"));
      copyFileSync(testdata(SPIKES), join(folder, "s.spikes.cellinfo.mat"));
      copyFileSync(testdata(METRICS_V5), join(folder, "s.cell_metrics.cellinfo.mat"));
      const messages: string[] = [];
      const sorting = await withWarningHandler(
        (m: string) => messages.push(m),
        async () => new CellExplorerSortingInterface({ filePath: join(folder, "s.spikes.cellinfo.mat") }),
      );
      expect(sorting.units.map((u) => u.properties?.firingRate)).toEqual([
        Number.NaN,
        Number.NaN,
        Number.NaN,
      ]);
      expect(sorting.units.map((u) => u.properties?.putativeCellType)).toEqual(["", "", ""]);
      expect(messages.join("\n")).toMatch(/waveforms/);
    });

    it("gives clear errors for a folder without a session, a missing binary and a wrong file", async () => {
      expect(() => new CellExplorerRecordingInterface({ folderPath: join(dir, "nowhere") })).toThrow(
        /does not exist/,
      );
      expect(() => new CellExplorerRecordingInterface({ folderPath: dir })).toThrow(
        /no <basename>\.session\.mat/,
      );
      expect(
        () => new CellExplorerRecordingInterface({ folderPath: testdata("cellexplorer/dataset_1") }),
      ).toThrow(/\.dat.*missing/);
      const session = testdata(`${D4}/Peter_MS22_180629_110319_concat_stubbed.session.mat`);
      expect(() => new CellExplorerSortingInterface({ filePath: session })).toThrow(
        /no 'spikes' or 'cell_metrics'/,
      );
      const cut = mkdtempSync(join(dir, "cut-"));
      const bytes = readFileSync(testdata(`${D4}/Peter_MS22_180629_110319_concat_stubbed.lfp`));
      writeFileSync(join(cut, "x.lfp"), bytes.subarray(0, bytes.length - 10));
      copyFileSync(session, join(cut, "x.session.mat"));
      const messages: string[] = [];
      const lfp = await withWarningHandler(
        (m: string) => messages.push(m),
        async () => new CellExplorerLFPInterface({ folderPath: cut }),
      );
      expect(lfp.numSamples).toBe(999);
      expect(messages.join("\n")).toMatch(/246 bytes after the last whole sample/);
    });
  },
);
