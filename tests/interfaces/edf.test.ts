/**
 * EDF interfaces through the command line on the four MNE samples and a generated EDF+D file: nwbcheck
 * passes; written samples, per-channel conversion and offset are numpy's decoding per the EDF specification;
 * streams per rate (channels with different offsets in volts), neural and non-neural signals apart,
 * duplicate labels kept apart, sub-second start, EDF+ subject fields, annotations as events and intervals.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { writeEdfPlus } from "../formats/edf/generator.js";
import { numpyAvailable, numpyReadEdf, type OracleSignal } from "../formats/edf/oracle.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "edf-cli-"));
const io = { out: () => {}, err: () => {}, progress: false };
const FILES = [
  "test.bdf",
  "test_edf_stim_channel.edf",
  "test_uneven_samp.edf",
  "duplicate_channel_labels.edf",
];
const GENERATED = join(dir, "generated.edf");
const output = (name: string) => join(dir, `${name}.nwb`);

const READ_BACK = `
import json, sys, h5py
f = h5py.File(sys.argv[1], "r")
a = f["acquisition"]
out = {"start": f["session_start_time"][()].decode(), "series": {}, "electrodes": f["general/extracellular_ephys/electrodes/channel_name"][:].astype(str).tolist() if "extracellular_ephys" in f["general"] else []}
for name in a:
  s = a[name]
  d = s["data"]
  out["series"][name] = {"type": s.attrs["neurodata_type"], "data": d[:].tolist(),
    "conversion": float(d.attrs.get("conversion", 1.0)), "offset": float(d.attrs.get("offset", 0.0)),
    "unit": str(d.attrs.get("unit", "")),
    "channel_conversion": s["channel_conversion"][:].tolist() if "channel_conversion" in s else None,
    "electrodes": s["electrodes"][:].tolist() if "electrodes" in s else None,
    "rate": float(s["starting_time"].attrs["rate"]) if "starting_time" in s else None,
    "starting_time": float(s["starting_time"][()]) if "starting_time" in s else None,
    "timestamps": s["timestamps"][:].tolist() if "timestamps" in s else None}
out["intervals"] = {n: {c: (f["intervals"][n][c][:].astype(str).tolist() if c == "label" else f["intervals"][n][c][:].tolist())
  for c in ("start_time", "stop_time", "label")} for n in f.get("intervals", {})}
if "subject" in f["general"]:
  out["subject"] = {k: (v[()].decode() if isinstance(v[()], bytes) else str(v[()])) for k, v in f["general/subject"].items()}
print(json.dumps(out, default=lambda b: b.decode()))
`;
const readBack = (file: string) => JSON.parse(python(READ_BACK, file));

describe.skipIf(!HAVE)("EDF interface on the real samples (CLI)", () => {
  beforeAll(async () => {
    writeEdfPlus(GENERATED);
    const metadata = join(dir, "m.yaml");
    writeFileSync(metadata, "NWBFile:\n  session_description: EDF test\n");
    const sources = [...FILES.map((f) => [f, testdata("edf/mne", f)]), ["generated.edf", GENERATED]];
    const runs = [
      ...sources.map(([name, source]) => [
        name!.endsWith("stim_channel.edf") || name === "test.bdf" ? "edf-all" : "edf",
        name!,
        source!,
      ]),
      ["EDFAnalogInterface", "analog-only", testdata("edf/mne/test_edf_stim_channel.edf")],
      ["EDFRecordingInterface", "neural-only", testdata("edf/mne/test_edf_stim_channel.edf")],
    ];
    for (const [cls, name, source] of runs) {
      const code = await runCli(["convert", cls!, source!, "-o", output(name!), "--metadata", metadata], io);
      expect(code, name).toBe(0);
    }
  }, 120_000);

  it("passes nwbcheck", (context) => {
    if (!nwbcheckAvailable()) return context.skip();
    const result = nwbcheck(...[...FILES, "generated.edf", "analog-only", "neural-only"].map(output));
    expect(result.passed, result.output).toBe(true);
  });

  it("writes the stored samples with the header's scaling to volts", (context) => {
    if (!numpyAvailable()) return context.skip();
    const [bdf, stim] = numpyReadEdf([
      testdata("edf/mne/test.bdf"),
      testdata("edf/mne/test_edf_stim_channel.edf"),
    ]);
    const written = readBack(output("test.bdf"));
    // 72 EEG channels in µV with one scaling; 'Status' (dimension 'Boolean') is a TimeSeries in its own unit
    const eeg = written.series.ElectricalSeries;
    const gain = (s: OracleSignal) => (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin);
    expect(eeg.data.map((row: number[]) => row[5])).toEqual(bdf!.signals[5]!.digital);
    expect((eeg.channel_conversion?.[5] ?? 1) * eeg.conversion).toBeCloseTo(
      gain(bdf!.signals[5]!) * 1e-6,
      15,
    );
    const offset = bdf!.signals[0]!.physicalMin - bdf!.signals[0]!.digitalMin * gain(bdf!.signals[0]!);
    expect(eeg.offset).toBeCloseTo(offset * 1e-6, 15);
    expect(eeg.rate).toBe(2048);
    const status = bdf!.signals[72]!;
    expect(written.series.TimeSeriesStatus.data.flat()).toEqual(status.digital);
    expect(written.series.TimeSeriesStatus.unit).toBe(status.dimension);
    // per-channel DC offsets: the 20 EEG channels in one series, in volts (float32), as decoded per the spec
    const stimWritten = readBack(output("test_edf_stim_channel.edf"));
    const neural = stim!.signals.filter((sig) => sig.label.startsWith("EEG") || sig.label.startsWith("REF"));
    const series = stimWritten.series.ElectricalSeries;
    expect(neural).toHaveLength(20);
    expect(series.data[0]).toHaveLength(20);
    expect([series.conversion, series.offset, series.channel_conversion, series.rate]).toEqual([
      1,
      0,
      null,
      128,
    ]);
    neural.forEach((sig, c) => {
      const volts = sig.digital.map((d) => ((d - sig.digitalMin) * gain(sig) + sig.physicalMin) * 1e-6);
      const written = series.data.map((row: number[]) => row[c]!);
      expect(
        written.every(
          (v: number, t: number) => Math.abs(v - volts[t]!) <= Math.abs(volts[t]!) * 1e-7 + 1e-12,
        ),
      ).toBe(true);
      expect(
        written
          .slice(0, 50)
          .every(
            (v: number, t: number) => Math.abs(v - sig.physical[t]! * 1e-6) <= Math.abs(v) * 1e-7 + 1e-12,
          ),
      ).toBe(true);
    });
    // ECG, EOG and the trigger line are not neural: TimeSeries of the stored integers with their scaling
    for (const label of ["ECG ECG1", "EOG VEOG_I", "DIG DTRIG"]) {
      const sig = stim!.signals.find((x) => x.label === label)!;
      const aux = stimWritten.series[`TimeSeries${label.replace(/[^A-Za-z0-9]+/g, "")}`];
      expect(aux.type, label).toBe("TimeSeries");
      expect(aux.data.flat()).toEqual(sig.digital);
      expect(aux.conversion).toBeCloseTo(gain(sig), 12);
      expect(aux.offset).toBeCloseTo(sig.physicalMin - sig.digitalMin * gain(sig), 6);
      expect(aux.unit).toBe("uV");
    }
    expect(Object.keys(stimWritten.series).sort()).toEqual(
      [
        "ElectricalSeries",
        ...["ECGECG1", "ECGECG2", "EOGVEOGI", "EOGVEOGII", "DIGDTRIG"].map((n) => `TimeSeries${n}`),
      ].sort(),
    );
    // each interface alone writes its half
    expect(Object.keys(readBack(output("analog-only")).series)).toHaveLength(5);
    expect(Object.keys(readBack(output("neural-only")).series)).toEqual(["ElectricalSeries"]);
  });

  it("writes one stream per rate, keeps duplicate labels apart, and reads EDF+ fields", (context) => {
    if (!numpyAvailable()) return context.skip();
    const uneven = readBack(output("test_uneven_samp.edf"));
    expect(uneven.series.ElectricalSeries100Hz.rate).toBe(100);
    expect(uneven.series.ElectricalSeries12p8Hz.rate).toBe(12.8);
    expect(uneven.series.ElectricalSeries12p8Hz.data).toHaveLength(11 * 128);
    const duplicate = readBack(output("duplicate_channel_labels.edf"));
    expect(duplicate.electrodes).toEqual(["EEG F1-Ref", "EEG F2-Ref", "EEG F1-Ref"]);
    expect(duplicate.series.ElectricalSeries.electrodes).toEqual([0, 1, 2]);
    const [oracle] = numpyReadEdf([GENERATED]);
    const generated = readBack(output("generated.edf"));
    expect(generated.start).toMatch(/^2002-03-02T15:30:00\.25/);
    const eeg = generated.series.ElectricalSeries;
    expect(eeg.data.map((r: number[]) => r[0])).toEqual(oracle!.signals[0]!.digital);
    expect((eeg.channel_conversion?.[0] ?? 1) * eeg.conversion).toBeCloseTo((-200 / 4095) * 1e-6, 15);
    // records at 0.25, 1.25 and 3.25 s after the whole-second header time; times count from the first
    expect(eeg.timestamps.slice(0, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(eeg.timestamps[8]).toBe(3);
    // "Stim" lasts 0.2 s: an interval; "Lights off" has no duration: an event
    expect(oracle!.annotations.filter((a) => a[2] !== "")).toEqual([
      [0.5, 0.2, "Stim"],
      [3.5, null, "Lights off"],
    ]);
    expect(generated.series.EventsAnnotations.data).toEqual(["Lights off"]);
    expect(generated.series.EventsAnnotations.timestamps).toEqual([3.25]);
    expect(generated.intervals.EDFAnnotationIntervals).toEqual({
      start_time: [0.25],
      stop_time: [0.45],
      label: ["Stim"],
    });
    expect(generated.subject).toMatchObject({ subject_id: "MCH-0234567", sex: "F" });
    expect(generated.subject.date_of_birth).toMatch(/^1951-05-02/);
  });
});
