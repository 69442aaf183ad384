import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  hdf5Backend,
  KiloSortSortingInterface,
  PhySortingInterface,
  SortedRecordingConverter,
  SpikeGLXRecordingInterface,
} from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { nwbcheckAvailable, python, validateIfAvailable } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const PHY = testdata("phy/template");
const NOISE4SAM = testdata("spikeglx/Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.bin");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-phy-"));
const start = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };
const validate = validateIfAvailable;

/** numpy's view of the folder: spikes per cluster and spike times in seconds. */
function numpyTruth(): { counts: Record<string, number>; times: Record<string, number[]> } {
  return JSON.parse(
    python(
      `
import numpy as np, json, sys, os
d = sys.argv[1]
t = np.load(os.path.join(d, "spike_times.npy")).ravel().astype(np.float64) / 25000.0
c = np.load(os.path.join(d, "spike_clusters.npy")).ravel()
ids = sorted(set(c.tolist()))
print(json.dumps({"counts": {str(i): int((c == i).sum()) for i in ids}, "times": {str(i): t[c == i].tolist() for i in ids}}))
`,
      PHY,
    ),
  );
}

describe.skipIf(!HAVE || !nwbcheckAvailable())("Phy on the real template folder", () => {
  it("writes every unit with its spike times and labels, equal to what numpy reads", async () => {
    const truth = numpyTruth();
    const path = join(dir, "phy.nwb");
    await new PhySortingInterface({ folderPath: PHY }).runConversion({ nwbfilePath: path, metadata: start });
    expect(validate(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      const names = file.readDataset("/units/unit_name") as string[];
      const index = [...(file.readDataset("/units/spike_times_index") as Uint32Array)];
      const times = file.readDataset("/units/spike_times") as Float64Array;
      expect(names).toEqual(Object.keys(truth.counts).sort((a, b) => Number(a) - Number(b)));
      expect(index.at(-1)).toBe(314);
      names.forEach((name, u) => {
        const from = u === 0 ? 0 : index[u - 1]!;
        expect(index[u]! - from).toBe(truth.counts[name]);
        expect([...times.subarray(from, index[u])]).toEqual(truth.times[name]);
      });
      const quality = file.readDataset("/units/quality") as string[];
      expect(quality[names.indexOf("4")]).toBe("good");
      expect(quality.filter((q) => q !== "").length).toBe(1);
      expect(file.datasetInfo("/units/template").shape).toEqual([62, 82, 32]);
    } finally {
      file.close();
    }
  });

  it("drops excluded cluster groups and passes the reusable interface check", async () => {
    const phy = new PhySortingInterface({ folderPath: PHY, excludeClusterGroups: ["good"] });
    expect(phy.units.map((u) => u.id)).not.toContain(4);
    expect(phy.units).toHaveLength(61);
    await checkDataInterface(phy, { outputDir: dir, metadata: start, validate });
  });

  it("says when Kilosort labels are missing for keepGoodOnly", () => {
    expect(() => new KiloSortSortingInterface({ folderPath: PHY, keepGoodOnly: true })).toThrow(/KSLabel/);
  });
});

describe.skipIf(!HAVE || !nwbcheckAvailable())("a SpikeGLX recording with its sorting", () => {
  it("puts spikes on the recording's clock and links units to their peak channel's electrode", async () => {
    // a small sorting of the Noise4Sam recording (30 kHz, 1155 samples), written with numpy
    const folder = join(dir, "noise4sam_sorting");
    python(
      `
import numpy as np, os, sys
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
np.save(os.path.join(d, "spike_times.npy"), np.array([10, 500, 1100, 20, 700], dtype=np.uint64))
np.save(os.path.join(d, "spike_clusters.npy"), np.array([0, 0, 0, 7, 7], dtype=np.uint32))
np.save(os.path.join(d, "channel_map.npy"), np.arange(384, dtype=np.int32))
open(os.path.join(d, "params.py"), "w").write("dat_path = 'x.bin'\\nn_channels_dat = 385\\ndtype = 'int16'\\noffset = 0\\nsample_rate = 30000.\\nhp_filtered = False\\n")
open(os.path.join(d, "cluster_info.tsv"), "w").write("cluster_id\\tch\\tgroup\\n0\\t5\\tgood\\n7\\t200\\tmua\\n")
`,
      folder,
    );
    const recording = new SpikeGLXRecordingInterface({ filePath: NOISE4SAM });
    const converter = new SortedRecordingConverter(
      recording,
      new PhySortingInterface({ folderPath: folder }),
    );
    const path = join(dir, "sorted.nwb");
    await converter.runConversion({ nwbfilePath: path, metadata: start });
    expect(validate(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      const t0 = 177385 / 30000; // the recording's first sample on the run's clock
      const times = [...(file.readDataset("/units/spike_times") as Float64Array)];
      [10, 500, 1100, 20, 700].forEach((frame, i) => {
        expect(times[i]).toBeCloseTo(t0 + frame / 30000, 12);
      });
      expect([...(file.readDataset("/units/electrodes") as BigInt64Array)].map(Number)).toEqual([5, 200]);
      expect(file.datasetInfo("/general/extracellular_ephys/electrodes/id").shape).toEqual([384]);
      expect(file.readDataset("/units/quality")).toEqual(["good", "mua"]);
    } finally {
      file.close();
    }
  });
});
