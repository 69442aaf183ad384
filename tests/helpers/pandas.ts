/**
 * pandas with PyTables (Debian python3-pandas, python3-tables), the independent reader of DeepLabCut's
 * pandas HDF5 files. Outside CI a machine without them skips loudly; in CI they must be installed.
 */
import { spawnSync } from "node:child_process";

let state: boolean | undefined;

/** Whether /usr/bin/python3 can import pandas and tables; throws in CI when it cannot. */
export function pandasAvailable(): boolean {
  if (state !== undefined) return state;
  const { PYTHONPATH: _path, PYTHONHOME: _home, ...env } = process.env;
  state =
    spawnSync("/usr/bin/python3", ["-c", "import pandas, tables"], { stdio: "ignore", env }).status === 0;
  if (!state && process.env.CI)
    throw new Error("python3-pandas and python3-tables are required in CI (apt-get install them)");
  if (!state)
    console.warn(
      "\n!!! SKIPPING comparisons with pandas: /usr/bin/python3 cannot import pandas, tables !!!\n",
    );
  return state;
}
