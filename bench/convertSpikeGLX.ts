/**
 * Benchmark (issue 9): convert a SpikeGLX AP recording (Neuropixels 1.0, 385 saved channels, int16) with the
 * command line's defaults, next to Debian's h5py writing the same 384-channel array with
 * the same chunks and gzip level 4, on the same machine in the same run. Each conversion runs in a fresh
 * process (peak RSS per run).
 *
 *   npm run bench                                  # 1 GB with defaults and --jobs 1, h5py; RSS at 0.2 and 6 GB
 *   npm run bench -- --gb 1 --rss-gb 0.2           # other sizes (--rss-gb none: no RSS runs)
 *   npm run bench -- --data real                   # only one kind of samples
 *
 * Two kinds of samples, because the cost of shuffle + deflate depends on them: "synthetic" (uniform white noise
 * of +-32 codes with spikes; no sample predicts the next, the worst case for deflate) and "real" (the real
 * Noise4Sam recording of ../shared/testdata repeated to the size: 38 ms of a Neuropixels 1.0 probe, 890 kB, longer
 * than deflate's 32 kB window, so the repetition creates no matches deflate could exploit).
 * It runs compiled JavaScript under plain node (tsx's loader alone adds hundreds of MB of RSS).
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runCli } from "../src/cli/main.js";
import { getDefaultBackendConfiguration, SpikeGLXRecordingInterface } from "../src/index.js";
import { writeSpikeGLXRun } from "../src/testing/index.js";

const SAVED_CHANNELS = 385;
const AP_CHANNELS = 384;

interface Run {
  readonly seconds: number;
  /** CPU time of the process, all threads (user + system): less sensitive to other jobs than wall time. */
  readonly cpuSeconds: number;
  readonly peakRssMB: number;
  readonly fileMB: number;
}

/** One conversion in this (child) process, printed as JSON. */
async function child(bin: string, jobs: string | undefined): Promise<void> {
  const output = join(mkdtempSync(join(tmpdir(), "neuroconv-bench-out-")), "bench.nwb");
  const quiet = { out: () => {}, err: (t: string) => process.stderr.write(`${t}\n`), progress: false };
  const argv = [
    "convert",
    "spikeglx",
    bin,
    "-o",
    output,
    "--timezone",
    "UTC",
    ...(jobs ? ["--jobs", jobs] : []),
  ];
  const started = performance.now();
  const code = await runCli(argv, quiet);
  if (code !== 0) throw new Error("conversion failed");
  const seconds = (performance.now() - started) / 1000;
  const usage = process.resourceUsage();
  const run: Run = {
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peakRssMB: usage.maxRSS / 1024,
    fileMB: statSync(output).size / 1e6,
  };
  rmSync(output, { force: true });
  console.log(JSON.stringify(run));
}

function lastJson(text: string): Run {
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

function convert(bin: string, jobs?: number): Run {
  const args = [import.meta.filename, "--child", "--bin", bin, ...(jobs ? ["--jobs", String(jobs)] : [])];
  return lastJson(execFileSync(process.execPath, args, { encoding: "utf8" }));
}

async function h5py(bin: string): Promise<Run> {
  // building the in-memory file reads headers only; it gives the chunks and buffer the conversion uses
  const nwbfile = await new SpikeGLXRecordingInterface({ filePath: bin }).createNwbfile({
    metadata: { NWBFile: { session_start_time: "2024-01-01T00:00:00Z" } },
  });
  const configuration = getDefaultBackendConfiguration(nwbfile);
  const data = Object.values(configuration.datasetConfigurations).find(
    (c) => c.location.endsWith("/data") && c.fullShape[1] === AP_CHANNELS,
  )!;
  const out = join(mkdtempSync(join(tmpdir(), "h5py-bench-")), "bench.h5");
  try {
    const args = [bin, out, SAVED_CHANNELS, AP_CHANNELS, ...data.chunkShape, data.bufferShape[0]!].map(
      String,
    );
    return lastJson(
      execFileSync("/usr/bin/python3", [join(process.cwd(), "bench", "h5pySpikeGLX.py"), ...args], {
        encoding: "utf8",
      }),
    );
  } finally {
    rmSync(out, { force: true });
  }
}

const REAL_RECORDING = join(
  process.cwd(),
  "..",
  "shared",
  "testdata",
  "spikeglx",
  "Noise4Sam_g0",
  "Noise4Sam_g0_imec0",
  "Noise4Sam_g0_t0.imec0.ap.bin",
);
type Samples = "synthetic" | "real";

function generate(gb: number, samples: Samples): { dir: string; bin: string } {
  const dir = mkdtempSync(join(tmpdir(), "neuroconv-bench-sglx-"));
  const seconds = (gb * 1e9) / (SAVED_CHANNELS * 2 * 30000);
  const run = writeSpikeGLXRun(dir, { runName: "bench", seconds, withLf: false, withNidq: false });
  const bin = run.files["imec0.ap"]!;
  if (samples === "real") {
    // same size and .meta, the real recording's samples repeated in place of the synthetic ones
    const real = readFileSync(REAL_RECORDING);
    const size = statSync(bin).size;
    const fd = openSync(bin, "r+");
    try {
      for (let offset = 0; offset < size; offset += real.length) {
        writeSync(fd, real, 0, Math.min(real.length, size - offset), offset);
      }
    } finally {
      closeSync(fd);
    }
  }
  return { dir, bin };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

const { values } = parseArgs({
  options: {
    child: { type: "boolean" },
    bin: { type: "string" },
    jobs: { type: "string" },
    gb: { type: "string", default: "1" },
    "rss-gb": { type: "string", multiple: true },
    data: { type: "string", multiple: true },
  },
});
if (values.child) {
  await child(values.bin!, values.jobs);
} else {
  const gb = Number(values.gb);
  console.log(`${availableParallelism()} cores; load average (1/5/15 min) at start: ${load()}`);
  for (const samples of (values.data ?? ["synthetic", "real"]) as Samples[]) {
    const { dir, bin } = generate(gb, samples);
    try {
      const ours = convert(bin);
      const oneJob = convert(bin, 1);
      const reference = await h5py(bin);
      const ratio = (a: number, b: number) => (a / b).toFixed(2);
      const row = (name: string, r: Run) =>
        `| ${name} | ${r.seconds.toFixed(1)} s | ${ratio(r.seconds, reference.seconds)} | ${r.cpuSeconds.toFixed(1)} s | ${ratio(
          r.cpuSeconds,
          reference.cpuSeconds,
        )} | ${r.fileMB.toFixed(0)} MB | ${(r.fileMB / reference.fileMB).toFixed(3)} | ${r.peakRssMB.toFixed(0)} MB |`;
      console.log(
        `\n${gb} GB SpikeGLX AP, ${samples} samples (${(statSync(bin).size / 1e9).toFixed(2)} GB .bin)\n`,
      );
      console.log(
        "| writer | wall | ÷ h5py | CPU | ÷ h5py | file | ÷ h5py | peak RSS |\n|---|---|---|---|---|---|---|---|",
      );
      console.log(row(`neuroconv, defaults (jobs ${availableParallelism()})`, ours));
      console.log(row("neuroconv, --jobs 1", oneJob));
      console.log(row("h5py 3.7, gzip 4, same chunks", reference));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const rssSizes = (values["rss-gb"] ?? ["0.2", "6"]).filter((v) => v !== "none").map(Number);
  console.log("\n| input | wall | peak RSS | file |\n|---|---|---|---|");
  for (const size of rssSizes) {
    const generated = generate(size, "synthetic");
    try {
      const r = convert(generated.bin);
      console.log(
        `| ${size} GB | ${r.seconds.toFixed(1)} s | ${r.peakRssMB.toFixed(0)} MB | ${r.fileMB.toFixed(0)} MB |`,
      );
    } finally {
      rmSync(generated.dir, { recursive: true, force: true });
    }
  }
  console.log(`\nload average (1/5/15 min) at end: ${load()}`);
}
