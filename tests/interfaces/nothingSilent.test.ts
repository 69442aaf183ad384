/**
 * Nothing is dropped or invented silently: sources without data are errors naming the file, missing header
 * fields that change timing or scale fall back with a warning naming the field and the fallback, and
 * metadata names that match nothing are errors listing the known names.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  hdf5Backend,
  IntanConverter,
  IntanDigitalInterface,
  MetadataValidationError,
  OpenEphysRecordingInterface,
  PhySortingInterface,
  SourceDataError,
  SpikeGLXRecordingInterface,
  withWarningHandler,
} from "../../src/index.js";
import { MockRecordingInterface } from "../../src/testing/index.js";
import { makeData, rhdHeader, writeTraditional } from "../formats/intan/generator.js";
import { caught } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-silent-"));
const start = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };
const NOISE4SAM = testdata("spikeglx/Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.bin");
const CLIPPED_RECORDING = testdata(
  "openephys_binary/v0.6.0_neuropixels_clipped/Record Node 104/experiment1/recording1",
);

function collectWarnings<T>(work: () => T | Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  return withWarningHandler(
    (message) => warnings.push(message),
    async () => ({ value: await work(), warnings }),
  );
}

describe("metadata names that match nothing are errors listing the known names", () => {
  const recording = () => new MockRecordingInterface({ durationSeconds: 0.01 });

  it("an ElectrodeGroup entry of no group", async () => {
    const error = await recording()
      .createNwbfile({
        metadata: { Ecephys: { ElectrodeGroup: [{ name: "shank7", description: "d", location: "CA1" }] } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetadataValidationError);
    expect((error as Error).message).toBe(
      "invalid metadata: Ecephys.ElectrodeGroup[0].name 'shank7' matches no electrode group of this conversion; fix the name (known: shank0, shank1)",
    );
  });

  it("a Device no group uses, a group's device that is not listed, and a series key of no series", async () => {
    const error = await recording()
      .createNwbfile({
        metadata: {
          Ecephys: {
            Device: [{ name: "Probe9" }],
            ElectrodeGroup: [{ name: "shank0", description: "d", location: "CA1", device: "Probe8" }],
            ElectricalSeriesAP: { name: "ap" },
          },
        } as never,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetadataValidationError);
    expect((error as MetadataValidationError).problems.map((p) => p.message)).toEqual([
      "Ecephys.Device[0].name 'Probe9' is no device of this conversion and no electrode group uses it; fix the name, or set it as an ElectrodeGroup's device (known: DeviceEcephys)",
      "Ecephys.ElectrodeGroup[0].device 'Probe8' is not listed in Ecephys.Device; add it there or fix the name (known: DeviceEcephys, Probe9)",
      "Ecephys.ElectricalSeriesAP matches no series of this conversion; fix the key (known: ElectricalSeries)",
    ]);
  });

  it("accepts a new device that a group uses, and refines known names", async () => {
    const nwbfile = await recording().createNwbfile({
      metadata: {
        Ecephys: {
          Device: [{ name: "Probe9", description: "a silicon probe" }],
          ElectrodeGroup: [{ name: "shank1", description: "d", location: "CA1", device: "Probe9" }],
          ElectricalSeries: { name: "ElectricalSeries", description: "raw" },
        },
      },
    });
    expect(nwbfile.getElectrodeGroup("shank1")?.getAttributeValue("location")).toBe("CA1");
    expect(nwbfile.getElectrodeGroup("shank0")?.getAttributeValue("location")).toBe("unknown");
    expect(nwbfile.getDevice("Probe9")?.getAttributeValue("description")).toBe("a silicon probe");
  });
});

describe.skipIf(!HAVE)("sources without data are errors naming the file", () => {
  it("a 0-byte SpikeGLX .bin", () => {
    const bin = join(dir, "empty_g0_t0.imec0.ap.bin");
    writeFileSync(bin, "");
    copyFileSync(NOISE4SAM.replace(/\.bin$/, ".meta"), bin.replace(/\.bin$/, ".meta"));
    const error = caught(() => new SpikeGLXRecordingInterface({ filePath: bin }));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toBe(`${bin}: holds no samples (the file is empty); there is nothing to convert`);
  });

  it("an Open Ephys stream whose continuous.dat is empty", () => {
    const folder = join(dir, "oe-empty", "Record Node 104", "experiment1", "recording1");
    mkdirSync(join(dir, "oe-empty", "Record Node 104", "experiment1"), { recursive: true });
    cpSync(CLIPPED_RECORDING, folder, { recursive: true });
    const stream = join(folder, "continuous", "Neuropix-PXI-100.ProbeA-AP");
    writeFileSync(join(stream, "continuous.dat"), "");
    for (const npy of ["sample_numbers.npy", "timestamps.npy"]) rmSync(join(stream, npy), { force: true });
    const error = caught(() => new OpenEphysRecordingInterface({ folderPath: join(dir, "oe-empty") }));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toBe(
      `${join(dir, "oe-empty")}: stream 'Record Node 104#Neuropix-PXI-100.ProbeA-AP' holds no samples in block 0 (experiment 1, recording 1); there is nothing to convert`,
    );
  });

  it("an Intan file without digital lines for IntanDigitalInterface (IntanConverter leaves them out)", async () => {
    const base = rhdHeader();
    const header = { ...base, groups: base.groups.filter((g) => !g.name.startsWith("Board Digital")) };
    const rhd = join(dir, "nodigital.rhd");
    writeTraditional(rhd, header, makeData(header, 2));
    const error = caught(() => new IntanDigitalInterface({ filePath: rhd }));
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toBe(
      `${rhd}: records no board digital inputs or outputs; there is nothing for IntanDigitalInterface to convert`,
    );
    expect(Object.keys(new IntanConverter({ filePath: rhd }).dataInterfaceObjects)).not.toContain("digital");
  });

  it("a Phy folder left without units", () => {
    const folder = join(dir, "phy-all-noise");
    cpSync(testdata("phy/template"), folder, { recursive: true });
    // label every cluster id the folder can hold "noise"
    const ids = readFileSync(join(folder, "cluster_group.tsv"), "utf8");
    expect(ids.split("\n")[0]).toBe("cluster_id\tgroup");
    const rows = Array.from({ length: 200 }, (_, id) => `${id}\tnoise`);
    writeFileSync(join(folder, "cluster_group.tsv"), `cluster_id\tgroup\n${rows.join("\n")}\n`);
    const error = caught(
      () => new PhySortingInterface({ folderPath: folder, excludeClusterGroups: ["noise"] }),
    );
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toBe(
      `${folder}: every cluster was excluded (excludeClusterGroups: ["noise"]; 62 clusters found), so there are no units to convert; relax the filter`,
    );
  });
});

describe.skipIf(!HAVE)("missing header fields that change timing fall back with a warning", () => {
  it("a SpikeGLX .meta without firstSample: starting time 0, and a warning naming the field", async () => {
    const bin = join(dir, "nofirst_g0_t0.imec0.ap.bin");
    copyFileSync(NOISE4SAM, bin);
    const meta = readFileSync(NOISE4SAM.replace(/\.bin$/, ".meta"), "utf8");
    expect(meta).toMatch(/^firstSample=\d+$/m);
    writeFileSync(bin.replace(/\.bin$/, ".meta"), meta.replace(/^firstSample=.*\r?\n/m, ""));
    const path = join(dir, "nofirst.nwb");
    const { warnings } = await collectWarnings(() =>
      new SpikeGLXRecordingInterface({ filePath: bin }).runConversion({
        nwbfilePath: path,
        metadata: start,
        stubTest: true,
      }),
    );
    expect(warnings).toEqual([
      `${bin.replace(/\.bin$/, ".meta")}: firstSample is missing, so the file's start on the run's clock is unknown; starting_time 0 s is used`,
    ]);
    const file = await hdf5Backend.open(path);
    expect(file.readDataset("/acquisition/ElectricalSeriesAP/starting_time")).toBe(0);
    file.close();
  });

  it("an Open Ephys stream without sample_numbers.npy: sample numbers from 0, and a warning naming the file", async () => {
    const root = join(dir, "oe-nosamples");
    const folder = join(root, "Record Node 104", "experiment1", "recording1");
    mkdirSync(join(root, "Record Node 104", "experiment1"), { recursive: true });
    cpSync(CLIPPED_RECORDING, folder, { recursive: true });
    const stream = join(folder, "continuous", "Neuropix-PXI-100.ProbeA-AP");
    rmSync(join(stream, "sample_numbers.npy"));
    const { value: oe, warnings } = await collectWarnings(
      () => new OpenEphysRecordingInterface({ folderPath: root }),
    );
    expect(oe.stream.startTime).toBe(0);
    expect(warnings).toEqual([
      `${stream}: sample_numbers.npy (or an integer timestamps.npy) is missing, so the first sample number is unknown; sample numbers count from 0 (starting_time 0 s)`,
    ]);
  });
});
