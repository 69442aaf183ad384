/**
 * Independent oracles for the Open Ephys reader: Debian's python3-neo 0.11.1 (`OpenEphysBinaryRawIO`,
 * `OpenEphysRawIO`) and numpy reading the raw files. Outside CI a machine without them skips loudly; in CI
 * they must be present.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { neoAvailable, python } from "../../helpers/nwbcheck.js";

export { neoAvailable };

/** Runs a Python snippet that is expected to fail; returns its exit status and stderr. */
export function pythonFailure(script: string, ...args: string[]): { status: number | null; stderr: string } {
  const { PYTHONPATH: _path, PYTHONHOME: _home, ...env } = process.env;
  const result = spawnSync("/usr/bin/python3", ["-c", script, ...args], {
    encoding: "utf8",
    env: { ...env, PYTHONNOUSERSITE: "1" },
  });
  return { status: result.status, stderr: result.stderr };
}

/** Runs a Python oracle script that prints one JSON document. */
export function oracle<T>(script: string, ...args: string[]): T {
  return JSON.parse(python(script, ...args)) as T;
}

/** SHA-256 of an int16 array's bytes (little-endian hosts), to compare with numpy's `astype('<i2').tobytes()`. */
export function sha256Int16(values: Int16Array): string {
  return createHash("sha256")
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest("hex");
}
