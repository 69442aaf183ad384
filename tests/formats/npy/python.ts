/**
 * Runs Debian's python3 with numpy as the oracle of the .npy and Phy tests. PYTHONPATH/PYTHONHOME are
 * removed so a virtual environment of the developer cannot change which numpy answers.
 */
import { spawnSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";

/** Runs `script` with `args`; returns its stdout, throws with stderr when it fails. */
export function runPython(script: string, args: readonly string[] = []): string {
  const env = { ...process.env };
  delete env.PYTHONPATH;
  delete env.PYTHONHOME;
  const result = spawnSync(PYTHON, ["-c", script, ...args], {
    env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}
