/**
 * TDT snippet stores as Units. No real sample has a snippet store, so a small block is written with numpy per
 * TDT's tank layout (40-byte `.tsq` records; snippet records of type 0x8201 pointing at one waveform each in
 * the `.tev`): one 2-channel float32 stream and a snippet store `eS1s` of 30-sample float32 waveforms on two
 * channels with sort codes 0-2, one snippet cut off by the end of the `.tev`. The units written through the
 * CLI (times, waveform mean and sd, channel, sort code) equal numpy's decoding of the same files; the cut
 * snippet is named in a warning; nwbcheck passes.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { neoAvailable, nwbcheckAsync, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { skipTest } from "../helpers/testdata.js";

const dir = mkdtempSync(join(tmpdir(), "tdt-snip-"));
const BLOCK = join(dir, "Block-1");
const OUT = join(dir, "snippets.nwb");

const WRITE_BLOCK = `
import sys, numpy as np
folder = sys.argv[1]
rec = np.dtype([("size", "<i4"), ("type", "<i4"), ("name", "S4"), ("channel", "<u2"), ("sortcode", "<u2"),
                ("timestamp", "<f8"), ("offset", "<i8"), ("format", "<i4"), ("frequency", "<f4")])
rng = np.random.default_rng(5)
start = 1644270838.0
records, tev = [(0, 0, b"", 0, 0, 0.0, 0, 0, 0.0), (20, 0x8801, b"\\x01", 0, 0, start, 0, 0, 0.0)], bytearray()
def put(values):
    tev.extend(values.tobytes()); return len(tev) - values.nbytes
stream_rate, per_block = 1000.0, 64
for b in range(4):
    for ch in (1, 2):
        at = put(rng.standard_normal(per_block).astype("<f4"))
        records.append((10 + per_block, 0x8101, b"Wav1", ch, 0, start + b * per_block / stream_rate, at, 0, stream_rate))
snip_rate = 24414.0625
times = np.sort(rng.uniform(0.01, 0.25, 15))
for i, t in enumerate(times):
    ch, code = (1, 0) if i % 3 == 0 else (2, i % 3)
    at = put((rng.standard_normal(30) * 1e-5 + code * 1e-5).astype("<f4"))
    records.append((40, 0x8201, b"eS1s", ch, code, start + t, at, 0, snip_rate))
records.append((20, 0x8801, b"\\x02", 0, 0, start + 0.3, 0, 0, 0.0))
np.array(records, dtype=rec).tofile(f"{folder}/Block-1.tsq")
open(f"{folder}/Block-1.tev", "wb").write(bytes(tev[:-60]))  # the last snippet is cut short
`;

/** numpy's decoding of the snippet records per the tank layout: per (channel, sort code) times, mean, sd. */
const DECODE = `
import json, sys, numpy as np
folder = sys.argv[1]
rec = np.dtype([("size", "<i4"), ("type", "<i4"), ("name", "S4"), ("channel", "<u2"), ("sortcode", "<u2"),
                ("timestamp", "<f8"), ("offset", "<i8"), ("format", "<i4"), ("frequency", "<f4")])
t = np.fromfile(f"{folder}/Block-1.tsq", rec)
tev = np.fromfile(f"{folder}/Block-1.tev", np.uint8)
start = t[(t["type"] == 0x8801) & (t["name"] == b"\\x01")]["timestamp"][0]
s = t[t["type"] == 0x8201]
n = (s["size"][0] - 10) * 4 // 4
s = s[s["offset"] + 4 * n <= tev.size]
units = []
for ch in np.unique(s["channel"]):
    for code in np.unique(s[s["channel"] == ch]["sortcode"]):
        u = s[(s["channel"] == ch) & (s["sortcode"] == code)]
        w = np.stack([tev[o:o + 4 * n].view("<f4").astype(float) for o in u["offset"]])
        units.append({"name": f"eS1s ch{ch}#{code}", "channel": int(ch), "code": int(code),
                      "times": (u["timestamp"] - start).tolist(), "mean": w.mean(0).tolist(), "sd": w.std(0).tolist()})
print(json.dumps(units))
`;

const READ_BACK = `
import json, sys, h5py
u = h5py.File(sys.argv[1], "r")["units"]
idx = u["spike_times_index"][:]
times = u["spike_times"][:]
print(json.dumps([{"name": u["unit_name"][i].decode(), "channel": int(u["tdt_channel"][i]), "code": int(u["sort_code"][i]),
    "times": times[(idx[i - 1] if i else 0):idx[i]].tolist(), "mean": u["waveform_mean"][i].ravel().tolist(),
    "sd": u["waveform_sd"][i].ravel().tolist()} for i in range(len(idx))]))
`;

interface Unit {
  name: string;
  channel: number;
  code: number;
  times: number[];
  mean: number[];
  sd: number[];
}

describe("TDT snippet stores as units", () => {
  let code = -1;
  const messages: string[] = [];
  beforeAll(async () => {
    if (!neoAvailable()) return;
    mkdirSync(BLOCK);
    python(WRITE_BLOCK, BLOCK);
    const io = {
      out: (t: string) => messages.push(t),
      err: (t: string) => messages.push(t),
      terminal: false,
    };
    code = await runCli(["convert", "TdtRecordingInterface", BLOCK, "-o", OUT], io);
  }, 120_000);

  it("writes one unit per channel and sort code with numpy's times and waveform statistics", () => {
    if (!neoAvailable()) skipTest("numpy/h5py");
    expect(code, messages.join("\n")).toBe(0);
    const expected = JSON.parse(python(DECODE, BLOCK)) as Unit[];
    const written = JSON.parse(python(READ_BACK, OUT)) as Unit[];
    expect(written.map((u) => [u.name, u.channel, u.code])).toEqual(
      expected.map((u) => [u.name, u.channel, u.code]),
    );
    expect(written.map((u) => u.name)).toEqual(["eS1s ch1#0", "eS1s ch2#1", "eS1s ch2#2"]);
    written.forEach((unit, i) => {
      const oracle = expected[i]!;
      const near = (values: number[], digits: number) => values.map((v) => expect.closeTo(v, digits));
      expect(unit.times).toEqual(near(oracle.times, 12));
      // waveform_mean / waveform_sd are stored as float32 (~1e-5 V here: 10 digits is float32's precision)
      expect(unit.mean).toEqual(near(oracle.mean, 10));
      expect(unit.sd).toEqual(near(oracle.sd, 10));
    });
    expect(written.reduce((n, u) => n + u.times.length, 0)).toBe(14);
  });

  it("names the snippet the truncated .tev cuts off", () => {
    if (!neoAvailable()) skipTest("numpy/h5py");
    expect(messages.join("\n")).toMatch(/snippet store 'eS1s' keeps 14 of 15 snippets/);
  });

  it("passes nwbcheck", async () => {
    if (!nwbcheckAvailable() || !neoAvailable()) skipTest("nwbcheck or numpy cannot run here");
    const result = await nwbcheckAsync(OUT);
    expect(result.passed, result.output).toBe(true);
  }, 120_000);
});
