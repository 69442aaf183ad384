/**
 * NeuroScope interfaces through the command line: the real `.lfp`/`.eeg` and `.res`/`.clu` of the
 * YutaMouse42 sample, and a `.dat` (no real one is public in the samples) written by numpy beside a copy of
 * the real `.xml`. Samples equal numpy / neo 0.11.1's NeuroScopeRawIO, the gain is the .xml's voltageRange /
 * 2^nBits / amplification in volts (NeuroConv 0.4.7 writes 10^6 too small), spike times equal numpy's
 * reading of the `.res`/`.clu` pairs divided by the .xml's rate; nwbcheck passes.
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import {
  NeuroScopeLFPInterface,
  NeuroScopeRecordingInterface,
  NeuroScopeSortingInterface,
} from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { neoAvailable, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "neuroscope-cli-"));
const io = { out: () => {}, err: () => {}, progress: false };
const YUTA = () => testdata("neuroscope/dataset_1_YutaMouse42");
const out = (name: string) => join(dir, `${name}.nwb`);
const GAIN = 20 / 2 ** 16 / 1000;

const READ_SERIES = `
import json, sys, h5py
f = h5py.File(sys.argv[1], "r")
s = f[sys.argv[2]]
d = s["data"]
e = f["general/extracellular_ephys/electrodes"]
print(json.dumps({"data": d[:].tolist(), "conversion": float(d.attrs["conversion"]), "rate": float(s["starting_time"].attrs["rate"]),
  "rows": s["electrodes"][:].tolist(), "names": e["channel_name"][:].astype(str).tolist(), "groups": e["group_name"][:].astype(str).tolist(),
  "position": e["shank_electrode_number"][:].tolist(), "start": f["session_start_time"][()].decode(),
  "experimenter": f["general/experimenter"][:].astype(str).tolist()}))
`;

const READ_UNITS = `
import json, sys, h5py
f = h5py.File(sys.argv[1], "r")
u = f["units"]
idx = u["spike_times_index"][:].tolist()
t = u["spike_times"][:].tolist()
print(json.dumps({n: t[(idx[i - 1] if i else 0):idx[i]] for i, n in enumerate(u["unit_name"][:].astype(str))}))
`;

/** Spike times per (shank, cluster) by numpy: res lines paired with clu lines after the count, / 20 kHz. */
const UNITS_ORACLE = `
import json, sys, numpy as np
out = {}
for n in range(1, 9):
  res = np.loadtxt(f"{sys.argv[1]}/YutaMouse42-15111710.res.{n}", dtype=np.int64, ndmin=1)
  clu = np.loadtxt(f"{sys.argv[1]}/YutaMouse42-15111710.clu.{n}", dtype=np.int64, ndmin=1)[1:]
  k = min(len(res), len(clu))
  for c in np.unique(clu[:k]):
    if c > 0: out[f"shank{n}_cluster{c}"] = (res[:k][clu[:k] == c] / 20000.0).tolist()
print(json.dumps(out))
`;

const convert = async (...args: string[]) => expect(await runCli(["convert", ...args], io)).toBe(0);

describe.skipIf(!HAVE)("NeuroScope interfaces on the real sample (CLI)", () => {
  const dat = join(dir, "session", "session.dat");
  const longLfp = join(dir, "session", "session.lfp");
  beforeAll(async () => {
    python(
      `
import os, sys, numpy as np
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
rng = np.random.default_rng(7)
rng.integers(-32768, 32767, size=(400, 80), dtype=np.int16).tofile(sys.argv[1])
rng.integers(-2000, 2000, size=(300, 80), dtype=np.int16).tofile(sys.argv[2])
`,
      dat,
      longLfp,
    );
    copyFileSync(join(YUTA(), "YutaMouse42-151117.xml"), join(dir, "session", "session.xml"));
    await convert("NeuroScopeLFPInterface", join(YUTA(), "YutaMouse42-151117.lfp"), "-o", out("lfp"));
    await convert("neuroscope-lfp", join(YUTA(), "YutaMouse42-151117.eeg"), "-o", out("eeg"));
    await convert("neuroscope-lfp", longLfp, "-o", out("long-lfp"));
    await convert("neuroscope", dat, "-o", out("dat"));
    await convert("neuroscope-sorting", YUTA(), "-o", out("sorting"));
  }, 120_000);

  it("writes the .lfp and .eeg at the .xml's LFP rate, every channel, gain in volts", (context) => {
    if (!neoAvailable()) return context.skip();
    const expected: number[][] = JSON.parse(
      python(
        `import json, sys, numpy as np; print(json.dumps(np.fromfile(sys.argv[1], dtype="<i2").reshape(-1, 80).tolist()))`,
        join(YUTA(), "YutaMouse42-151117.lfp"),
      ),
    );
    for (const name of ["lfp", "eeg"]) {
      const written = JSON.parse(
        python(READ_SERIES, out(name), "processing/ecephys/LFP/ElectricalSeriesLFP"),
      );
      expect(written.data).toEqual(expected);
      expect(written.rate).toBe(1250);
      expect(written.conversion).toBeCloseTo(GAIN, 20);
      expect(written.names).toEqual(Array.from({ length: 80 }, (_, c) => String(c)));
      // channel 33 is the first of anatomical group 1, channel 0 the last of group 5
      expect([written.groups[33], written.position[33], written.groups[0], written.position[0]]).toEqual([
        "Group1",
        0,
        "Group5",
        7,
      ]);
      expect(written.start).toBe("2015-08-31T00:00:00+00:00");
      expect(written.experimenter).toEqual(["yuta"]);
    }
  });

  it("writes a .dat as neo reads it, at the .xml's wide-band rate", (context) => {
    if (!neoAvailable()) return context.skip();
    const expected = JSON.parse(
      python(
        `
import json, sys
from pathlib import Path
from neo.rawio import NeuroScopeRawIO
io = NeuroScopeRawIO(filename=sys.argv[1], binary_file=Path(sys.argv[2])); io.parse_header()
print(json.dumps({"data": io.get_analogsignal_chunk(0, 0, None, None, 0, None).tolist(), "rate": io.get_signal_sampling_rate(0)}))
`,
        join(dir, "session", "session.xml"),
        dat,
      ),
    );
    const written = JSON.parse(python(READ_SERIES, out("dat"), "acquisition/ElectricalSeries"));
    expect(written.data).toEqual(expected.data);
    expect(written.rate).toBe(expected.rate);
    expect(written.conversion).toBeCloseTo(GAIN, 20);
    expect(written.rows).toEqual(Array.from({ length: 80 }, (_, i) => i));
  });

  it("writes the clusters of every shank as units, noise left out, MUA kept", (context) => {
    if (!neoAvailable()) return context.skip();
    const expected = JSON.parse(python(UNITS_ORACLE, YUTA()));
    const written = JSON.parse(python(READ_UNITS, out("sorting")));
    expect(Object.keys(written).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, times] of Object.entries(expected)) expect(written[name], name).toEqual(times);
    // the same 28 spike trains as NeuroConv's reference file (which names units by a running number)
    const reference: number[][] = JSON.parse(
      python(
        `
import json, sys, h5py, numpy as np
u = h5py.File(sys.argv[1], "r")["units"]
print(json.dumps([a.tolist() for a in np.split(u["spike_times"][:], u["spike_times_index"][:-1])]))
`,
        testdata("neuroscope/reference_neuroconv/YutaMouse42.sorting.nwb"),
      ),
    );
    const key = (times: number[]) => times.map((t) => t.toFixed(6)).join(",");
    expect(
      Object.values(written as Record<string, number[]>)
        .map(key)
        .sort(),
    ).toEqual(reference.map(key).sort());
  });

  it("passes the reusable interface check (schemas, metadata, stub) for each interface", async () => {
    const metadata = { NWBFile: { session_start_time: "2015-08-31T00:00:00-05:00" } };
    const outputDir = mkdtempSync(join(dir, "check-"));
    for (const made of [
      new NeuroScopeRecordingInterface({ filePath: dat }),
      new NeuroScopeLFPInterface({ filePath: longLfp, gain: 0.195 }),
      new NeuroScopeSortingInterface({ folderPath: YUTA() }),
    ]) {
      await checkDataInterface(made, { outputDir, metadata });
    }
  }, 120_000);

  it("leaves out MUA and excluded shanks when asked", () => {
    const sorting = new NeuroScopeSortingInterface({
      folderPath: YUTA(),
      keepMuaUnits: false,
      excludeShanks: [2, 3],
    });
    const names = sorting.units.map((u) => String(u.id));
    expect(names.some((n) => n.startsWith("shank2_") || n.startsWith("shank3_"))).toBe(false);
    expect(names.some((n) => n.endsWith("_cluster1"))).toBe(false);
    expect(names).toContain("shank1_cluster8");
    expect(() => new NeuroScopeSortingInterface({ folderPath: YUTA(), excludeShanks: [9] })).toThrow(
      /no \.res\/\.clu of shank 9/,
    );
  });

  it("passes nwbcheck (the real 10-sample .lfp only fails the time-axis check its shape forces)", (context) => {
    if (!nwbcheckAvailable()) return context.skip();
    const result = nwbcheck(out("long-lfp"), out("dat"), out("sorting"), out("lfp"));
    const failures = result.output.split("\n").filter((line) => /^\s*FAIL /.test(line));
    expect(failures, result.output).toHaveLength(1);
    expect(failures[0]).toMatch(/data shape \(10, 80\).*check_data_orientation/);
  });
});
