/**
 * The five real ABF samples converted to NWB: clamp mode and units as the files state them, every response
 * value (h5py: stored x conversion + offset) equal to neo's scaled samples, stimuli equal to neo's rebuild of
 * the step protocols, and the icephys tables linking them. nwbcheck validates every file (with
 * NWBCHECK_STACK set, pynwb reads the icephys tables too).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import {
  AbfInterface,
  AxonIntracellularConverter,
  AxonIntracellularInterface,
} from "../../src/interfaces/abf/abfInterfaces.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { type NeoAbf, neoReadAbf } from "../formats/abf/oracle.js";
import {
  neoAvailable,
  nwbcheck,
  nwbcheckAvailable,
  python,
  validateIfAvailable,
} from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const RUN = hasTestdata() && neoAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-abf-"));
const zone = (start: string) => ({ NWBFile: { session_start_time: `${start}+00:00` } });

/** What each sample must give: series type and SI unit scale of each channel, and the header's start. */
const EXPECTED = {
  "05210017_vc_abf1.abf": {
    start: "2005-02-10T15:52:55.328",
    types: ["VoltageClampSeries", "VoltageClampSeries"],
    scale: [1e-12, 1e-12],
    stimulus: [true, false],
  },
  "171116sh_0011.abf": {
    start: "2017-11-16T14:04:45.776",
    types: ["VoltageClampSeries"],
    scale: [1e-12],
    stimulus: [true],
  },
  "18702001-step.abf": {
    start: "2018-07-02T09:29:04.850",
    types: ["VoltageClampSeries", "VoltageClampSeries"],
    scale: [1e-12, 1],
    stimulus: [true, true],
  },
  "2018_12_09_pCLAMP11_0001.abf": {
    start: "2018-12-09T01:31:38.437",
    types: ["VoltageClampSeries"],
    scale: [1],
    stimulus: [true],
  },
  "pclamp11_4ch.abf": {
    start: "2018-12-14T20:36:12.308",
    types: Array(4).fill("VoltageClampSeries"),
    scale: Array(4).fill(1e-12),
    stimulus: Array(4).fill(true),
  },
} as const;
const FILES = Object.keys(EXPECTED) as (keyof typeof EXPECTED)[];

/** Everything the tests compare, read from the written files by h5py. */
const READ_BACK = `
import h5py, json, sys, numpy as np
def read(path):
    f = h5py.File(path, "r")
    out = {"acquisition": {}, "stimulus": {}, "start": f["session_start_time"][()].decode()}
    for group, key in (("acquisition", "acquisition"), ("stimulus/presentation", "stimulus")):
        for name, s in f[group].items():
            d = s["data"]
            out[key][name] = {"type": s.attrs["neurodata_type"], "unit": d.attrs["unit"],
                "values": (d[:].astype(np.float64) * d.attrs["conversion"] + d.attrs["offset"]).tolist(),
                "start": float(s["starting_time"][()]), "rate": float(s["starting_time"].attrs["rate"]),
                "sweep": int(s.attrs["sweep_number"]), "electrode": s.get("electrode", getlink=True).path,
                "stimulus_description": s.attrs["stimulus_description"]}
    ic = f["general/intracellular_ephys"]
    rec = ic["intracellular_recordings"]
    out["recordings"] = [
        {"electrode": f[e].name, "stimulus": [int(s[0]), int(s[1]), f[s[2]].name], "response": [int(r[0]), int(r[1]), f[r[2]].name]}
        for e, s, r in zip(rec["electrodes/electrode"][:], rec["stimuli/stimulus"][:], rec["responses/response"][:])]
    out["categories"] = [c.decode() if isinstance(c, bytes) else c for c in rec.attrs["categories"]]
    out["simultaneous"] = np.split(ic["simultaneous_recordings/recordings"][:], ic["simultaneous_recordings/recordings_index"][:-1]) 
    out["simultaneous"] = [a.tolist() for a in out["simultaneous"]]
    seq = ic["sequential_recordings"]
    out["sequential"] = {"index": seq["simultaneous_recordings_index"][:].tolist(), "rows": seq["simultaneous_recordings"][:].tolist(),
                         "stimulus_type": [s.decode() for s in seq["stimulus_type"][:]]}
    for t, col in (("repetitions", "sequential_recordings"), ("experimental_conditions", "repetitions")):
        if t in ic: out[t] = {"rows": ic[t][col][:].tolist(), "index": ic[t][col + "_index"][:].tolist()}
    return out
print(json.dumps([read(p) for p in sys.argv[1:]]))
`;

/** Largest |a - b| relative to the largest |b| (0 when equal). */
function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  const range = b.reduce((m, v) => Math.max(m, Math.abs(v)), Number.MIN_VALUE);
  return a.reduce((worst, v, k) => Math.max(worst, Math.abs(v - b[k]!) / range), 0);
}

interface ReadBack {
  start: string;
  acquisition: Record<string, Series>;
  stimulus: Record<string, Series>;
  recordings: { electrode: string; stimulus: [number, number, string]; response: [number, number, string] }[];
  categories: string[];
  simultaneous: number[][];
  sequential: { index: number[]; rows: number[]; stimulus_type: string[] };
  repetitions?: { rows: number[]; index: number[] };
  experimental_conditions?: { rows: number[]; index: number[] };
}
interface Series {
  type: string;
  unit: string;
  values: number[];
  start: number;
  rate: number;
  sweep: number;
  electrode: string;
  stimulus_description: string;
}

describe.skipIf(!RUN)("Axon ABF samples converted to NWB", () => {
  const outputs = FILES.map((f) => join(dir, f.replace(".abf", ".nwb")));
  let read: ReadBack[] = [];
  let neoFiles: NeoAbf[] = [];

  it("converts all five files; nwbcheck passes them", async () => {
    for (const [i, file] of FILES.entries()) {
      const source = new AxonIntracellularInterface({ filePath: testdata("abf", file) });
      const metadata = source.getMetadata();
      expect(metadata.NWBFile.session_start_time).toBe(EXPECTED[file].start);
      await source.runConversion({ nwbfilePath: outputs[i]!, metadata: zone(EXPECTED[file].start) });
    }
    if (nwbcheckAvailable()) {
      const result = nwbcheck(...outputs);
      expect(result.passed, result.output).toBe(true);
    }
    read = JSON.parse(python(READ_BACK, ...outputs)) as ReadBack[];
    neoFiles = neoReadAbf(FILES.map((f) => testdata("abf", f)));
  });

  it.each(FILES.map((f, i) => [f, i] as const))(
    "%s: series types, units and values equal neo's",
    (file, i) => {
      const neo = neoFiles[i]!;
      const nwb = read[i]!;
      const expected = EXPECTED[file];
      expect(nwb.start).toBe(`${expected.start}+00:00`);
      const sweeps = neo.tStarts.length;
      const channels = expected.types.length;
      expect(Object.keys(nwb.acquisition)).toHaveLength(sweeps * channels);
      for (let s = 0; s < sweeps; s++) {
        for (let c = 0; c < channels; c++) {
          const label = `${String(s + 1).padStart(2, "0")}-ch-${c}`;
          const response = nwb.acquisition[`voltage_clamp-response-${label}`]!;
          expect(response.type).toBe(expected.types[c]);
          expect(response.unit).toBe("amperes");
          expect(response.rate).toBe(neo.rate);
          expect(response.start).toBeCloseTo(neo.tStarts[s]!, 9);
          expect(response.sweep).toBe(s);
          expect(response.electrode).toBe(`/general/intracellular_ephys/electrode-${c}`);
          const { gain, offset } = neo.channels[c]!;
          const scale = expected.scale[c]!;
          const want = neo.sweeps[s]!.map((row) => (row[c]! * gain + offset) * scale);
          expect(response.values).toHaveLength(want.length);
          expect(maxRelativeDifference(response.values, want)).toBeLessThan(1e-12);
          const stimulus = nwb.stimulus[`stimulus-${label}`];
          expect(stimulus !== undefined).toBe(expected.stimulus[c]);
          if (stimulus && neo.protocol && (neo.epochTypes![String(c)] ?? []).every((t) => t === 1)) {
            expect(stimulus.type).toBe("VoltageClampStimulusSeries");
            expect(stimulus.unit).toBe("volts");
            const command = neo.protocol.sweeps[s]![c]!;
            expect(
              maxRelativeDifference(
                stimulus.values,
                command.map((v) => v * 1e-3),
              ),
            ).toBeLessThan(1e-12);
          }
        }
      }
    },
  );

  it.each(FILES.map((f, i) => [f, i] as const))(
    "%s: icephys tables link electrodes, stimuli and responses",
    (file, i) => {
      const nwb = read[i]!;
      const sweeps = Object.keys(nwb.acquisition).length / EXPECTED[file].types.length;
      const channels = EXPECTED[file].types.length;
      expect(nwb.categories).toEqual(["electrodes", "stimuli", "responses"]);
      expect(nwb.recordings).toHaveLength(sweeps * channels);
      nwb.recordings.forEach((row, r) => {
        const s = Math.floor(r / channels);
        const c = r % channels;
        const label = `${String(s + 1).padStart(2, "0")}-ch-${c}`;
        const response = `/acquisition/voltage_clamp-response-${label}`;
        expect(row.electrode).toBe(`/general/intracellular_ephys/electrode-${c}`);
        expect(row.response).toEqual([
          0,
          nwb.acquisition[`voltage_clamp-response-${label}`]!.values.length,
          response,
        ]);
        expect(row.stimulus).toEqual(
          EXPECTED[file].stimulus[c]
            ? [
                0,
                nwb.stimulus[`stimulus-${label}`]!.values.length,
                `/stimulus/presentation/stimulus-${label}`,
              ]
            : [-1, -1, response],
        );
      });
      expect(nwb.simultaneous).toEqual(
        Array.from({ length: sweeps }, (_, s) =>
          Array.from({ length: channels }, (_, c) => s * channels + c),
        ),
      );
      expect(nwb.sequential.rows).toEqual(Array.from({ length: sweeps }, (_, s) => s));
      expect(nwb.sequential.index).toEqual([sweeps]);
      expect(nwb.repetitions).toBeUndefined();
    },
  );

  it("protocol names become the stimulus type", () => {
    expect(read.map((r) => r.sequential.stimulus_type[0])).toEqual([
      "Apply ACh with imaging (VC) 2 (no movies)",
      "0201 memtest",
      "0201 memtest",
      "(untitled)",
      "(untitled)",
    ]);
    expect(read[1]!.acquisition["voltage_clamp-response-01-ch-0"]!.stimulus_description).toBe("0201 memtest");
  });

  it("several files: sequential recordings timed from the earliest file, grouped into repetitions and conditions", async () => {
    const files = ["pclamp11_4ch.abf", "2018_12_09_pCLAMP11_0001.abf"].map((f) => testdata("abf", f));
    const converter = new AbfInterface({ filePaths: files });
    expect(converter).toBeInstanceOf(AxonIntracellularConverter);
    const metadata = converter.getMetadata();
    expect(metadata.NWBFile.session_start_time).toBe("2018-12-09T01:31:38.437");
    expect(metadata.Icephys?.IntracellularElectrodes?.map((e) => e.name)).toEqual([
      "electrode-0",
      "electrode-1",
      "electrode-2",
      "electrode-3",
    ]);
    const path = join(dir, "two-files.nwb");
    await converter.runConversion({
      nwbfilePath: path,
      metadata: {
        NWBFile: { session_start_time: "2018-12-09T01:31:38.437+00:00" },
        Icephys: {
          IntracellularElectrodes: [{ name: "electrode-0", cell_id: "cell 1", slice: "slice 2" }],
          SequentialRecordings: [
            { file: "pclamp11_4ch.abf", repetition: 0, condition: "control" },
            { file: "2018_12_09_pCLAMP11_0001.abf", repetition: 1, condition: "control" },
          ],
        },
      },
    });
    expect(validateIfAvailable(path).passed).toBe(true);
    const [nwb] = JSON.parse(python(READ_BACK, path)) as ReadBack[];
    // the 4-channel file (10 sweeps) comes first, the 1-channel file (10 sweeps) second, 5 days later
    expect(nwb!.sequential.index).toEqual([10, 20]);
    expect(nwb!.repetitions).toEqual({ rows: [0, 1], index: [1, 2] });
    expect(nwb!.experimental_conditions).toEqual({ rows: [0, 1], index: [2] });
    const later = nwb!.acquisition["voltage_clamp-response-11-ch-0"]!;
    expect(later.sweep).toBe(10);
    const days = (Date.parse("2018-12-14T20:36:12.308Z") - Date.parse("2018-12-09T01:31:38.437Z")) / 1000;
    expect(nwb!.acquisition["voltage_clamp-response-01-ch-0"]!.start).toBeCloseTo(days, 6);
    expect(later.start).toBeCloseTo(0, 9);
    const cell = python(
      `import h5py, sys; f = h5py.File(sys.argv[1], "r"); e = f["general/intracellular_ephys/electrode-0"]; print(e["cell_id"][()].decode(), "|", e["slice"][()].decode())`,
      path,
    );
    expect(cell.trim()).toBe("cell 1 | slice 2");
  });

  it("tags become an AnnotationSeries at their time (synch time units)", async () => {
    // a copy of 171116sh_0011.abf with one tag appended in a new block and the tag section pointing to it
    const bytes = readFileSync(testdata("abf", "171116sh_0011.abf"));
    const tag = Buffer.alloc(512);
    tag.writeInt32LE(40000, 0); // 40000 x fSynchTimeUnit 12.5 µs = 0.5 s
    tag.write("drug on", 4, "latin1");
    tag.writeInt16LE(1, 60);
    const tagged = Buffer.concat([bytes, tag]);
    tagged.writeUInt32LE(bytes.length / 512, 76 + 11 * 16);
    tagged.writeUInt32LE(64, 80 + 11 * 16);
    tagged.writeBigInt64LE(1n, 84 + 11 * 16);
    const source = join(dir, "tagged.abf");
    writeFileSync(source, tagged);
    const path = join(dir, "tagged.nwb");
    await new AxonIntracellularInterface({ filePath: source }).runConversion({
      nwbfilePath: path,
      metadata: zone(EXPECTED["171116sh_0011.abf"].start),
    });
    expect(validateIfAvailable(path).passed).toBe(true);
    const read = python(
      `import h5py, sys; s = h5py.File(sys.argv[1], "r")["acquisition/tags-tagged"]; print(s.attrs["neurodata_type"], s["data"][0].decode(), s["timestamps"][0])`,
      path,
    );
    expect(read.trim()).toBe("AnnotationSeries drug on 0.5");
  });

  it.each([
    [1, "CurrentClampSeries", "CurrentClampStimulusSeries", "current_clamp"],
    [2, "IZeroClampSeries", undefined, "izero"],
  ] as const)(
    "a potential channel telegraphed as mode %i gives %s",
    async (mode, type, stimulusType, prefix) => {
      // 171116sh_0011.abf with its channel in mV (telegraph: current clamp or I=0) and DAC 0 in pA
      const bytes = readFileSync(testdata("abf", "171116sh_0011.abf"));
      const strings = bytes.readUInt32LE(76 + 9 * 16) * 512;
      const text = bytes.subarray(strings, strings + 200);
      bytes.write("mV", strings + text.indexOf("IN 0\0pA") + 5, "latin1");
      bytes.write("pA", strings + text.indexOf("Cmd 0\0mV") + 6, "latin1");
      bytes.writeInt16LE(mode, bytes.readUInt32LE(76 + 16) * 512 + 18);
      const source = join(dir, `mode${mode}.abf`);
      writeFileSync(source, bytes);
      const path = join(dir, `mode${mode}.nwb`);
      await new AxonIntracellularInterface({ filePath: source }).runConversion({
        nwbfilePath: path,
        metadata: zone(EXPECTED["171116sh_0011.abf"].start),
      });
      expect(validateIfAvailable(path).passed).toBe(true);
      const [nwb] = JSON.parse(python(READ_BACK, path)) as ReadBack[];
      const response = nwb!.acquisition[`${prefix}-response-01-ch-0`]!;
      expect(response.type).toBe(type);
      expect(response.unit).toBe("volts");
      const neo = neoFiles[1]!; // same samples; the scale is now 1e-3 (mV) instead of 1e-12 (pA)
      const { gain, offset } = neo.channels[0]!;
      const want = neo.sweeps[0]!.map((row) => (row[0]! * gain + offset) * 1e-3);
      expect(maxRelativeDifference(response.values, want)).toBeLessThan(1e-12);
      const stimulus = nwb!.stimulus["stimulus-01-ch-0"];
      expect(stimulus?.type).toBe(stimulusType);
      if (stimulus) {
        expect(stimulus.unit).toBe("amperes");
        const command = neo.protocol!.sweeps[0]![0]!.map((v) => v * 1e-12);
        expect(maxRelativeDifference(stimulus.values, command)).toBeLessThan(1e-12);
      } else {
        expect(response.stimulus_description).toBe("N/A");
        expect(nwb!.recordings[0]!.stimulus).toEqual([-1, -1, "/acquisition/izero-response-01-ch-0"]);
      }
    },
  );

  it("passes the reusable interface check (schemas, metadata, stub)", async () => {
    await checkDataInterface(
      new AxonIntracellularInterface({ filePath: testdata("abf", "18702001-step.abf") }),
      {
        outputDir: dir,
        metadata: zone(EXPECTED["18702001-step.abf"].start),
        validate: validateIfAvailable,
      },
    );
  });

  it("converts several files from the command line", async () => {
    const out: string[] = [];
    const files = ["171116sh_0011.abf", "18702001-step.abf"].map((f) => testdata("abf", f));
    const path = join(dir, "cli-two.nwb");
    const code = await runCli(["convert", "abf-files", ...files, "-o", path, "--timezone", "UTC"], {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
    });
    expect(code, out.join("\n")).toBe(0);
    const rows = python(
      `import h5py, sys; f = h5py.File(sys.argv[1], "r"); print(len(f["general/intracellular_ephys/sequential_recordings/id"]), len(f["acquisition"]))`,
      path,
    );
    expect(rows.trim()).toBe("2 26"); // 20 sweeps x 1 channel + 3 sweeps x 2 channels
    // the single-file interface refuses a second path
    const refused = await runCli(["convert", "abf", ...files, "-o", join(dir, "never.nwb")], {
      out: () => {},
      err: () => {},
    });
    expect(refused).toBe(1);
  });

  it("a truncated file or an unsupported version is refused by name on the command line", async () => {
    const bytes = readFileSync(testdata("abf", "pclamp11_4ch.abf"));
    const cut = join(dir, "cut.abf");
    writeFileSync(cut, bytes.subarray(0, 100_000));
    const newer = join(dir, "abf3.abf");
    writeFileSync(newer, Buffer.concat([bytes.subarray(0, 7), Buffer.from([3]), bytes.subarray(8)]));
    const err: string[] = [];
    for (const file of [cut, newer]) {
      const code = await runCli(["convert", "abf", file, "-o", join(dir, "never.nwb")], {
        out: () => {},
        err: (t) => err.push(t),
      });
      expect(code).toBe(1);
    }
    expect(err).toEqual([
      `error: ${cut}: truncated ABF file: the synch array (sweep start times) needs bytes 339456-339536 but the file has 100000 bytes; copy the file again from the acquisition computer`,
      `error: ${newer}: unsupported ABF version 3.9.0.0: an "ABF2" file must be version 2.x (this reader supports ABF 1.x and 2.x)`,
    ]);
  });

  it("converts from the command line by class name and alias", async () => {
    const out: string[] = [];
    for (const name of ["AxonIntracellularInterface", "abf"]) {
      const code = await runCli(
        [
          "convert",
          name,
          testdata("abf", "171116sh_0011.abf"),
          "-o",
          join(dir, `cli-${name}.nwb`),
          "--timezone",
          "UTC",
        ],
        { out: (t) => out.push(t), err: (t) => out.push(t) },
      );
      expect(code, out.join("\n")).toBe(0);
    }
    expect(out.join("\n")).toContain("VoltageClampSeries");
  });
});
