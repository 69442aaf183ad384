/**
 * Blackrock interfaces through the command line on the real samples: every file passes nwbcheck, and what
 * h5py reads back equals the independent decoding (neo 0.11.1 / numpy) and NeuroConv's output where that is right.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { BlackrockRecordingInterface } from "../../src/index.js";
import { neoReadNsx, numpyReadNev } from "../formats/blackrock/oracle.js";
import { neoAvailable, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "blackrock-cli-"));
const io = { out: () => {}, err: () => {}, progress: false };
const SAMPLES = {
  ns2: testdata("blackrock/filespec2.1_l101210/example_2.ns2"),
  ns3: testdata("blackrock/filespec2.3_npmk_saved/macro.ns3"),
  nev21: testdata("blackrock/filespec2.1_l101210/example_1.nev"),
  nev23: testdata("blackrock/filespec2.3_npmk_saved/events.nev"),
};
const out = (name: string) => join(dir, `${name}.nwb`);

const READ_BACK = `
import json, sys, h5py
out = {}
for path in sys.argv[1:]:
    f = h5py.File(path, "r")
    r = {}
    if "ElectricalSeries" in f["acquisition"]:
        es = f["acquisition/ElectricalSeries"]
        r["data"] = es["data"][:].tolist()
        r["conversion"] = float(es["data"].attrs["conversion"])
        r["channel_conversion"] = es["channel_conversion"][:].tolist() if "channel_conversion" in es else None
        r["rate"] = float(es["starting_time"].attrs["rate"]) if "starting_time" in es else None
        r["description"] = es.attrs["description"]
    if "units" in f:
        u = f["units"]
        r["unit_name"] = [s.decode() for s in u["unit_name"][:]]
        r["spike_times"] = u["spike_times"][:].tolist()
        r["spike_times_index"] = u["spike_times_index"][:].tolist()
        r["waveform_mean_shape"] = list(u["waveform_mean"].shape)
    if "EventsBlackrockDigitalInput" in f["acquisition"]:
        e = f["acquisition/EventsBlackrockDigitalInput"]
        r["digital"] = {"t": e["timestamps"][:].tolist(), "v": e["data"][:].tolist()}
    out[path] = r
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("Blackrock interfaces on the real samples (CLI)", () => {
  let back: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    const metadata = join(dir, "m.yaml");
    writeFileSync(metadata, "NWBFile:\n  session_start_time: '2010-12-10T10:50:10+00:00'\n");
    const runs: [string, string, string[]][] = [
      ["BlackrockRecordingInterface", SAMPLES.ns2, ["--metadata", metadata]],
      ["BlackrockRecordingInterface", SAMPLES.ns3, []],
      ["BlackrockSortingInterface", SAMPLES.nev21, []],
      ["blackrock-sorting", SAMPLES.nev23, []],
    ];
    for (const [i, [cls, path, extra]] of runs.entries()) {
      expect(await runCli(["convert", cls, path, "-o", out(`f${i}`), ...extra], io)).toBe(0);
    }
    if (neoAvailable()) back = JSON.parse(python(READ_BACK, ...[0, 1, 2, 3].map((i) => out(`f${i}`))));
  }, 120_000);

  it("passes nwbcheck", (context) => {
    if (!nwbcheckAvailable()) return context.skip();
    const result = nwbcheck(...[0, 1, 2, 3].map((i) => out(`f${i}`)));
    expect(result.passed, result.output).toBe(true);
  });

  it("writes every NSx sample with its scale (spec 2.1 raw and said so; 2.3 in volts)", (context) => {
    if (!neoAvailable()) return context.skip();
    const [n21, n23] = neoReadNsx([SAMPLES.ns2, SAMPLES.ns3]);
    const f21 = back[out("f0")]!;
    expect((f21.data as number[][]).length).toBe(3641);
    expect((f21.data as number[][]).slice(0, 3640)).toEqual(n21!.segments[0]!.data);
    expect(f21.conversion).toBe(1);
    expect(f21.description).toMatch(/values as stored, not in volts/);
    const f23 = back[out("f1")]!;
    expect(f23.data).toEqual(n23!.segments[0]!.data);
    expect(f23.rate).toBe(2000);
    expect((f23.conversion as number) * 1e6).toBeCloseTo(n23!.channels[0]!.gain, 12);
  });

  it("writes every NEV spike and digital event at timestamp / resolution", (context) => {
    if (!neoAvailable()) return context.skip();
    const oracles = numpyReadNev([SAMPLES.nev21, SAMPLES.nev23]);
    for (const [i, file] of [out("f2"), out("f3")].entries()) {
      const r = back[file]!;
      const oracle = oracles[i]!;
      const names = r.unit_name as string[];
      const ends = r.spike_times_index as number[];
      const times = r.spike_times as number[];
      expect(names).toHaveLength(Object.keys(oracle.units).length);
      names.forEach((name, u) => {
        const expected = oracle.units[name.replace("ch", "")]!.timestamps.map((t) => t / oracle.resolution);
        expect(times.slice(u === 0 ? 0 : ends[u - 1], ends[u])).toEqual(
          expected.map((t) => expect.closeTo(t, 12)),
        );
      });
      const digital = r.digital as { t: number[]; v: number[] };
      expect(digital.v).toEqual(oracle.digital.values);
      expect(digital.t).toEqual(
        oracle.digital.timestamps.map((t) => expect.closeTo(t / oracle.resolution, 12)),
      );
    }
    expect(back[out("f2")]!.waveform_mean_shape).toEqual([324, 48]);
  });

  it("says which file is missing when a .nev has no NSx beside it", () => {
    expect(() => new BlackrockRecordingInterface({ filePath: SAMPLES.nev21 })).toThrow(
      /example_1\.nev: no \.ns1-\.ns6 file of the same name beside it; pass nsxOverride/,
    );
  });
});
