import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { hdf5Backend, IntanConverter, IntanRecordingInterface } from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { makeData, rhdHeader, rhsHeader, writeTraditional } from "../formats/intan/generator.js";
import { neoAvailable, nwbcheckAvailable, python, validateIfAvailable } from "../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const RHD = testdata("intan/sampledata.rhd");
const REFERENCE = testdata("intan/reference_neuroconv/sampledata.nwb");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-intan-"));
const start = { NWBFile: { session_start_time: "2020-01-01T12:00:00-05:00" } };

describe.skipIf(!HAVE)("Intan on the real sampledata.rhd", () => {
  it("writes amplifier and auxiliary channels whose volts equal NeuroConv's", async () => {
    const path = join(dir, "sampledata.nwb");
    await new IntanConverter({ filePath: RHD }).runConversion({ nwbfilePath: path, metadata: start });
    expect(validateIfAvailable(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      expect(file.readDataset("/general/extracellular_ephys/electrodes/channel_name")).toEqual(
        Array.from({ length: 32 }, (_, i) => `A-${String(i).padStart(3, "0")}`),
      );
      expect(file.children("/general/extracellular_ephys")).toEqual(["A", "electrodes"]);
      expect(file.getAttribute("/acquisition/ElectricalSeries", "filtering")).toMatch(
        /hardware band-pass .* Hz/,
      );
      expect(file.datasetInfo("/acquisition/TimeSeriesIntanAuxiliary/data").shape).toEqual([7776, 3]);
      expect(file.getAttribute("/acquisition/TimeSeriesIntanAuxiliary/starting_time", "rate")).toBe(5000);
    } finally {
      file.close();
    }
    if (!nwbcheckAvailable()) skipTest("nwbcheck (Debian h5py) cannot run here");
    // volts from both files, read by h5py: ours int16 x conversion, NeuroConv's uint16 x conversion + offset
    const maxDifference = python(
      `
import h5py, sys, numpy as np
def volts(path):
    d = h5py.File(path, "r")["acquisition/ElectricalSeries/data"]
    return d[:].astype(np.float64) * d.attrs["conversion"] + d.attrs.get("offset", 0.0)
print(float(np.abs(volts(sys.argv[1]) - volts(sys.argv[2])).max()))
`,
      path,
      REFERENCE,
    );
    expect(Number(maxDifference)).toBeLessThan(1e-12);
  });

  it("passes the reusable interface check, reading back neo's samples", async () => {
    if (!neoAvailable()) skipTest("neo cannot run here");
    // neo 0.11.1 reads the stored codes (uint16, offset binary); we store them as two's complement
    const neoRow = JSON.parse(
      python(
        `
import json, sys
from neo.rawio import IntanRawIO
r = IntanRawIO(filename=sys.argv[1]); r.parse_header()
streams = r.header["signal_streams"]
si = next(i for i in range(len(streams)) if r.header["signal_channels"][r.header["signal_channels"]["stream_id"] == streams[i]["id"]]["name"][0].startswith("A-0"))
print(json.dumps(r.get_analogsignal_chunk(0, 0, 1000, 1001, si)[0].astype(int).tolist()))
`,
        RHD,
      ),
    ) as number[];
    expect(neoRow).toHaveLength(32);
    const expected = neoRow.map((code) => code - 32768);
    await checkDataInterface(new IntanRecordingInterface({ filePath: RHD }), {
      outputDir: dir,
      metadata: start,
      validate: validateIfAvailable,
      checkReadBack(file) {
        expect([
          ...(file.readDataset("/acquisition/ElectricalSeries/data", [1000, 1001]) as Int16Array),
        ]).toEqual([...expected]);
      },
    });
  });

  it("asks for the session start time, which .rhd files do not record", async () => {
    const err: string[] = [];
    const code = await runCli(["convert", "intan", RHD, "-o", join(dir, "never.nwb")], {
      out: () => {},
      err: (t) => err.push(t),
    });
    expect(code).toBe(1);
    expect(err).toEqual([
      "error: invalid metadata: NWBFile.session_start_time is required and the source does not say it; set it in the metadata (NWBFile: session_start_time: '2024-03-01T10:00:00-08:00', e.g. in a --metadata YAML file) or pass --session-start-time on the command line",
    ]);
  });
});

describe("Intan timestamps that skip samples", () => {
  it("places every segment at its own timestamp, for the amplifier and the slower auxiliary inputs", async () => {
    const header = rhdHeader();
    const data = makeData(header, 4, { firstTimestamp: 100, gapAt: 200 }); // +5 samples missing after row 199
    const rhd = join(dir, "gap.rhd");
    writeTraditional(rhd, header, data);
    const path = join(dir, "gap.nwb");
    await new IntanConverter({ filePath: rhd }).runConversion({ nwbfilePath: path, metadata: start });
    expect(validateIfAvailable(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      const rate = header.sampleRate;
      const t = file.readDataset("/acquisition/ElectricalSeries/timestamps") as Float64Array;
      expect(t.length).toBe(data.numSamples);
      expect(t[0]).toBeCloseTo(100 / rate, 12);
      expect(t[199]).toBeCloseTo(299 / rate, 12);
      expect(t[200]).toBeCloseTo(305 / rate, 12);
      expect(t[data.numSamples - 1]).toBeCloseTo(data.timestamps[data.numSamples - 1]! / rate, 12);
      // auxiliary inputs are sampled every 4th amplifier sample: row 50 is amplifier row 200, after the gap
      const aux = file.readDataset("/acquisition/TimeSeriesIntanAuxiliary/timestamps") as Float64Array;
      expect(aux[50]).toBeCloseTo(305 / rate, 12);
    } finally {
      file.close();
    }
  });
});

describe("Intan RHS (generated per the RHS2000 data file format)", () => {
  it("routes every stream: amplifier, DC amplifier, stimulation current, ADC/DAC, digital lines", async () => {
    const header = rhsHeader();
    const data = makeData(header, 5, { firstTimestamp: 0 });
    const rhs = join(dir, "stim_240301_101500.rhs");
    writeTraditional(rhs, header, data);
    const converter = new IntanConverter({ filePath: rhs });
    expect(converter.getMetadata().NWBFile.session_start_time).toBe("2024-03-01T10:15:00");
    const path = join(dir, "stim.nwb");
    await converter.runConversion({
      nwbfilePath: path,
      metadata: { NWBFile: { session_start_time: "2024-03-01T10:15:00+01:00" } },
    });
    expect(validateIfAvailable(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      const children = file.children("/acquisition");
      expect(children).toEqual(
        expect.arrayContaining([
          "ElectricalSeries",
          "TimeSeriesIntanDCAmplifier",
          "TimeSeriesIntanStimulation",
          "TimeSeriesIntanADC",
          "TimeSeriesIntanDAC",
        ]),
      );
      expect(children.some((c) => c.startsWith("EventsIntanDigitalIn"))).toBe(true);
      // RHS2000 data file format: the header's stimulation step size (float32) in amperes; each word holds
      // the magnitude in bits 0-7 and the sign in bit 8
      expect(file.getAttribute("/acquisition/TimeSeriesIntanStimulation/data", "unit")).toBe("amperes");
      expect(file.getAttribute("/acquisition/TimeSeriesIntanStimulation/data", "conversion")).toBe(
        Math.fround(header.stimStepSize!),
      );
      const written = file.readDataset("/acquisition/TimeSeriesIntanStimulation/data") as Int16Array;
      const decode = (word: number) => ((word & 0x100) !== 0 ? -(word & 0xff) : word & 0xff);
      const expected = Array.from({ length: data.numSamples }, (_, t) =>
        data.stim.map((channel) => decode(channel[t]!)),
      ).flat();
      expect(data.stim.length).toBeGreaterThan(0);
      expect([...written]).toEqual(expected);
    } finally {
      file.close();
    }
  });
});
