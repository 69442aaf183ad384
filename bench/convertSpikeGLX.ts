/**
 * Benchmark: convert a generated SpikeGLX AP recording (Neuropixels 1.0, 385 channels, int16) with the
 * command line's code path, and report MB/s and peak RSS. Each size runs in a fresh process.
 *
 *   npm run bench:spikeglx                 # 0.2 GB and 2 GB
 *   npm run bench:spikeglx -- --gb 0.2 --gb 6
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runCli } from "../src/cli/main.js";
import { writeSpikeGLXRun } from "../src/testing/index.js";

async function child(gb: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "neuroconv-bench-sglx-"));
  try {
    const seconds = (gb * 1e9) / (385 * 2 * 30000);
    const run = writeSpikeGLXRun(dir, { runName: "bench", seconds, withLf: false, withNidq: false });
    const bin = run.files["imec0.ap"]!;
    const output = join(dir, "bench.nwb");
    const started = performance.now();
    const quiet = { out: () => {}, err: (t: string) => process.stderr.write(`${t}\n`), progress: false };
    const code = await runCli(["convert", "spikeglx", bin, "-o", output, "--timezone", "UTC"], quiet);
    if (code !== 0) throw new Error("conversion failed");
    const elapsed = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        gb,
        seconds: elapsed,
        mbPerSecond: statSync(bin).size / 1e6 / elapsed,
        peakRssMB: process.resourceUsage().maxRSS / 1024,
        fileMB: statSync(output).size / 1e6,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { gb: { type: "string", multiple: true }, child: { type: "boolean" } },
});
const sizes = (values.gb ?? ["0.2", "2"]).map(Number);
if (values.child) {
  await child(sizes[0]!);
} else {
  console.log("SpikeGLX AP -> NWB (gzip 4)");
  console.log(
    `${"input".padEnd(8)} ${"seconds".padStart(8)} ${"MB/s".padStart(8)} ${"peak RSS MB".padStart(12)} ${"NWB MB".padStart(8)}`,
  );
  for (const gb of sizes) {
    const out = execFileSync(process.execPath, [import.meta.filename, "--child", "--gb", String(gb)], {
      encoding: "utf8",
    });
    const r = JSON.parse(out.trim().split("\n").at(-1)!);
    console.log(
      `${`${gb} GB`.padEnd(8)} ${r.seconds.toFixed(1).padStart(8)} ${r.mbPerSecond.toFixed(1).padStart(8)} ${r.peakRssMB
        .toFixed(0)
        .padStart(12)} ${r.fileMB.toFixed(0).padStart(8)}`,
    );
  }
}
