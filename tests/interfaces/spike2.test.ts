/**
 * Spike2 interface through the command line on both real samples: nwbcheck passes and the written scales
 * and samples are the file's (checked against neo 0.11.1 in the format test; here read back with h5py).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { openSonFile } from "../../src/formats/spike2/index.js";
import { neoAvailable, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "spike2-cli-"));
const io = { out: () => {}, err: () => {}, progress: false };
const FILES = ["motor_units", "tremor_kinetic"];

const READ_BACK = `
import json, sys, h5py
f = h5py.File(sys.argv[1], "r")
a = f["acquisition"]
es = a["ElectricalSeries"]
print(json.dumps({"names": sorted(a.keys()), "shape": list(es["data"].shape),
  "conversion": float(es["data"].attrs["conversion"]),
  "channel_conversion": es["channel_conversion"][:].tolist() if "channel_conversion" in es else None,
  "first": es["data"][:5].tolist()}))
`;

describe.skipIf(!HAVE)("Spike2 interface on the real samples (CLI)", () => {
  beforeAll(async () => {
    const metadata = join(dir, "m.yaml");
    writeFileSync(metadata, "NWBFile:\n  session_start_time: '2020-01-01T00:00:00+00:00'\n");
    for (const [i, name] of FILES.entries()) {
      const cls = i === 0 ? "Spike2RecordingInterface" : "spike2";
      const code = await runCli(
        [
          "convert",
          cls,
          testdata(`spike2/${name}.smr`),
          "-o",
          join(dir, `${name}.nwb`),
          "--metadata",
          metadata,
        ],
        io,
      );
      expect(code).toBe(0);
    }
  }, 120_000);

  it("passes nwbcheck", (context) => {
    if (!nwbcheckAvailable()) return context.skip();
    const result = nwbcheck(...FILES.map((f) => join(dir, `${f}.nwb`)));
    expect(result.passed, result.output).toBe(true);
  });

  it("writes voltage channels as ElectricalSeries in volts, the others as TimeSeries, markers as events", async (context) => {
    if (!neoAvailable()) return context.skip();
    const motor = JSON.parse(python(READ_BACK, join(dir, "motor_units.nwb")));
    expect(motor.names).toEqual([
      "ElectricalSeries",
      "EventsMU1",
      "EventsMU2",
      "TimeSeriesCO2",
      "TimeSeriesflow",
      "TimeSeriesvolume",
    ]);
    const son = openSonFile(testdata("spike2/motor_units.smr"));
    const dia = son.streams.find((s) => s.channels[0]!.title === "DIA SMU")!;
    expect(motor.conversion).toBeCloseTo(dia.channels[0]!.gain * 1e-6, 18); // unit uV
    const first = await dia.pick([0]).readRows(0, 5);
    expect(motor.first).toEqual(Array.from(first as Int16Array, (v) => [v]));
    const tremor = JSON.parse(python(READ_BACK, join(dir, "tremor_kinetic.nwb")));
    expect(tremor.shape).toEqual([222459, 2]);
    expect(tremor.channel_conversion).toEqual([
      expect.closeTo(0.000333333 / 6553.6, 12),
      expect.closeTo(1.11111e-7 / 6553.6, 16),
    ]);
  });
});
