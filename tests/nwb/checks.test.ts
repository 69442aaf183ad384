import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BackendConfigurationError,
  type ChunkSource,
  Container,
  checkNwbfile,
  configureAndWriteNwbfile,
  Device,
  DynamicTable,
  ElectrodeGroup,
  getDefaultBackendConfiguration,
  isNeuroconvError,
  NWBFile,
  NWBValidationError,
  ndarray,
  OutputPathError,
  TimeSeries,
} from "../../src/index.js";
import { DatasetNode } from "../../src/nwb/containers/node.js";

function minimalFile(): NWBFile {
  return new NWBFile({ session_description: "checks", session_start_time: "2024-01-01T12:00:00+01:00" });
}

function problemsOf(nwbfile: NWBFile): string[] {
  try {
    checkNwbfile(nwbfile);
  } catch (error) {
    if (error instanceof NWBValidationError)
      return error.problems.map((p) => `${p.objectPath} ${p.field}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("pre-write checks name the object and the field", () => {
  it("accepts a minimal file", () => {
    expect(problemsOf(minimalFile())).toEqual([]);
  });

  it("reports a missing required dataset and a missing required attribute", () => {
    const nwbfile = minimalFile();
    const site = new Container("OptogeneticStimulusSite", "site");
    site.setDataset("location", "CA1");
    nwbfile.generalSection("optogenetics").add(site);
    const problems = problemsOf(nwbfile);
    expect(problems).toContain("/general/optogenetics/site description: required dataset is missing; add it");
    expect(problems).toContain(
      "/general/optogenetics/site excitation_lambda: required dataset is missing; add it",
    );
    expect(problems).toContain("/general/optogenetics/site device: required link is missing; add it");
  });

  it("reports a wrong dtype and a wrong shape", () => {
    const nwbfile = minimalFile();
    const series = new TimeSeries({ name: "ts", data: [1, 2], unit: "s", rate: 1 });
    series.data.setAttribute("conversion", "ten");
    nwbfile.addAcquisition(series);
    const bad = new TimeSeries({
      name: "deep",
      data: ndarray(new Float64Array(1), [1, 1, 1, 1, 1]),
      unit: "s",
      rate: 1,
    });
    nwbfile.addAcquisition(bad);
    const problems = problemsOf(nwbfile);
    expect(problems).toContain(
      "/acquisition/ts/data @conversion: dtype utf8 does not match the schema's float32",
    );
    expect(
      problems.some((p) => p.startsWith("/acquisition/deep/data data: shape [1,1,1,1,1] does not match")),
    ).toBe(true);
  });

  it("reports an object the schema does not allow, and a link to an object outside the file", () => {
    const nwbfile = minimalFile();
    nwbfile.subgroup("general").add(new DatasetNode("favourite_color", "blue"));
    const device = new Device({ name: "not-added" });
    nwbfile.addElectrodeGroup(new ElectrodeGroup({ name: "g", description: "", location: "CA1", device }));
    const problems = problemsOf(nwbfile);
    expect(
      problems.some((p) => p.startsWith("/general/favourite_color favourite_color: dataset is not allowed")),
    ).toBe(true);
    expect(problems).toContain(
      "/general/extracellular_ephys/g/device link: points to 'not-added', which is not part of this file; add it to the file first",
    );
  });

  it("rejects a TimeSeries with both rate and timestamps", () => {
    expect(() => new TimeSeries({ name: "x", data: [1], unit: "s", rate: 1, timestamps: [0] })).toThrow(
      /either rate .* or timestamps/,
    );
  });
});

describe("backend configuration edits", () => {
  const source: ChunkSource = {
    dtype: "int16",
    shape: [1000, 4],
    readRows: (start, end) => new Int16Array((end - start) * 4),
  };
  const fileWithSeries = () => {
    const nwbfile = minimalFile();
    nwbfile.addAcquisition(new TimeSeries({ name: "ts", data: source, unit: "V", rate: 100 }));
    return nwbfile;
  };

  it("rejects a chunk larger than the data, naming the dataset", async () => {
    const nwbfile = fileWithSeries();
    const configuration = getDefaultBackendConfiguration(nwbfile);
    configuration.datasetConfigurations["acquisition/ts/data"]!.chunkShape = [2000, 4];
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-cfg-"));
    const error = await configureAndWriteNwbfile(nwbfile, {
      nwbfilePath: join(dir, "x.nwb"),
      backendConfiguration: configuration,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendConfigurationError);
    expect((error as Error).message).toBe(
      "backend configuration of dataset 'acquisition/ts/data': chunk shape [2000,4] is larger than the data [1000,4] on axis 0",
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("rejects an unknown codec and a bad gzip level", async () => {
    const nwbfile = fileWithSeries();
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-cfg-"));
    const configuration = getDefaultBackendConfiguration(nwbfile);
    const ts = configuration.datasetConfigurations["acquisition/ts/data"]!;
    ts.filters = [{ codec: "blosc" }];
    await expect(
      configureAndWriteNwbfile(nwbfile, {
        nwbfilePath: join(dir, "x.nwb"),
        backendConfiguration: configuration,
      }),
    ).rejects.toThrow(
      "backend configuration of dataset 'acquisition/ts/data': unknown codec 'blosc'; registered: shuffle, gzip",
    );
    ts.filters = [{ codec: "gzip", options: { level: 12 } }];
    await expect(
      configureAndWriteNwbfile(nwbfile, {
        nwbfilePath: join(dir, "x.nwb"),
        backendConfiguration: configuration,
      }),
    ).rejects.toThrow("gzip level must be an integer from 0 to 9, got 12");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("write safety", () => {
  it("refuses to overwrite without overwrite: true and keeps the existing file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-safe-"));
    const path = join(dir, "existing.nwb");
    writeFileSync(path, "precious");
    const error = await configureAndWriteNwbfile(minimalFile(), { nwbfilePath: path }).catch(
      (e: unknown) => e,
    );
    expect(isNeuroconvError(error, "OutputPathError")).toBe(true);
    expect((error as Error).message).toContain("the file already exists; pass overwrite: true");
    expect(readFileSync(path, "utf8")).toBe("precious");
    await configureAndWriteNwbfile(minimalFile(), { nwbfilePath: path, overwrite: true });
    expect(readFileSync(path).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
  });

  it("rejects a directory and a missing parent before any work", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-safe-"));
    mkdirSync(join(dir, "folder.nwb"));
    await expect(
      configureAndWriteNwbfile(minimalFile(), { nwbfilePath: join(dir, "folder.nwb") }),
    ).rejects.toThrow(OutputPathError);
    await expect(
      configureAndWriteNwbfile(minimalFile(), { nwbfilePath: join(dir, "missing", "x.nwb") }),
    ).rejects.toThrow(/the folder '.*missing' does not exist; create it first/);
  });

  it("leaves nothing behind when the source fails mid-write", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-safe-"));
    const failing: ChunkSource = {
      dtype: "int16",
      shape: [100_000, 64],
      readRows(start, end) {
        if (start > 0) throw new Error("disk unplugged");
        return new Int16Array((end - start) * 64);
      },
    };
    const nwbfile = minimalFile();
    nwbfile.addAcquisition(new TimeSeries({ name: "ts", data: failing, unit: "V", rate: 100 }));
    const configuration = getDefaultBackendConfiguration(nwbfile);
    const ts = configuration.datasetConfigurations["acquisition/ts/data"]!;
    ts.chunkShape = [1000, 64];
    ts.bufferShape = [10_000, 64];
    const path = join(dir, "out.nwb");
    await expect(
      configureAndWriteNwbfile(nwbfile, { nwbfilePath: path, backendConfiguration: configuration }),
    ).rejects.toThrow("disk unplugged");
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("DynamicTable", () => {
  it("adds 100 000 rows in linear time (columnar)", () => {
    const time = (rows: number) => {
      const table = new DynamicTable({ name: "t", description: "rows" });
      table.addColumn({ name: "a", description: "a" });
      table.addColumn({ name: "b", description: "b", index: true });
      const started = performance.now();
      for (let i = 0; i < rows; i++) table.addRow({ a: i, b: [i, i + 1] });
      expect(table.length).toBe(rows);
      return performance.now() - started;
    };
    // the fastest of a few runs: other processes on a busy machine only ever add time
    const fastest = (rows: number) => Math.min(time(rows), time(rows), time(rows));
    time(10_000); // warm up
    const small = fastest(10_000);
    const large = fastest(100_000);
    // linear: 10x the rows costs about 10x; quadratic appends would cost about 100x
    expect(large / Math.max(small, 0.5)).toBeLessThan(40);
  });

  it("reads back rows, and refuses a row that lacks a column", () => {
    const table = new DynamicTable({ name: "t", description: "rows" });
    table.addColumn({ name: "label", description: "label" });
    table.addColumn({ name: "spikes", description: "spike times", index: true });
    table.addRow({ label: "x", spikes: [1, 2] });
    table.addRow({ label: "y", spikes: [] });
    expect(table.columns.get("spikes")!.row(0)).toEqual([1, 2]);
    expect(table.columns.get("spikes")!.row(1)).toEqual([]);
    expect(() => table.addRow({ label: "z" })).toThrow(
      "row 2 of table 't' lacks a value for column 'spikes'",
    );
    expect(() => table.addRow({ label: "z", spikes: [], extra: 1 })).toThrow(
      "table 't' has no column 'extra'; add it first",
    );
  });
});
