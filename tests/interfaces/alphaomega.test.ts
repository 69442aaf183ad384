/**
 * AlphaOmega interface through the command line on the real AlphaRS sample: every continuous stream is
 * written (NeuroConv keeps only RAW), samples equal neo's, conversion = bit resolution / total gain, RAW and
 * SPK and LFP channels of one number share an electrode, starting times from the sample counter; nwbcheck
 * passes.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { neoAlphaOmega } from "../formats/alphaomega/oracle.js";
import { neoAvailable, nwbcheckAsync, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "alphaomega-cli-"));
const OUT = join(dir, "ao.nwb");
const io = { out: () => {}, err: () => {}, progress: false };

const READ_BACK = `
import base64, json, sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
out = {"start": f["session_start_time"][()].decode(), "series": {},
       "electrodes": [x.decode() for x in f["general/extracellular_ephys/electrodes/channel_name"][:]]}
for name, s in f["acquisition"].items():
    d = s["data"]
    out["series"][name] = {"type": s.attrs["neurodata_type"], "shape": list(d.shape), "conversion": float(d.attrs["conversion"]),
        "channel_conversion": s["channel_conversion"][:].tolist() if "channel_conversion" in s else None,
        "electrodes": s["electrodes"][:].tolist() if "electrodes" in s else None,
        "rate": float(s["starting_time"].attrs["rate"]), "starting_time": float(s["starting_time"][()]),
        "samples": base64.b64encode(np.ascontiguousarray(d[:], dtype="<i2").tobytes()).decode()}
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("AlphaOmega interface (CLI)", () => {
  let code = -1;
  beforeAll(async () => {
    const metadata = join(dir, "m.yaml");
    writeFileSync(metadata, "NWBFile:\n  session_description: AlphaOmega test\n");
    code = await runCli(
      [
        "convert",
        "AlphaOmegaRecordingInterface",
        testdata("alphaomega/mpx_map_version4"),
        "-o",
        OUT,
        "--metadata",
        metadata,
      ],
      io,
    );
  }, 300_000);

  it("writes every stream with neo's samples and the manual's scaling", () => {
    if (!neoAvailable()) skipTest("neo/h5py");
    expect(code).toBe(0);
    const written = JSON.parse(python(READ_BACK, OUT));
    expect(written.start).toMatch(/^2021-11-19T15:29:15/);
    const names: Record<string, string> = {
      RAW: "ElectricalSeries",
      SPK: "ElectricalSeriesSPK",
      LFP: "ElectricalSeriesLFP",
      AI: "TimeSeriesAI",
      ACC: "TimeSeriesACC",
    };
    for (const neo of neoAlphaOmega(testdata("alphaomega/mpx_map_version4"))) {
      const series = written.series[names[neo.id]!];
      expect(series, neo.id).toBeDefined();
      const bytes = Buffer.from(series.samples, "base64");
      expect(
        bytes.equals(Buffer.from(neo.samples.buffer, neo.samples.byteOffset, neo.samples.byteLength)),
      ).toBe(true);
      expect(series.rate).toBe(neo.rate);
      expect(series.starting_time).toBeCloseTo(neo.tStart, 3);
      const factors = neo.scaling.map(([bitResolution, gain]) => (bitResolution / gain) * 1e-6);
      // neo 0.11.1 (and NeuroConv through it) rescales by total gain / bit resolution: the reciprocal of the
      // manual's µV per unit (see docs/formats.md), so ours times neo's is 1 for every channel
      expect(factors.map((f, i) => f * 1e6 * neo.neoGainUv[i]!)).toEqual(
        factors.map(() => expect.closeTo(1, 12)),
      );
      if (series.type === "ElectricalSeries") {
        expect(series.conversion * (series.channel_conversion?.[0] ?? 1)).toBeCloseTo(factors[0]!, 15);
        expect(series.electrodes).toEqual([0, 1, 2, 3]);
      } else {
        expect(series.conversion).toBeCloseTo(factors[0]!, 15);
      }
    }
    expect(written.electrodes).toEqual(["RAW 001", "RAW 002", "RAW 003", "RAW 004"]);
  });

  it("passes nwbcheck", async () => {
    if (!nwbcheckAvailable()) skipTest("nwbcheck cannot run here");
    expect(code).toBe(0);
    const result = await nwbcheckAsync(OUT);
    expect(result.passed, result.output).toBe(true);
  }, 300_000);
});
