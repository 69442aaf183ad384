/**
 * Every attribute and dataset we write has at least the dtype pynwb gives the same object: our conversions of
 * real samples are compared, object by object, with NeuroConv's reference files (h5py). Same kind (text stays
 * text, numbers stay numbers, integers are not written as floats), and never narrower (float64 >= float32,
 * int64 >= int32; signed and unsigned integers are one kind: Intan's uint16 samples are stored shifted to int16,
 * as lossless as NeuroConv's uint16 with an offset). NeuroConv's empty arrays (an empty `colnames` is float64 there) say nothing and are skipped.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AudioInterface,
  CaimanSegmentationInterface,
  DeepLabCutInterface,
  ExtractSegmentationInterface,
  IntanRecordingInterface,
  MiniscopeConverter,
  OpenEphysRecordingInterface,
  PhySortingInterface,
  SpikeGLXRecordingInterface,
  Suite2pSegmentationInterface,
  TiffImagingInterface,
} from "../../src/index.js";
import { nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

/** Objects (`group/dataset` or `path@attribute`) whose dtype is narrower or of another kind: [path, ours, theirs]. */
const NARROWER = `
import h5py, json, sys
def dtypes(path):
    found = {}
    def note(name, value):
        if isinstance(value, (str, bytes)): found[name] = h5py.string_dtype()
        elif hasattr(value, "dtype") and getattr(value, "size", 1) > 0: found[name] = value.dtype
    def visit(name, obj):
        if name.startswith("specifications"): return
        if isinstance(obj, h5py.Dataset) and obj.size > 0: found[name] = obj.dtype
        for key, value in obj.attrs.items(): note(f"{name}@{key}", value)
    with h5py.File(path, "r") as f:
        f.visititems(visit)
        for key, value in f.attrs.items(): note(f"@{key}", value)
    return found
def kind(d):
    if h5py.check_ref_dtype(d) is not None: return "reference"
    if h5py.check_string_dtype(d) is not None or d.kind in "SU": return "text"
    if h5py.check_enum_dtype(d) is not None or d.kind == "b": return "bool"
    if d.names: return "compound"
    return "integer" if d.kind in "iu" else d.kind
ours, theirs = dtypes(sys.argv[1]), dtypes(sys.argv[2])
narrower = []
for key, ref in theirs.items():
    mine = ours.get(key)
    if mine is None: continue
    if kind(mine) != kind(ref) or (kind(ref) in ("f", "integer") and mine.itemsize < ref.itemsize):
        narrower.append([key, str(mine), str(ref)])
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
  {
    name: "Open Ephys",
    reference: "openephys_binary/reference_neuroconv/v0.6.0_neuropixels_clipped.nwb",
    mustCompare: [
      "acquisition/ElectricalSeries0/starting_time@rate",
      "general/extracellular_ephys/electrodes/rel_x",
      "general/extracellular_ephys/electrodes/channel_name",
    ],
    convert: (path: string) =>
      new OpenEphysRecordingInterface({
        folderPath: testdata("openephys_binary/v0.6.0_neuropixels_clipped"),
      }).runConversion({ nwbfilePath: path, metadata }),
  },
  {
    name: "TIFF",
    reference: "tiff/reference_neuroconv/fissa_AVG_A01.nwb",
    mustCompare: [
      "acquisition/TwoPhotonSeries/data",
      "acquisition/TwoPhotonSeries/starting_time@rate",
      "general/optophysiology/ImagingPlane/excitation_lambda",
    ],
    convert: (path: string) =>
      new TiffImagingInterface({
        filePath: testdata("tiff/fissa_AVG_A01.tif"),
        samplingFrequency: 30,
      }).runConversion({ nwbfilePath: path, metadata }),
  },
  {
    name: "Suite2p",
    reference: "suite2p/reference_neuroconv/fissa_example.nwb",
    mustCompare: [
      "processing/ophys/ImageSegmentation/PlaneSegmentation/Accepted",
      "processing/ophys/Fluorescence/RoiResponseSeries/starting_time@rate",
      "processing/ophys/SegmentationImages/mean",
      "processing/ophys/SegmentationImages/correlation",
    ],
    convert: (path: string) =>
      new Suite2pSegmentationInterface({
        folderPath: testdata("suite2p/fissa_example/suite2p"),
      }).runConversion({
        nwbfilePath: path,
        metadata,
      }),
  },
  {
    name: "Miniscope",
    reference: "miniscope/reference_neuroconv/C6-J588_Disc5.MiniscopeConverter.nwb",
    mustCompare: [
      "acquisition/BehavCamImageSeries/dimension",
      "acquisition/BehavCamImageSeries/external_file@starting_frame",
      "acquisition/OnePhotonSeries/timestamps@interval",
      "general/devices/Miniscope@framesPerFile",
      "general/devices/BehavCam2/ROI",
    ],
    convert: (path: string) =>
      new MiniscopeConverter({ folderPath: testdata("miniscope/C6-J588_Disc5") }).runConversion({
        nwbfilePath: path,
        metadata,
      }),
  },
  {
    name: "EXTRACT",
    reference: "extract/reference_neuroconv/extract_public_output.nwb",
    mustCompare: ["processing/ophys/SegmentationImages/max_image"],
    convert: (path: string) =>
      new ExtractSegmentationInterface({
        filePath: testdata("extract/extract_public_output.mat"),
        samplingFrequency: 15,
      }).runConversion({ nwbfilePath: path, metadata }),
  },
  {
    name: "CaImAn",
    reference: "caiman/reference_neuroconv/caiman_analysis.nwb",
    mustCompare: [
      "processing/ophys/ImageSegmentation/PlaneSegmentation/id",
      "processing/ophys/Fluorescence/Deconvolved/data",
    ],
    convert: (path: string) =>
      new CaimanSegmentationInterface({ filePath: testdata("caiman/caiman_analysis.hdf5") }).runConversion({
        nwbfilePath: path,
        metadata,
      }),
  },
];

describe.skipIf(!hasTestdata() || !nwbcheckAvailable())("dtypes against NeuroConv's reference files", () => {
  for (const { name, reference, convert, mustCompare } of cases) {
    it(`${name}: nothing narrower than pynwb wrote, no kind changed`, async () => {
      const path = join(mkdtempSync(join(tmpdir(), "neuroconv-refdtypes-")), "out.nwb");
      await convert(path);
      const result = JSON.parse(python(NARROWER, path, testdata(reference)));
      expect(result.compared).toEqual(expect.arrayContaining(mustCompare));
      expect(result.narrower).toEqual([]);
    }, 120_000);
  }
});
