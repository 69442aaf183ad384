/**
 * The Phy/Kilosort reader: on the real phy-data `template` folder against values numpy computes from the
 * same files (not from our code), and on small folders written here for filters and error cases.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNeuroconvError } from "../../../src/errors.js";
import { type PhySorting, type ReadPhyOptions, readPhyFolder } from "../../../src/formats/phy/index.js";
import { caught, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const REAL = testdata("phy", "template");

interface Oracle {
  sampleRate: number;
  total: number;
  counts: Record<string, number>;
  times: Record<string, number[]>;
  groups: Record<string, string>;
  channelMap: number[];
  peak: Record<string, number>;
  template: Record<string, number>;
  waveform4: number[];
  amplitudes4: number[];
}

/** numpy's view of the folder: params.py executed, .npy loaded, .tsv read with the csv module. */
const ORACLE = String.raw`
import csv, glob, json, os, sys
import numpy as np
d = sys.argv[1]
ns = {}
exec(open(os.path.join(d, "params.py")).read(), ns)
sr = float(ns["sample_rate"])
st = np.load(os.path.join(d, "spike_times.npy")).ravel()
sc = np.load(os.path.join(d, "spike_clusters.npy")).ravel()
stt = np.load(os.path.join(d, "spike_templates.npy")).ravel()
amp = np.load(os.path.join(d, "amplitudes.npy")).ravel()
ids, counts = np.unique(sc, return_counts=True)
groups = {}
for path in glob.glob(os.path.join(d, "cluster_*.tsv")):
    with open(path) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if "group" in row:
                groups[row["cluster_id"]] = row["group"]
templates = np.load(os.path.join(d, "templates.npy"))
ind = np.load(os.path.join(d, "template_ind.npy"))
wmi = np.load(os.path.join(d, "whitening_mat_inv.npy"))
peak, template, waveform4 = {}, {}, None
for c in ids:
    t = int(np.bincount(stt[sc == c]).argmax())
    chans = ind[t]
    w = np.zeros((templates.shape[1], wmi.shape[0]))
    w[:, chans] = templates[t] @ wmi[np.ix_(chans, chans)]
    peak[str(c)] = int(np.ptp(w, axis=0).argmax())
    template[str(c)] = t
    if c == 4:
        waveform4 = w.ravel().tolist()
json.dump(dict(
    sampleRate=sr, total=int(st.size),
    counts={str(c): int(n) for c, n in zip(ids, counts)},
    times={str(c): (st[sc == c] / sr).tolist() for c in ids},
    groups=groups,
    channelMap=np.load(os.path.join(d, "channel_map.npy")).ravel().tolist(),
    peak=peak, template=template, waveform4=waveform4,
    amplitudes4=amp[sc == 4].tolist(),
), sys.stdout)
`;

describe.skipIf(!HAVE)("Phy: the real phy-data template folder", () => {
  let oracle: Oracle;
  let sorting: PhySorting;

  beforeAll(async () => {
    oracle = JSON.parse(python(ORACLE, REAL)) as Oracle;
    sorting = await readPhyFolder(REAL);
  });

  it("has numpy's sampling rate, spike total and units", () => {
    expect(sorting.samplingRate).toBe(oracle.sampleRate);
    expect(sorting.samplingRate).toBe(25000);
    expect(oracle.total).toBe(314);
    expect(sorting.spikeCount).toBe(oracle.total);
    expect(sorting.units.reduce((n, u) => n + u.spikeTimes.length, 0)).toBe(314);
    expect(sorting.clusterSource).toBe("spike_clusters.npy");
    expect(sorting.units.map((u) => u.clusterId)).toEqual(Object.keys(oracle.counts).map(Number));
  });

  it("has numpy's spike count and spike times for every unit", () => {
    for (const unit of sorting.units) {
      const key = String(unit.clusterId);
      expect(unit.spikeTimes.length, key).toBe(oracle.counts[key]);
      // The same IEEE division (samples / rate) on both sides: exact.
      expect(Array.from(unit.spikeTimes), key).toEqual(oracle.times[key]);
    }
    const unit4 = sorting.units.find((u) => u.clusterId === 4)!;
    expect(Array.from(unit4.amplitudes!)).toEqual(oracle.amplitudes4);
  });

  it("has the curation labels of cluster_group.tsv, and no value for unlabelled clusters", () => {
    expect(sorting.columns.map((c) => [c.name, c.type, c.description])).toEqual([
      ["group", "string", "curation label from Phy (good/mua/noise)"],
    ]);
    expect(oracle.groups).toEqual({ "4": "good" });
    for (const unit of sorting.units) {
      expect(unit.properties.group).toBe(oracle.groups[String(unit.clusterId)]);
    }
  });

  it("has the channel map and numpy's unwhitened template and peak channel", () => {
    expect(Array.from(sorting.channelMap!)).toEqual(oracle.channelMap);
    expect(sorting.channelPositions).toHaveLength(32);
    expect(sorting.waveformShape).toEqual([82, 32]);
    expect(sorting.templatesUnwhitened).toBe(true);
    for (const unit of sorting.units) {
      const key = String(unit.clusterId);
      expect(unit.templateId, key).toBe(oracle.template[key]);
      expect(unit.peakChannel, key).toBe(oracle.peak[key]);
    }
    const unit4 = sorting.units.find((u) => u.clusterId === 4)!;
    const ours = Array.from(unit4.waveform!);
    const scale = Math.max(...oracle.waveform4.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    const worst = Math.max(...ours.map((v, i) => Math.abs(v - oracle.waveform4[i]!)));
    // float32 output of a float32 x float64 product.
    expect(worst / scale).toBeLessThan(1e-6);
  });

  it("drops clusters by curation label", async () => {
    const kept = await readPhyFolder(REAL, { excludeClusterGroups: ["Good"] });
    expect(kept.units.map((u) => u.clusterId)).not.toContain(4);
    expect(kept.units).toHaveLength(sorting.units.length - 1);
    expect(kept.spikeCount).toBe(314 - oracle.counts["4"]!);
    const none = await readPhyFolder(REAL, { excludeClusterGroups: ["noise"] });
    expect(none.units).toHaveLength(sorting.units.length);
  });

  it("refuses keepGoodOnly: the folder has no Kilosort labels", async () => {
    expect(() => readPhyFolder(REAL, { keepGoodOnly: true })).toThrow(/keepGoodOnly needs Kilosort's labels/);
  });
});

describe("Phy: small folders", () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "phy-test-"));
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Writes a folder: `arrays` maps a .npy name to a Python expression; `texts` are written as they are. */
  function folder(name: string, arrays: Record<string, string>, texts: Record<string, string> = {}): string {
    const path = join(root, name);
    mkdirSync(path);
    for (const [file, text] of Object.entries(texts)) writeFileSync(join(path, file), text);
    const lines = Object.entries(arrays).map(
      ([file, expr]) => `np.save(os.path.join(sys.argv[1], ${JSON.stringify(file)}), ${expr})`,
    );
    python(["import os, sys", "import numpy as np", ...lines].join("\n"), path);
    return path;
  }

  const PARAMS =
    "dat_path = 'rec.dat'\nn_channels_dat = 4\ndtype = 'int16'\noffset = 0\nsample_rate = 20000.\nhp_filtered = True\n";

  /** Six spikes in clusters 2, 0, 5 with Kilosort labels, a Phy curation and a custom table. */
  function labelled(name: string): string {
    return folder(
      name,
      {
        "spike_times.npy": "np.array([[10], [20], [30], [40], [50], [60]], dtype=np.uint64)",
        "spike_clusters.npy": "np.array([2, 0, 2, 5, 0, 2], dtype=np.int32)",
        "amplitudes.npy": "np.array([1.5, 2, 3, 4, 5, 6], dtype=np.float32)",
      },
      {
        "params.py": PARAMS,
        "cluster_KSLabel.tsv": "cluster_id\tKSLabel\n0\tgood\n2\tmua\n5\tgood\n",
        "cluster_group.csv": "cluster_id,group\n0,noise\n2,good\n",
        "cluster_custom.tsv": 'cluster_id\tscore\tnote\n0\t1.5\t\n2\tnan\tsee "log"\n7\t3\tno spikes\n',
      },
    );
  }

  async function ids(path: string, options: ReadPhyOptions): Promise<number[]> {
    return (await readPhyFolder(path, options)).units.map((u) => u.clusterId);
  }

  it("groups spikes by cluster, types the property columns, and reads params.py", async () => {
    const path = labelled("labelled");
    const s = await readPhyFolder(path);
    expect(s.samplingRate).toBe(20000);
    expect(s.params).toMatchObject({
      datPath: "rec.dat",
      nChannelsDat: 4,
      dtype: "int16",
      offset: 0,
      hpFiltered: true,
    });
    expect(s.units.map((u) => [u.clusterId, Array.from(u.spikeTimes), Array.from(u.amplitudes!)])).toEqual([
      [0, [20 / 20000, 50 / 20000], [2, 5]],
      [2, [10 / 20000, 30 / 20000, 60 / 20000], [1.5, 3, 6]],
      [5, [40 / 20000], [4]],
    ]);
    expect(s.columns.map((c) => [c.name, c.type])).toEqual([
      ["KSLabel", "string"],
      ["score", "number"],
      ["note", "string"],
      ["group", "string"],
    ]);
    expect(s.columns.find((c) => c.name === "score")!.description).toBe("score (from cluster_custom.tsv)");
    expect(s.units.map((u) => u.properties)).toEqual([
      { group: "noise", KSLabel: "good", score: 1.5, note: undefined },
      { group: "good", KSLabel: "mua", score: Number.NaN, note: 'see "log"' },
      { group: undefined, KSLabel: "good", score: undefined, note: undefined },
    ]);
    // No templates.npy: no waveforms.
    expect(s.waveformShape).toBeUndefined();
    expect(s.units[0]!.waveform).toBeUndefined();
  });

  it("excludes clusters by Phy's group, falling back to KSLabel; keepGoodOnly uses KSLabel", async () => {
    const path = labelled("filters");
    expect(await ids(path, { excludeClusterGroups: ["noise"] })).toEqual([2, 5]);
    // Cluster 2 is 'mua' for Kilosort but 'good' after curation: the curation wins.
    expect(await ids(path, { excludeClusterGroups: ["mua"] })).toEqual([0, 2, 5]);
    // Cluster 5 has no curation label: its KSLabel 'good' counts.
    expect(await ids(path, { excludeClusterGroups: ["good"] })).toEqual([0]);
    expect(await ids(path, { keepGoodOnly: true })).toEqual([0, 5]);
    expect(await ids(path, { keepGoodOnly: true, excludeClusterGroups: ["noise"] })).toEqual([5]);
    const e = caught(() => readPhyFolder(path, { excludeClusterGroups: ["good", "noise"] }));
    expect(isNeuroconvError(e, "SourceDataError")).toBe(true);
    expect(e.message).toMatch(/every cluster was excluded.*3 clusters found/);
  });

  it("takes clusters from spike_templates.npy when spike_clusters.npy is absent, and sorts spike times", async () => {
    const path = folder(
      "uncurated",
      {
        "spike_times.npy": "np.array([500, 100, 300, 200], dtype=np.int64)",
        "spike_templates.npy": "np.array([[1], [1], [0], [1]], dtype=np.uint32)",
        "templates.npy":
          "np.array([np.outer(np.sin(np.arange(5)), [1, 0, 3]), np.outer(np.arange(5), [0, -2, 0])], dtype=np.float32)",
        "channel_map.npy": "np.array([0, 2, 3], dtype=np.int32)",
      },
      { "params.py": "sample_rate = 1000" },
    );
    const s = await readPhyFolder(path);
    expect(s.clusterSource).toBe("spike_templates.npy");
    expect(s.units.map((u) => [u.clusterId, Array.from(u.spikeTimes)])).toEqual([
      [0, [0.3]],
      [1, [0.1, 0.2, 0.5]],
    ]);
    expect(s.templatesUnwhitened).toBe(false);
    expect(s.waveformShape).toEqual([5, 3]);
    expect(s.units.map((u) => u.peakChannel)).toEqual([2, 1]);
    expect(Array.from(s.units[1]!.waveform!.slice(3, 9))).toEqual([0, -2, 0, 0, -4, 0]);
  });

  it("names spike_times.npy and the folder when it is missing", async () => {
    const path = folder(
      "no_times",
      { "spike_clusters.npy": "np.zeros(3, dtype=np.int32)" },
      { "params.py": PARAMS },
    );
    const e = caught(() => readPhyFolder(path));
    expect(isNeuroconvError(e, "SourceDataError")).toBe(true);
    expect(e.message).toContain(join(path, "spike_times.npy"));
    expect(e.message).toContain(`not found in the folder ${path}`);
  });

  it("names both lengths when spike_times and spike_clusters disagree", async () => {
    const path = folder(
      "mismatch",
      {
        "spike_times.npy": "np.arange(6, dtype=np.uint64)",
        "spike_clusters.npy": "np.zeros(5, dtype=np.int32)",
      },
      { "params.py": PARAMS },
    );
    const e = caught(() => readPhyFolder(path));
    expect(isNeuroconvError(e, "SourceDataError")).toBe(true);
    expect(e.message).toContain("spike_clusters.npy");
    expect(e.message).toMatch(/has 5 entries but spike_times.npy has 6/);
  });

  it("says the sorting is empty when there are no spikes", async () => {
    const path = folder(
      "empty",
      {
        "spike_times.npy": "np.zeros(0, dtype=np.uint64)",
        "spike_clusters.npy": "np.zeros(0, dtype=np.int32)",
      },
      { "params.py": PARAMS },
    );
    const e = caught(() => readPhyFolder(path));
    expect(isNeuroconvError(e, "SourceDataError")).toBe(true);
    expect(e.message).toMatch(/the sorting is empty: spike_times.npy holds no spikes/);
  });

  it("needs sample_rate in params.py, and params.py itself", async () => {
    const arrays = { "spike_times.npy": "np.arange(3, dtype=np.uint64)" };
    const noRate = folder("no_rate", arrays, { "params.py": "dat_path = 'rec.dat'\nn_channels_dat = 4\n" });
    const e = caught(() => readPhyFolder(noRate));
    expect(isNeuroconvError(e, "SourceDataError")).toBe(true);
    expect(e.message).toContain(join(noRate, "params.py"));
    expect(e.message).toMatch(/has no sample_rate assignment.*'sample_rate = 30000.0'/);

    const computed = folder("computed_rate", arrays, { "params.py": "sample_rate = float(3e4)\n" });
    expect(caught(() => readPhyFolder(computed)).message).toMatch(
      /sample_rate is not a plain number \(line 1: 'float\(3e4\)'\)/,
    );

    const noParams = folder("no_params", arrays);
    const m = caught(() => readPhyFolder(noParams));
    expect(m.message).toContain(`${join(noParams, "params.py")}: not found in ${noParams}`);

    const missing = caught(() => readPhyFolder(join(root, "nowhere")));
    expect(missing.message).toMatch(/nowhere: the folder does not exist/);
  });
});
