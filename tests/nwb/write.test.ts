import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  configureAndWriteNwbfile,
  formatBackendConfiguration,
  getDefaultBackendConfiguration,
  hdf5Backend,
} from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { skipTest } from "../helpers/testdata.js";
import { buildAllTypesFile, countingSource, N_CHANNELS, N_FRAMES, sample } from "./allTypes.js";

const dir = mkdtempSync(join(tmpdir(), "neuroconv-write-"));
writeFileSync(join(dir, "video.avi"), ""); // the ImageSeries' external file, relative to the NWB file
const path = join(dir, "all_types.nwb");
const source = countingSource();
const progress: number[] = [];

describe("writing an NWB file with every helper type", () => {
  beforeAll(async () => {
    const nwbfile = buildAllTypesFile(source);
    expect(source.reads).toBe(0); // building the file reads nothing
    await configureAndWriteNwbfile(nwbfile, {
      nwbfilePath: path,
      onProgress: (p) => progress.push(p.bytesWritten),
    });
  });

  it("passes nwbcheck (strict official schema and layout)", () => {
    if (!nwbcheckAvailable()) skipTest("nwbcheck (Debian h5py) cannot run here");
    const result = nwbcheck(path);
    expect(result.output).toContain("RESULT PASS");
    expect(result.passed, result.output).toBe(true);
  });

  it("reads the lazy source only during the write, and reports progress", () => {
    expect(source.reads).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBeGreaterThanOrEqual(N_FRAMES * N_CHANNELS * 2);
  });

  it("reads back the same samples, timing and metadata with our reader", async () => {
    const file = await hdf5Backend.open(path);
    try {
      const data = file.readDataset("/acquisition/ElectricalSeries/data") as Int16Array;
      expect(data.length).toBe(N_FRAMES * N_CHANNELS);
      for (const [t, c] of [
        [0, 0],
        [1, 3],
        [4321, 7],
        [N_FRAMES - 1, N_CHANNELS - 1],
      ] as const) {
        expect(data[t * N_CHANNELS + c]).toBe(sample(t, c));
      }
      expect(file.getAttribute("/acquisition/ElectricalSeries/data", "conversion")).toBeCloseTo(
        2.34375e-6,
        12,
      );
      expect(file.getAttribute("/acquisition/ElectricalSeries/data", "unit")).toBe("volts");
      expect(file.readDataset("/acquisition/ElectricalSeries/starting_time")).toBe(1.5);
      expect(file.getAttribute("/acquisition/ElectricalSeries/starting_time", "rate")).toBe(30000);
      expect(file.readDataset("/session_start_time")).toBe("2024-03-01T10:00:00.250-08:00");
      expect(file.readDataset("/general/lab")).toBe("Ünïcode lab µ");
      expect(file.getAttribute("/", "nwb_version")).toBe("2.7.0");
      expect(file.getAttribute("/acquisition/ElectricalSeries", "object_id")).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect([...(file.readDataset("/units/spike_times") as Float64Array)]).toEqual([0.1, 0.2, 0.3, 0.5]);
      expect([...(file.readDataset("/units/spike_times_index") as Uint32Array)]).toEqual([3, 4]);
      expect(file.readDataset("/units/quality")).toEqual(["good", "mua"]);
    } finally {
      file.close();
    }
  });

  it("opens in Debian's h5py (HDF5 1.10) with the same values", () => {
    if (!nwbcheckAvailable()) skipTest("nwbcheck (Debian h5py) cannot run here");
    const out = python(
      `
import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
es = f["acquisition/ElectricalSeries"]
d = es["data"]
e = f["general/extracellular_ephys/electrodes"]
print(json.dumps({
  "shape": list(d.shape), "dtype": str(d.dtype), "chunks": list(d.chunks), "compression": d.compression,
  "level": d.compression_opts, "shuffle": d.shuffle, "corner": int(d[4321, 7]), "last": int(d[-1, -1]),
  "electrodes_table": f[es["electrodes"].attrs["table"]].name,
  "group_ref": f[e["group"][0]].name, "rel_y": [float(v) for v in e["rel_y"][:]],
  "channel_name": [v.decode() for v in e["channel_name"][:]],
  "trials_correct": [int(v) for v in f["intervals/trials/correct"][:]],
  "epoch_tags": [v.decode() for v in f["intervals/epochs/tags"][:]],
  "pixel_mask": [[int(r["x"]), int(r["y"]), float(r["weight"])] for r in f["processing/ophys/ImageSegmentation/PlaneSegmentation/pixel_mask"][:]],
  "image_mask_shape": list(f["processing/ophys/ImageSegmentation/PlaneSegmentation/image_mask"].shape),
  "order_of_images": [f[r].name for r in f["processing/ophys/summary_images/order_of_images"][:]],
  "specloc": f[f.attrs[".specloc"]].name,
  "device_link": f["general/extracellular_ephys/shank0"].get("device", getlink=True).path,
  "session_start_time": f["session_start_time"][()].decode(),
}))
`,
      path,
    );
    const r = JSON.parse(out);
    expect(r.shape).toEqual([N_FRAMES, N_CHANNELS]);
    expect(r.dtype).toBe("int16");
    expect(r.compression).toBe("gzip");
    expect(r.level).toBe(4);
    expect(r.shuffle).toBe(true);
    expect(r.chunks).toEqual([N_FRAMES, N_CHANNELS]);
    expect(r.corner).toBe(sample(4321, 7));
    expect(r.last).toBe(sample(N_FRAMES - 1, N_CHANNELS - 1));
    expect(r.electrodes_table).toBe("/general/extracellular_ephys/electrodes");
    expect(r.group_ref).toBe("/general/extracellular_ephys/shank0");
    expect(r.rel_y).toEqual([0, 20, 40, 60, 80, 100, 120, 140]);
    expect(r.channel_name).toEqual(["AP0", "AP1", "AP2", "AP3", "AP4", "AP5", "AP6", "AP7"]);
    expect(r.trials_correct).toEqual([1, 0]);
    expect(r.epoch_tags).toEqual(["baseline", "dark"]);
    expect(r.pixel_mask).toEqual([
      [0, 0, 1],
      [1, 1, 0.5],
      [2, 2, 1],
    ]);
    expect(r.image_mask_shape).toEqual([2, 6, 5]);
    expect(r.order_of_images).toEqual([
      "/processing/ophys/summary_images/mean",
      "/processing/ophys/summary_images/rgb",
    ]);
    expect(r.specloc).toBe("/specifications");
    expect(r.device_link).toBe("/general/devices/probe");
    expect(r.session_start_time).toBe("2024-03-01T10:00:00.250-08:00");
  });
});

describe("default backend configuration", () => {
  it("chunks ElectricalSeries data as (frames, min(64, channels)) with shuffle and gzip 4", () => {
    const config = getDefaultBackendConfiguration(buildAllTypesFile(countingSource(1_000_000, 384)));
    const es = config.datasetConfigurations["acquisition/ElectricalSeries/data"]!;
    expect(es.chunkShape[1]).toBe(64);
    // about 10 MB, capped so that one stripe across 384 channels fits a 48 MiB buffer: 48 MiB / 768 B
    expect(es.chunkShape[0]).toBe(65536);
    expect(es.bufferShape[0]).toBe(65536);
    expect(es.bufferShape[1]).toBe(384);
    expect(es.bufferShape[0]! % es.chunkShape[0]!).toBe(0);
    expect(es.filters).toEqual([{ codec: "shuffle" }, { codec: "gzip", options: { level: 4 } }]);
    const printed = formatBackendConfiguration(config);
    expect(printed).toContain(
      "  acquisition/ElectricalSeries/data\n    dtype int16, full shape [1000000, 384] (768.00 MB)",
    );
    expect(printed).toContain(
      "    chunk shape [65536, 64] (8.39 MB)\n    buffer shape [65536, 384] (50.33 MB)\n    filters shuffle → gzip(level=4)",
    );
    const movie = config.datasetConfigurations["acquisition/TwoPhotonSeries/data"]!;
    expect(movie.chunkShape).toEqual([10, 6, 5]); // whole frames
  });
});
