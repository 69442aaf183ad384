/**
 * Every numeric attribute and dataset we write has at least the precision pynwb gives the same object: our
 * conversions of three real samples are compared, object by object, with NeuroConv's reference files (h5py).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AudioInterface,
  DeepLabCutInterface,
  IntanRecordingInterface,
  PhySortingInterface,
  SpikeGLXRecordingInterface,
} from "../../src/index.js";
import { nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

/** Paths (`group/dataset` or `path@attribute`) where ours is narrower than the reference: [path, ours, theirs]. */
const NARROWER = `
import h5py, json, sys
def numeric(path):
    found = {}
    def visit(name, obj):
        if name.startswith("specifications"): return
        if isinstance(obj, h5py.Dataset): found[name] = obj.dtype
        for key, value in obj.attrs.items():
            if hasattr(value, "dtype"): found[f"{name}@{key}"] = value.dtype
    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return {k: d for k, d in found.items() if d.kind in "fiu"}
ours, theirs = numeric(sys.argv[1]), numeric(sys.argv[2])
narrower = []
for key, ref in theirs.items():
    mine = ours.get(key)
    if mine is None: continue
    if ref.kind == "f" and (mine.kind != "f" or mine.itemsize < ref.itemsize): narrower.append([key, str(mine), str(ref)])
    if ref.kind in "iu" and mine.kind in "iu" and mine.itemsize < ref.itemsize: narrower.append([key, str(mine), str(ref)])
print(json.dumps({"compared": sorted(set(ours) & set(theirs)), "narrower": narrower}))
`;

const metadata = { NWBFile: { session_start_time: "2020-01-01T00:00:00Z" } };
const cases = [
  {
    name: "SpikeGLX AP",
    reference: "spikeglx/reference_neuroconv/Noise4Sam_g0_t0.imec0.ap.nwb",
    mustCompare: [
      "acquisition/ElectricalSeriesAP/starting_time@rate",
      "acquisition/ElectricalSeriesAP/data@conversion",
      "acquisition/ElectricalSeriesAP/electrodes",
      "general/extracellular_ephys/electrodes/id",
    ],
    convert: (path: string) =>
      new SpikeGLXRecordingInterface({
        filePath: testdata("spikeglx/Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.bin"),
      }).runConversion({ nwbfilePath: path, metadata }),
  },
  {
    name: "Phy",
    reference: "phy/reference_neuroconv/template.phy.nwb",
    mustCompare: ["units/id", "units/spike_times", "units/spike_times_index"],
    convert: (path: string) =>
      new PhySortingInterface({ folderPath: testdata("phy/template") }).runConversion({
        nwbfilePath: path,
        metadata,
      }),
  },
  {
    name: "Intan",
    reference: "intan/reference_neuroconv/sampledata.nwb",
    mustCompare: [
      "acquisition/ElectricalSeries/starting_time@rate",
      "acquisition/ElectricalSeries/data@conversion",
    ],
    convert: (path: string) =>
      new IntanRecordingInterface({ filePath: testdata("intan/sampledata.rhd") }).runConversion({
        nwbfilePath: path,
        metadata,
      }),
  },
  {
    name: "DeepLabCut",
    reference: "deeplabcut/reference_neuroconv/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb",
    mustCompare: ["processing/behavior/PoseEstimation/dimensions"],
    convert: (path: string) =>
      new DeepLabCutInterface({
        filePath: testdata("deeplabcut/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"),
        configFilePath: testdata("deeplabcut/openfield-Pranav-2018-10-30_config.yaml"),
      }).runConversion({ nwbfilePath: path, metadata }),
  },
  {
    name: "Audio",
    reference: "audio/reference_neuroconv/usv_250kHz_02.nwb",
    mustCompare: [
      "stimulus/presentation/AcousticWaveformSeries/data",
      "stimulus/presentation/AcousticWaveformSeries/starting_time@rate",
    ],
    convert: (path: string) =>
      new AudioInterface({ filePaths: [testdata("audio/usv_250kHz/02.wav")] }).runConversion({
        nwbfilePath: path,
        metadata,
      }),
  },
];

describe.skipIf(!hasTestdata() || !nwbcheckAvailable())("dtypes against NeuroConv's reference files", () => {
  for (const { name, reference, convert, mustCompare } of cases) {
    it(`${name}: nothing narrower than pynwb wrote`, async () => {
      const path = join(mkdtempSync(join(tmpdir(), "neuroconv-refdtypes-")), "out.nwb");
      await convert(path);
      const result = JSON.parse(python(NARROWER, path, testdata(reference)));
      expect(result.compared).toEqual(expect.arrayContaining(mustCompare));
      expect(result.narrower).toEqual([]);
    }, 120_000);
  }
});
