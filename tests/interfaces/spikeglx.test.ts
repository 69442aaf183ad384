import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import {
  hdf5Backend,
  SpikeGLXConverterPipe,
  SpikeGLXNIDQInterface,
  SpikeGLXRecordingInterface,
  withTimeZone,
} from "../../src/index.js";
import { checkDataInterface, syntheticApSample, writeSpikeGLXRun } from "../../src/testing/index.js";
import { nwbcheckAvailable, python, validateIfAvailable } from "../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const NOISE4SAM = testdata("spikeglx/Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.bin");
const REFERENCE = testdata("spikeglx/reference_output/Noise4Sam_test.nwb");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-spikeglx-"));
const quiet = { out: () => {}, err: (t: string) => console.error(t), progress: false };
const validate = validateIfAvailable;

describe.skipIf(!HAVE)("SpikeGLX on the real Noise4Sam recording", () => {
  it("neuroconv convert spikeglx writes a valid file equal to NeuroConv's output", async () => {
    const output = join(dir, "noise4sam.nwb");
    expect(await runCli(["convert", "spikeglx", NOISE4SAM, "-o", output], quiet)).toBe(0);
    expect(validate(output).passed).toBe(true);
    if (!nwbcheckAvailable()) skipTest("nwbcheck (Debian h5py) cannot run here");
    // read both files with h5py (an independent reader) and compare what NeuroConv wrote with ours
    const compare = python(
      `
import h5py, json, sys, numpy as np
ours, ref = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
a, b = ours["acquisition/ElectricalSeriesAP"], ref["acquisition/ElectricalSeriesAP"]
ea, eb = ours["general/extracellular_ephys/electrodes"], ref["general/extracellular_ephys/electrodes"]
col = lambda t, k: [v.decode() if isinstance(v, bytes) else float(v) for v in t[k][:]]
print(json.dumps({
  "data_equal": bool(np.array_equal(a["data"][:], b["data"][:])),
  "dtype": str(a["data"].dtype),
  "conversion": [float(a["data"].attrs["conversion"]), float(b["data"].attrs["conversion"])],
  "starting_time": [float(a["starting_time"][()]), float(b["starting_time"][()])],
  "rate": [float(a["starting_time"].attrs["rate"]), float(b["starting_time"].attrs["rate"])],
  "electrode_rows": [int(ea["id"].shape[0]), int(eb["id"].shape[0])],
  "same": {k: col(ea, k) == col(eb, k) for k in ["channel_name", "rel_x", "rel_y", "inter_sample_shift", "contact_ids", "contact_shapes", "group_name"]},
  "series_electrodes_equal": bool(np.array_equal(a["electrodes"][:], b["electrodes"][:])),
  "device": ours["general/devices/NeuropixelsImec0"].attrs["manufacturer"],
}))
`,
      output,
      REFERENCE,
    );
    const r = JSON.parse(compare);
    expect(r.data_equal).toBe(true);
    expect(r.dtype).toBe("int16");
    expect(r.conversion[0]).toBe(r.conversion[1]);
    expect(r.starting_time[0]).toBeCloseTo(r.starting_time[1], 12);
    expect(r.rate).toEqual([30000, 30000]);
    expect(r.electrode_rows).toEqual([384, 384]);
    expect(r.same).toEqual({
      channel_name: true,
      rel_x: true,
      rel_y: true,
      inter_sample_shift: true,
      contact_ids: true,
      contact_shapes: true,
      group_name: true,
    });
    expect(r.series_electrodes_equal).toBe(true);
    expect(r.device).toBe("Imec");
  });

  it("runs the issue's example as written", async () => {
    const iface = new SpikeGLXRecordingInterface({ filePath: NOISE4SAM });
    const metadata = iface.getMetadata();
    metadata.Subject = { subject_id: "M001", sex: "M", age: "P30D", species: "Mus musculus" };
    metadata.NWBFile.session_start_time = withTimeZone(metadata.NWBFile.session_start_time, "US/Pacific");
    metadata.Ecephys.ElectrodeGroup[0].location = "V1";
    const path = join(dir, "example.nwb");
    await iface.runConversion({ nwbfilePath: path, metadata });
    const file = await hdf5Backend.open(path);
    expect(file.readDataset("/session_start_time")).toBe("2020-11-03T10:35:10-08:00");
    expect(file.getAttribute("/general/extracellular_ephys/NeuropixelsImec0", "location")).toBe("V1");
    file.close();
  });

  it("passes the reusable interface check, reading back the raw samples", async () => {
    const raw = readFileSync(NOISE4SAM);
    const rawAt = (t: number, c: number) => raw.readInt16LE((t * 385 + c) * 2);
    await checkDataInterface(new SpikeGLXRecordingInterface({ filePath: NOISE4SAM }), {
      outputDir: dir,
      metadata: { NWBFile: { session_start_time: "2020-11-03T10:35:10-08:00" } },
      validate,
      checkReadBack(file) {
        const data = file.readDataset("/acquisition/ElectricalSeriesAP/data") as Int16Array;
        expect(data.length).toBe(1155 * 384);
        for (const [t, c] of [
          [0, 0],
          [577, 200],
          [1154, 383],
        ] as const) {
          expect(data[t * 384 + c]).toBe(rawAt(t, c));
        }
      },
    });
  });

  it("gives a one-line error for a truncated .bin and a .bin without its .meta", async () => {
    const truncated = join(dir, "cut_g0_t0.imec0.ap.bin");
    writeFileSync(truncated, readFileSync(NOISE4SAM).subarray(0, 1000));
    copyFileSync(NOISE4SAM.replace(/\.bin$/, ".meta"), truncated.replace(/\.bin$/, ".meta"));
    const lonely = join(dir, "lonely_g0_t0.imec0.ap.bin");
    copyFileSync(NOISE4SAM, lonely);
    for (const [path, expected] of [
      [truncated, /size 1000 bytes is not a whole number of samples/],
      [lonely, /no metadata file beside it \(expected lonely_g0_t0\.imec0\.ap\.meta\)/],
    ] as const) {
      const err: string[] = [];
      const code = await runCli(["convert", "spikeglx", path, "-o", join(dir, "never.nwb")], {
        out: () => {},
        err: (t) => err.push(t),
      });
      expect(code).toBe(1);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(expected);
    }
  });
});

describe("SpikeGLX run folder (generated: two probes with AP and LF, and NI-DAQ)", () => {
  const run = writeSpikeGLXRun(dir, { runName: "two", probes: 2, seconds: 1 });

  it("finds every stream", () => {
    expect(SpikeGLXConverterPipe.getStreams(run.folder)).toEqual([
      "imec0.ap",
      "imec0.lf",
      "imec1.ap",
      "imec1.lf",
      "nidq",
    ]);
  });

  it("writes all streams with unique names, and AP and LF of a probe share their electrode rows", async () => {
    const converter = new SpikeGLXConverterPipe({ folderPath: run.folder });
    const path = join(dir, "run.nwb");
    await converter.runConversion({
      nwbfilePath: path,
      metadata: { NWBFile: { session_start_time: "2024-03-01T10:15:00-08:00" } },
    });
    expect(validate(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      expect(file.children("/acquisition")).toEqual([
        "ElectricalSeriesAPImec0",
        "ElectricalSeriesAPImec1",
        "ElectricalSeriesLFImec0",
        "ElectricalSeriesLFImec1",
        "EventsNIDQDigitalLine0",
        "EventsNIDQDigitalLine1",
        "TimeSeriesNIDQ",
      ]);
      expect(file.children("/general/devices")).toEqual(["NeuropixelsImec0", "NeuropixelsImec1"]);
      expect(file.datasetInfo("/general/extracellular_ephys/electrodes/id").shape).toEqual([768]);
      const rows = (name: string) =>
        [...(file.readDataset(`/acquisition/${name}/electrodes`) as BigInt64Array)].map(Number);
      expect(rows("ElectricalSeriesLFImec0")).toEqual(rows("ElectricalSeriesAPImec0"));
      expect(rows("ElectricalSeriesAPImec1")[0]).toBe(384);
      const ap = file.readDataset("/acquisition/ElectricalSeriesAPImec1/data", [3001, 3002]) as Int16Array;
      expect(ap[1]).toBe(syntheticApSample(3001, 1));
      // LF starts at firstSample 10 of 2500 Hz; AP at 120 of 30000 Hz
      expect(file.readDataset("/acquisition/ElectricalSeriesLFImec0/starting_time")).toBeCloseTo(0.004, 12);
      // line 1: a 5 ms pulse every 250 ms -> rising at 0.25, 0.5, 0.75 and falling 5 ms after each pulse start
      const edges = file.readDataset("/acquisition/EventsNIDQDigitalLine1/timestamps") as Float64Array;
      const states = file.readDataset("/acquisition/EventsNIDQDigitalLine1/data") as Uint8Array;
      expect([...states]).toEqual([0, 1, 0, 1, 0, 1, 0]);
      expect([...edges].map((t) => Math.round(t * 1e6) / 1e6)).toEqual([
        0.005, 0.25, 0.255, 0.5, 0.505, 0.75, 0.755,
      ]);
      expect(file.getAttribute("/acquisition/TimeSeriesNIDQ/data", "conversion")).toBeCloseTo(5 / 32768, 12);
    } finally {
      file.close();
    }
  });

  it("gives event times from TTL lines and analog channels for alignment", async () => {
    const nidq = new SpikeGLXNIDQInterface({ filePath: run.files.nidq! });
    expect([...(await nidq.getEventTimesFromTtl(0))]).toEqual([]); // high from the start, no rising edge in 1 s
    expect([...(await nidq.getEventTimesFromTtl(1))]).toEqual([0.25, 0.5, 0.75]);
    // the 3 Hz sine crosses zero upwards at 1/3 and 2/3 s (the first sample sits on the threshold)
    const analog = [...(await nidq.getEventTimesFromTtl("XA0"))];
    expect(analog.map((t) => Math.round(t * 100) / 100)).toEqual([0.33, 0.67]);
    await expect(nidq.getEventTimesFromTtl(9)).rejects.toThrow(/digital line 9 was not saved/);
  });
});

describe("SpikeGLX run folder with a second trigger", () => {
  it("converts the first and says which files it left out", () => {
    const run = writeSpikeGLXRun(mkdtempSync(join(tmpdir(), "neuroconv-sglx-t1-")), {
      runName: "trig",
      seconds: 0.1,
      withLf: false,
      withNidq: false,
    });
    const first = run.files["imec0.ap"]!;
    const second = first.replace("_t0.", "_t1.");
    copyFileSync(first, second);
    copyFileSync(first.replace(/\.bin$/, ".meta"), second.replace(/\.bin$/, ".meta"));
    const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const converter = new SpikeGLXConverterPipe({ folderPath: run.folder });
      expect(Object.keys(converter.dataInterfaceObjects)).toEqual(["imec0.ap"]);
      expect(String(emitWarning.mock.calls[0]?.[0])).toContain(`left out: ${second}`);
    } finally {
      emitWarning.mockRestore();
    }
  });
});
