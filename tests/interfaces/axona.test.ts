/**
 * Axona interfaces through the command line on the real samples: the raw `.bin` (samples and per-channel
 * gains equal neo 0.11.1's AxonaRawIO), the `.eeg` (numpy decoding per the DacqUSB document, gain of the
 * `EEG_ch_1` channel from the `.set`), the `.pos` (x1/y1 pixels, 1023 as NaN, 1 / pixels_per_metre) and the
 * tetrode files (spike times and waveforms equal neo's); every file passes nwbcheck.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import {
  AxonaLFPDataInterface,
  AxonaPositionDataInterface,
  AxonaRecordingInterface,
  AxonaUnitRecordingInterface,
} from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { caught, neoAvailable, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "axona-cli-"));
const io = { out: () => {}, err: () => {}, progress: false };
const SAMPLE = (ext: string) => testdata(`axona/dataset_multi_modal_no_bin/axona_sample.${ext}`);
const out = (name: string) => join(dir, `${name}.nwb`);

const READ = `
import json, sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
def series(path):
  s = f[path]; d = s["data"]
  return {"data": np.nan_to_num(d[:].astype(float), nan=-1).tolist(), "conversion": float(d.attrs["conversion"]), "unit": d.attrs["unit"],
    "channel_conversion": s["channel_conversion"][:].tolist() if "channel_conversion" in s else None,
    "timestamps": s["timestamps"][:].tolist() if "timestamps" in s else None,
    "rate": float(s["starting_time"].attrs["rate"]) if "starting_time" in s else None,
    "electrodes": s["electrodes"][:].tolist() if "electrodes" in s else None}
out = {"start": f["session_start_time"][()].decode(), "series": {}}
f.visititems(lambda name, o: out["series"].__setitem__(name, series(name)) if isinstance(o, h5py.Group) and "data" in o and o.attrs.get("neurodata_type") not in (None, "DynamicTable") else None)
if "general/extracellular_ephys/electrodes" in f:
  e = f["general/extracellular_ephys/electrodes"]
  out["electrodes"] = {"names": e["channel_name"][:].astype(str).tolist(), "groups": e["group_name"][:].astype(str).tolist()}
if "general/experimenter" in f: out["experimenter"] = f["general/experimenter"][:].astype(str).tolist()
print(json.dumps(out))
`;
const readBack = (name: string) => JSON.parse(python(READ, out(name)));

describe.skipIf(!HAVE)("Axona interfaces on the real samples (CLI)", () => {
  beforeAll(async () => {
    const runs: [string, string, string][] = [
      ["AxonaRecordingInterface", testdata("axona/raw/axona_raw.bin"), "raw"],
      ["axona-lfp", SAMPLE("eeg"), "eeg"],
      ["axona-position", SAMPLE("pos"), "pos"],
      ["axona-spikes", SAMPLE("set"), "spikes"],
    ];
    for (const [name, source, output] of runs) {
      expect(await runCli(["convert", name, source, "-o", out(output)], io), output).toBe(0);
    }
  }, 120_000);

  it("writes the raw .bin as neo reads it, gains per channel in volts, tetrodes as groups", (context) => {
    if (!neoAvailable()) return context.skip();
    const expected = JSON.parse(
      python(
        `
import json, sys
from neo.rawio import AxonaRawIO
r = AxonaRawIO(sys.argv[1]); r.parse_header()
print(json.dumps({"data": r.get_analogsignal_chunk(0, 0, None, None, 0, None).tolist(), "gains": r.header["signal_channels"]["gain"].tolist()}))
`,
        testdata("axona/raw/axona_raw.bin"),
      ),
    );
    const written = readBack("raw");
    const series = written.series["acquisition/ElectricalSeries"];
    expect(series.data).toEqual(expected.data);
    expect(series.rate).toBe(48000);
    expect(series.conversion).toBe(1);
    for (const [i, g] of (series.channel_conversion as number[]).entries()) {
      expect(g * 1e6).toBeCloseTo(expected.gains[i], 10);
    }
    // NeuroConv's reference file holds the same samples and gains (µV per bit × its conversion 1e-6)
    const reference = JSON.parse(
      python(
        `
import json, sys, h5py
s = h5py.File(sys.argv[1], "r")["acquisition/ElectricalSeries"]
print(json.dumps({"data": s["data"][:].tolist(), "volts": (s["channel_conversion"][:] * s["data"].attrs["conversion"]).tolist()}))
`,
        testdata("axona/reference_neuroconv/axona_raw.nwb"),
      ),
    );
    expect(series.data).toEqual(reference.data);
    for (const [i, g] of (series.channel_conversion as number[]).entries()) {
      expect(g).toBeCloseTo(reference.volts[i], 15);
    }
    expect(written.electrodes.names.slice(0, 5)).toEqual(["1a", "1b", "1c", "1d", "2a"]);
    expect(written.electrodes.groups[15]).toBe("Tetrode4");
    expect(written.start).toBe("2020-10-04T11:07:07+00:00");
    expect(written.experimenter).toEqual(["Abid"]);
  });

  it("writes the .eeg with the gain of the .set's EEG_ch_1 channel (17 = channel 16)", (context) => {
    if (!neoAvailable()) return context.skip();
    const expected: number[] = JSON.parse(
      python(
        `
import json, sys, numpy as np
b = open(sys.argv[1], "rb").read()
print(json.dumps(np.frombuffer(b[b.index(b"data_start") + 10:][:150250], dtype=np.int8).tolist()))
`,
        SAMPLE("eeg"),
      ),
    );
    const written = readBack("eeg");
    const series = written.series["processing/ecephys/LFP/ElectricalSeriesLFP"];
    expect(series.data.flat()).toEqual(expected);
    expect(series.rate).toBe(250);
    // ADC_fullscale_mv 1500, gain_ch_16 4000, 8-bit samples
    expect(series.conversion).toBeCloseTo(1.5 / (4000 * 128), 15);
    expect(written.electrodes).toEqual({ names: ["5a"], groups: ["Tetrode5"] });
  });

  it("writes LED 1's pixels with NaN for untracked frames, in meters, at 50 Hz", (context) => {
    if (!neoAvailable()) return context.skip();
    const expected = JSON.parse(
      python(
        `
import json, sys, numpy as np
b = open(sys.argv[1], "rb").read()
w = np.frombuffer(b[b.index(b"data_start") + 10:][:2000], dtype=np.dtype([("t", ">u4"), ("w", ">u2", (8,))]))["w"]
xy = w[:, :2].astype(float); xy[(w[:, 0] == 1023) & (w[:, 1] == 1023)] = -1
print(json.dumps(xy.tolist()))
`,
        SAMPLE("pos"),
      ),
    );
    const series = readBack("pos").series["processing/behavior/Position/SpatialSeriesLED1"];
    expect(series.data).toEqual(expected);
    expect(series.unit).toBe("meters");
    expect(series.conversion).toBeCloseTo(1 / 300, 15);
    expect([series.rate, series.timestamps]).toEqual([50, null]);
  });

  it("writes each tetrode file as a SpikeEventSeries as neo reads it", (context) => {
    if (!neoAvailable()) return context.skip();
    const expected = JSON.parse(
      python(
        `
import json, sys
from neo.rawio import AxonaRawIO
r = AxonaRawIO(sys.argv[1]); r.parse_header()
print(json.dumps([{"times": r.rescale_spike_timestamp(r.get_spike_timestamps(0, 0, i, None, None), "float64").tolist(),
  "waveforms": r.get_spike_raw_waveforms(0, 0, i, None, None).tolist()} for i in range(4)]))
`,
        SAMPLE("set"),
      ),
    );
    const written = readBack("spikes");
    for (const n of [1, 2, 3, 4]) {
      const series = written.series[`processing/ecephys/EventWaveform/SpikeEventSeriesTetrode${n}`];
      expect(series.timestamps).toEqual(expected[n - 1].times);
      expect(series.data).toEqual(expected[n - 1].waveforms);
      expect(series.electrodes).toEqual([0, 1, 2, 3].map((e) => (n - 1) * 4 + e));
      expect(series.channel_conversion).toHaveLength(4);
    }
    // tetrode 2 (channels 4-7) has gain 20000: 1.5 V / (20000 × 128) per bit
    expect(
      written.series["processing/ecephys/EventWaveform/SpikeEventSeriesTetrode2"].channel_conversion[0],
    ).toBeCloseTo(1.5 / (20000 * 128), 15);
  });

  it("passes nwbcheck", (context) => {
    if (!nwbcheckAvailable()) return context.skip();
    const result = nwbcheck(out("raw"), out("eeg"), out("pos"), out("spikes"));
    expect(result.passed, result.output).toBe(true);
  });

  it("passes the reusable interface check (schemas, metadata, stub) for each interface", async () => {
    const metadata = { NWBFile: { session_start_time: "2020-10-04T11:07:07+01:00" } };
    const outputDir = mkdtempSync(join(dir, "check-"));
    for (const made of [
      new AxonaRecordingInterface({ filePath: testdata("axona/raw/axona_raw.bin") }),
      new AxonaLFPDataInterface({ filePath: SAMPLE("eeg") }),
      new AxonaPositionDataInterface({ filePath: SAMPLE("pos") }),
      new AxonaUnitRecordingInterface({ filePath: SAMPLE("set") }),
    ]) {
      await checkDataInterface(made, { outputDir, metadata });
    }
  }, 120_000);

  it("names the missing .set and wrong files", () => {
    const copy = mkdtempSync(join(dir, "noset-"));
    python(`import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])`, SAMPLE("eeg"), join(copy, "x.eeg"));
    expect(caught(() => new AxonaLFPDataInterface({ filePath: join(copy, "x.eeg") })).message).toMatch(
      /has no x\.set beside it/,
    );
    expect(caught(() => new AxonaRecordingInterface({ filePath: join(copy, "none.bin") })).message).toMatch(
      /does not exist/,
    );
    expect(caught(() => new AxonaUnitRecordingInterface({ filePath: SAMPLE("eeg") })).message).toMatch(
      /not a \.set file/,
    );
  });
});
