import { copyFileSync, cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  hdf5Backend,
  OpenEphysAnalogInterface,
  OpenEphysConverter,
  OpenEphysRecordingInterface,
  SourceDataError,
  withWarningHandler,
} from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { sampleValue, writeLegacyFolder } from "../formats/openephys/legacyGenerator.js";
import { nwbcheck, nwbcheckAvailable, python, validateIfAvailable } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const CLIPPED = testdata("openephys_binary/v0.6.0_neuropixels_clipped");
const MULTI = testdata("openephys_binary/v0.6.x_neuropixels_multiexp_multistream");
const REFERENCE = testdata("openephys_binary/reference_neuroconv");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-openephys-"));
const start = { NWBFile: { session_start_time: "2023-08-30T23:41:36+00:00" } };

/** What h5py reads of an ElectricalSeries / TimeSeries in two files, for comparison. */
function compare(ours: string, series: string, reference: string, referenceSeries: string) {
  return JSON.parse(
    python(
      `
import h5py, json, sys, numpy as np
a, b = h5py.File(sys.argv[1], "r")["acquisition/" + sys.argv[2]], h5py.File(sys.argv[3], "r")["acquisition/" + sys.argv[4]]
out = {"data_equal": bool(np.array_equal(a["data"][:], b["data"][:])),
       "conversion": [float(a["data"].attrs["conversion"]), float(b["data"].attrs["conversion"])],
       "starting_time": [float(a["starting_time"][()]), float(b["starting_time"][()])],
       "rate": [float(a["starting_time"].attrs["rate"]), float(b["starting_time"].attrs["rate"])]}
if "electrodes" in a:
    ea = a.file["general/extracellular_ephys/electrodes"]; eb = b.file["general/extracellular_ephys/electrodes"]
    ra, rb = a["electrodes"][:], b["electrodes"][:]
    out["channel_name"] = [ea["channel_name"][i].decode() for i in ra] == [eb["channel_name"][i].decode() for i in rb]
    if "rel_x" in eb:
        out["rel_y_equal"] = bool(np.array_equal(ea["rel_y"][:][ra], eb["rel_y"][:][rb]))
        dx = ea["rel_x"][:][ra] - eb["rel_x"][:][rb]
        out["rel_x_shift"] = [float(dx.min()), float(dx.max())]
print(json.dumps(out))
`,
      ours,
      series,
      reference,
      referenceSeries,
    ),
  );
}

describe.skipIf(!HAVE || !nwbcheckAvailable())(
  "Open Ephys binary, real recordings, against NeuroConv's output",
  () => {
    it("Neuropixels, two recordings: both written by default, each equal to NeuroConv's segment", async () => {
      const path = join(dir, "clipped.nwb");
      const warnings: string[] = [];
      await withWarningHandler(
        (message) => warnings.push(message),
        () =>
          new OpenEphysRecordingInterface({ folderPath: CLIPPED }).runConversion({
            nwbfilePath: path,
            metadata: start,
          }),
      );
      expect(warnings).toEqual([]);
      expect(nwbcheck(path).passed).toBe(true);
      const file = await hdf5Backend.open(path);
      try {
        // NeuroConv's names for the two segments; the electrodes are shared
        expect(file.children("/acquisition").filter((n) => n.startsWith("ElectricalSeries"))).toEqual([
          "ElectricalSeries0",
          "ElectricalSeries1",
        ]);
        expect(file.datasetInfo("/general/extracellular_ephys/electrodes/id").shape).toEqual([384]);
      } finally {
        file.close();
      }
      for (const block of [0, 1]) {
        const r = compare(
          path,
          `ElectricalSeries${block}`,
          join(REFERENCE, "v0.6.0_neuropixels_clipped.nwb"),
          `ElectricalSeries${block}`,
        );
        expect(r.data_equal).toBe(true);
        expect(r.conversion[0]).toBeCloseTo(r.conversion[1], 14); // theirs went through float32
        expect(r.starting_time[0]).toBeCloseTo(r.starting_time[1], 9);
        expect(r.rate).toEqual([30000, 30000]);
        expect(r.channel_name).toBe(true);
        expect(r.rel_y_equal).toBe(true);
        // positions are settings.xml's; probeinterface (NeuroConv) shifts x so that the leftmost column is 0
        expect(r.rel_x_shift[0]).toBe(r.rel_x_shift[1]);
      }
    });

    it("blockIndex selects one recording, and a warning names the one left out", async () => {
      const warnings: string[] = [];
      const path = join(dir, "clipped1.nwb");
      await withWarningHandler(
        (message) => warnings.push(message),
        async () => {
          const oe = new OpenEphysRecordingInterface({ folderPath: CLIPPED, blockIndex: 1 });
          await oe.runConversion({ nwbfilePath: path, metadata: start, stubTest: true });
        },
      );
      expect(warnings).toEqual([
        `${CLIPPED}: only block 1 (experiment 1, recording 2) of stream 'Record Node 104#Neuropix-PXI-100.ProbeA-AP' is converted; left out: block 0 (experiment 1, recording 1). Leave out blockIndex to convert every recording`,
      ]);
      const r = compare(
        path,
        "ElectricalSeries",
        join(REFERENCE, "v0.6.0_neuropixels_clipped.nwb"),
        "ElectricalSeries1",
      );
      expect(r.starting_time[0]).toBeCloseTo(r.starting_time[1], 9);
    });

    it("multi-experiment NI-DAQ: the same samples, in volts (NeuroConv takes V/bit for µV/bit)", async () => {
      const path = join(dir, "nidaq3.nwb");
      await withWarningHandler(
        () => {},
        () =>
          new OpenEphysAnalogInterface({
            folderPath: MULTI,
            streamName: "Record Node 101#NI-DAQmx-103.PXIe-6341",
            blockIndex: 1,
          }).runConversion({ nwbfilePath: path, metadata: start }),
      );
      expect(nwbcheck(path).passed).toBe(true);
      const r = compare(
        path,
        "TimeSeriesPXIe6341",
        join(REFERENCE, "v0.6.x_multiexp.NI-DAQ.experiment3.nwb"),
        "ElectricalSeries",
      );
      expect(r.data_equal).toBe(true);
      expect(r.conversion[0] / r.conversion[1]).toBeCloseTo(1e6, 3);
      expect(r.starting_time[0]).toBeCloseTo(r.starting_time[1], 9);
    });

    it("multi-stream, multi-experiment: every stream of every experiment, with the TTL lines", async () => {
      const converter = new OpenEphysConverter({ folderPath: MULTI });
      const path = join(dir, "multi.nwb");
      await converter.runConversion({ nwbfilePath: path, metadata: start });
      const file = await hdf5Backend.open(path);
      try {
        // experiments 1, 3 and 6 as recordings 0, 1, 2 of each stream
        const each = (name: string) => [0, 1, 2].map((i) => name.replace("#", String(i)));
        expect(file.children("/acquisition")).toEqual([
          ...each("ElectricalSeriesProbeB#"),
          ...each("ElectricalSeriesProbeC#"),
          ...each("EventsOpenEphysPXIe6341TTL#Line1").flatMap((n) => [n, n.replace("Line1", "Line2")]),
          ...each("EventsOpenEphysProbeBTTL#Line1"),
          ...each("EventsOpenEphysProbeCTTL#Line1"),
          ...each("TimeSeriesPXIe6341#"),
        ]);
        expect(file.datasetInfo("/general/extracellular_ephys/electrodes/id").shape).toEqual([768]);
      } finally {
        file.close();
      }
      const r = compare(
        path,
        "ElectricalSeriesProbeB0",
        join(REFERENCE, "v0.6.x_multiexp.ProbeB.experiment1.nwb"),
        "ElectricalSeries",
      );
      expect(r.data_equal).toBe(true);
      const daq = compare(
        path,
        "TimeSeriesPXIe63411",
        join(REFERENCE, "v0.6.x_multiexp.NI-DAQ.experiment3.nwb"),
        "ElectricalSeries",
      );
      expect(daq.data_equal).toBe(true);
      expect(daq.starting_time[0]).toBeCloseTo(daq.starting_time[1], 9);
      // (100, 384) data: time is not the longest axis, which the lite Inspector checks flag (NeuroConv's file too)
      const failures = nwbcheck(path)
        .output.split("\n")
        .filter((l) => l.includes("FAIL ") && !l.includes("RESULT"));
      expect(failures.length).toBe(6);
      for (const line of failures)
        expect(line).toContain("time should be the first and usually longest dimension");
    });

    it("passes the reusable interface check", async () => {
      await checkDataInterface(new OpenEphysRecordingInterface({ folderPath: CLIPPED }), {
        outputDir: dir,
        metadata: start,
        validate: validateIfAvailable,
      });
    });

    it("lists the streams when the name is unknown, and refuses a folder without a recording", () => {
      expect(() => new OpenEphysRecordingInterface({ folderPath: MULTI, streamName: "ProbeZ" })).toThrow(
        /Record Node 101#Neuropix-PXI-100\.ProbeB/,
      );
      const empty = join(dir, "empty");
      mkdirSync(empty);
      expect(() => new OpenEphysRecordingInterface({ folderPath: empty })).toThrow(SourceDataError);
    });
  },
);

describe.skipIf(!HAVE || !nwbcheckAvailable())("Open Ephys binary with dropped samples", () => {
  it("writes each sample's time from its sample number, and TTL edges on the same clock", async () => {
    // a copy of the first recording whose sample numbers jump by 300 after row 500 (samples were dropped)
    const recording = join(dir, "gap", "Record Node 104", "experiment1", "recording1");
    mkdirSync(join(dir, "gap", "Record Node 104", "experiment1"), { recursive: true });
    cpSync(join(CLIPPED, "Record Node 104", "experiment1", "recording1"), recording, { recursive: true });
    copyFileSync(
      join(CLIPPED, "Record Node 104", "settings.xml"),
      join(dir, "gap", "Record Node 104", "settings.xml"),
    );
    const numbers = join(recording, "continuous", "Neuropix-PXI-100.ProbeA-AP", "sample_numbers.npy");
    const first = Number(
      python(
        "import numpy as np, sys\na = np.load(sys.argv[1]); a[500:] += 300; np.save(sys.argv[1], a); print(int(a[0]))",
        numbers,
      ),
    );
    const path = join(dir, "gap.nwb");
    await new OpenEphysRecordingInterface({ folderPath: join(dir, "gap") }).runConversion({
      nwbfilePath: path,
      metadata: start,
    });
    expect(nwbcheck(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      expect(file.kind("/acquisition/ElectricalSeries/starting_time")).toBeUndefined();
      const t = file.readDataset("/acquisition/ElectricalSeries/timestamps") as Float64Array;
      expect(t.length).toBe(1000);
      expect(t[0]).toBeCloseTo(first / 30000, 12);
      expect(t[499]).toBeCloseTo((first + 499) / 30000, 12);
      expect(t[500]).toBeCloseTo((first + 800) / 30000, 12);
      // every edge lands on the time of a sample (its own, or the nearest one before it)
      const ttl = file.children("/acquisition").find((c) => c.startsWith("EventsOpenEphys"))!;
      const sampleTimes = new Set(t);
      const edges = file.readDataset(`/acquisition/${ttl}/timestamps`) as Float64Array;
      expect(edges.length).toBeGreaterThan(0);
      for (const edge of edges) expect(sampleTimes.has(edge)).toBe(true);
    } finally {
      file.close();
    }
  });
});

describe("Open Ephys legacy format (generated per the format document)", () => {
  it("is detected, converted and read back sample for sample", async () => {
    const folder = join(dir, "legacy");
    writeLegacyFolder(folder, {
      channels: [
        { name: "CH1", bitVolts: 0.195 },
        { name: "CH2", bitVolts: 0.195 },
      ],
      experiments: [
        {
          number: 1,
          recordings: [{ recordingNumber: 0, firstTimestamp: 3000, records: 3 }],
          events: [
            {
              sampleNumber: 3100,
              eventType: 3,
              processorId: 100,
              eventId: 1,
              channel: 0,
              recordingNumber: 0,
            },
            {
              sampleNumber: 3400,
              eventType: 3,
              processorId: 100,
              eventId: 0,
              channel: 0,
              recordingNumber: 0,
            },
          ],
        },
      ],
    });
    const path = join(dir, "legacy.nwb");
    await new OpenEphysRecordingInterface({ folderPath: folder }).runConversion({
      nwbfilePath: path,
      metadata: start,
    });
    expect(validateIfAvailable(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      const data = file.readDataset("/acquisition/ElectricalSeries/data") as Int16Array;
      expect(data.length).toBe(3 * 1024 * 2);
      for (const i of [0, 1023, 1024, 3071]) {
        expect(data[i * 2]).toBe(sampleValue(0, 1, 0, i));
        expect(data[i * 2 + 1]).toBe(sampleValue(1, 1, 0, i));
      }
      expect(file.getAttribute("/acquisition/ElectricalSeries/data", "conversion")).toBeCloseTo(0.195e-6, 15);
      const events = file.children("/acquisition").filter((c) => c.startsWith("EventsOpenEphys"));
      expect(events).toHaveLength(1);
      const times = [...(file.readDataset(`/acquisition/${events[0]}/timestamps`) as Float64Array)];
      const rate = file.getAttribute("/acquisition/ElectricalSeries/starting_time", "rate") as number;
      expect(times.map((t) => Math.round(t * rate))).toEqual([3100, 3400]);
    } finally {
      file.close();
    }
  });
});
