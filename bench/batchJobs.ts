/**
 * Benchmark: a batch of 8 generated SpikeGLX sessions (Neuropixels 1.0 AP, 385 channels, int16) converted
 * by the batch runner (`neuroconv run`) with --jobs 1, then --jobs 2; reports the wall time of each and the speed-up.
 *
 *   npm run bench:batch                  # 8 sessions of 2 s (46 MB each)
 *   npm run bench:batch -- --seconds 10
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { runConversionFromYaml } from "../src/batch/runner.js";
import { writeSpikeGLXRun } from "../src/testing/index.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "2" } } });
const root = mkdtempSync(join(tmpdir(), "neuroconv-bench-batch-"));
try {
  let relativeBin = "";
  for (let i = 0; i < 8; i++) {
    const folder = join(root, "data", `s${i}`);
    mkdirSync(folder, { recursive: true });
    const run = writeSpikeGLXRun(folder, {
      runName: "bench",
      seconds: Number(values.seconds),
      withLf: false,
      withNidq: false,
    });
    relativeBin = relative(join(root, "data"), run.files["imec0.ap"]!);
  }
  const template = relativeBin.replace(/^s\d+/, "{session_id}");
  const specification = join(root, "spec.yml");
  writeFileSync(
    specification,
    [
      "data_interfaces: { ap: SpikeGLXRecordingInterface }",
      "experiments:",
      "  bench:",
      "    expand:",
      `      source_data: { ap: { file_path: "${template}" } }`,
      "      nwbfile_name: 'ses-{session_id}'",
    ].join("\n"),
  );
  const seconds: Record<number, number> = {};
  for (const jobs of [1, 2]) {
    const output = join(root, `out-${jobs}`);
    const started = performance.now();
    const results = await runConversionFromYaml({
      specificationPath: specification,
      dataFolderPath: join(root, "data"),
      outputFolderPath: output,
      jobs,
    });
    if (results.some((r) => r.status !== "converted")) throw new Error(`--jobs ${jobs}: a session failed`);
    seconds[jobs] = (performance.now() - started) / 1000;
    console.log(`--jobs ${jobs}: 8 sessions in ${seconds[jobs]!.toFixed(1)} s`);
  }
  console.log(`speed-up with --jobs 2: ${(seconds[1]! / seconds[2]!).toFixed(2)}x`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
