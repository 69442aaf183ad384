/**
 * Python modules from Debian as independent readers: pandas with PyTables (DeepLabCut's pandas HDF5
 * files), scipy (WAV). Outside CI a machine without them skips loudly; in CI they must be installed.
 */
import { spawnSync } from "node:child_process";

const known = new Map<string, boolean>();

function pythonImports(modules: string, debianPackages: string): boolean {
  const cached = known.get(modules);
  if (cached !== undefined) return cached;
  const { PYTHONPATH: _path, PYTHONHOME: _home, ...env } = process.env;
  const ok =
    spawnSync("/usr/bin/python3", ["-c", `import ${modules}`], { stdio: "ignore", env }).status === 0;
  if (!ok && process.env.CI) throw new Error(`${debianPackages} are required in CI (apt-get install them)`);
  if (!ok)
    console.warn(
      `\n!!! SKIPPING comparisons: /usr/bin/python3 cannot import ${modules} (${debianPackages}) !!!\n`,
    );
  known.set(modules, ok);
  return ok;
}

/** Whether /usr/bin/python3 can import pandas and tables; throws in CI when it cannot. */
export function pandasAvailable(): boolean {
  return pythonImports("pandas, tables", "python3-pandas and python3-tables");
}

/** Whether /usr/bin/python3 can import scipy's WAV reader; throws in CI when it cannot. */
export function scipyAvailable(): boolean {
  return pythonImports("scipy.io.wavfile", "python3-scipy");
}
