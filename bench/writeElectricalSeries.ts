/**
 * Benchmark: stream a large int16 ElectricalSeries from a lazy source into a gzip-4 NWB file.
 *
 *   npm run bench                            # 0.2 GB and 2 GB, each in a fresh process, plus h5py
 *   npm run bench -- --gb 0.2 --gb 20        # other sizes
 *
 * It runs compiled JavaScript under plain node: tsx's loader alone adds about 600 MB of RSS when h5wasm
 * loads, which would hide the writer's own memory use.
 *
 * Reports MB/s (uncompressed input per second) and peak RSS. Each size runs in its own process so that
 * peak RSS is per size and shows whether memory grows with the input.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  configureAndWriteNwbfile,
  Device,
  ElectricalSeries,
  ElectrodeGroup,
  getDefaultBackendConfiguration,
  NWBFile,
} from "../src/index.js";
import { syntheticRecording } from "./syntheticRecording.js";

const CHANNELS = 384;

function buildFile(frames: number): NWBFile {
  const nwbfile = new NWBFile({
    session_description: "benchmark",
    session_start_time: "2024-01-01T00:00:00Z",
  });
  const device = nwbfile.addDevice(new Device({ name: "probe" }));
  const group = nwbfile.addElectrodeGroup(
    new ElectrodeGroup({ name: "probe", description: "", location: "unknown", device }),
  );
  for (let c = 0; c < CHANNELS; c++) nwbfile.addElectrode({ group });
  const electrodes = nwbfile.createElectrodeRegion([...Array(CHANNELS).keys()], "all");
  nwbfile.addAcquisition(
    new ElectricalSeries({
      name: "ElectricalSeries",
      data: syntheticRecording(frames, CHANNELS),
      electrodes,
      rate: 30000,
    }),
  );
  return nwbfile;
}

async function child(gb: number): Promise<void> {
  const frames = Math.round((gb * 1e9) / (CHANNELS * 2));
  const dir = mkdtempSync(join(tmpdir(), "neuroconv-bench-"));
  const path = join(dir, "bench.nwb");
  const nwbfile = buildFile(frames);
  const es =
    getDefaultBackendConfiguration(nwbfile).datasetConfigurations["acquisition/ElectricalSeries/data"]!;
  const started = performance.now();
  await configureAndWriteNwbfile(nwbfile, { nwbfilePath: path });
  const seconds = (performance.now() - started) / 1000;
  const result = {
    gb,
    frames,
    seconds,
    mbPerSecond: (frames * CHANNELS * 2) / 1e6 / seconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    fileMB: statSync(path).size / 1e6,
    chunkShape: es.chunkShape,
    bufferShape: es.bufferShape,
  };
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(result));
}

function h5py(frames: number, chunk: number[], buffer: number[]): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "h5py-bench-"));
  try {
    const out = execFileSync(
      "/usr/bin/python3",
      [
        join(process.cwd(), "bench", "h5pyWrite.py"),
        join(dir, "bench.h5"),
        String(frames),
        String(CHANNELS),
        ...chunk.map(String),
        String(buffer[0]),
      ],
      { encoding: "utf8" },
    );
    return JSON.parse(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: {
    gb: { type: "string", multiple: true },
    child: { type: "boolean" },
    "no-h5py": { type: "boolean" },
  },
});
const sizes = (values.gb ?? ["0.2", "2"]).map(Number);
if (values.child) {
  await child(sizes[0]!);
} else {
  console.log(
    `${"input".padEnd(8)} ${"tool".padEnd(10)} ${"seconds".padStart(8)} ${"MB/s".padStart(8)} ${"peak RSS MB".padStart(12)}`,
  );
  for (const gb of sizes) {
    const out = execFileSync(process.execPath, [import.meta.filename, "--child", "--gb", String(gb)], {
      encoding: "utf8",
    });
    const r = JSON.parse(out.trim().split("\n").at(-1)!);
    const row = (tool: string, s: number, mbs: number, rss: number) =>
      console.log(
        `${`${gb} GB`.padEnd(8)} ${tool.padEnd(10)} ${s.toFixed(1).padStart(8)} ${mbs.toFixed(1).padStart(8)} ${rss.toFixed(0).padStart(12)}`,
      );
    row("neuroconv", r.seconds, r.mbPerSecond, r.peakRssMB);
    if (!values["no-h5py"]) {
      const p = h5py(r.frames, r.chunkShape, r.bufferShape);
      row("h5py", p.seconds!, p.mbPerSecond!, p.peakRssMB!);
    }
  }
}
