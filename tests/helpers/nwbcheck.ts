/**
 * Runs the official-stack validator (../shared/tools/nwbcheck, lite mode) on files the tests wrote.
 * Outside CI, a machine without ../shared or without its Debian packages skips with a loud warning;
 * in CI (env CI set) both must be present.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SHARED, skipTest } from "./testdata.js";

export const SHARED_DIR = SHARED;
const NWBCHECK = resolve(SHARED_DIR, "tools/nwbcheck/nwbcheck");

let available: boolean | undefined;

/** Whether nwbcheck can run here; throws in CI when it cannot. */
export function nwbcheckAvailable(): boolean {
  if (available !== undefined) return available;
  const reason = !existsSync(NWBCHECK)
    ? `${NWBCHECK} not found`
    : spawnSync("/usr/bin/python3", ["-c", "import h5py, hdmf, ruamel.yaml"], { stdio: "ignore" }).status !==
        0
      ? "Debian packages missing (run bash ../shared/tools/nwbcheck/install-debian-deps.sh)"
      : undefined;
  if (reason && process.env.CI) throw new Error(`nwbcheck is required in CI: ${reason}`);
  if (reason) console.warn(`\n!!! SKIPPING nwbcheck validation: ${reason} !!!\n`);
  available = reason === undefined;
  return available;
}

export interface NwbcheckResult {
  readonly passed: boolean;
  readonly output: string;
}

interface NwbcheckMessage {
  readonly stage: string;
  readonly level: "OK" | "FAIL" | "WARN" | "INFO";
  readonly text: string;
  readonly location: string | null;
}

/**
 * Layout warnings that are wrong: nwbcheck checks the attributes of a typed dataset against its type alone
 * and ignores attributes that the enclosing type adds to that slot. The official schema requires
 * `unit` on Units' waveform columns (and the validator FAILs a file without it), while the layout walk
 * calls it undefined. Each entry is [dataset name, attribute].
 */
const LAYOUT_FALSE_POSITIVES: readonly (readonly [string, string])[] = [
  ["waveform_mean", "unit"],
  ["waveform_sd", "unit"],
  ["waveforms", "unit"],
];

function isFalsePositive(message: NwbcheckMessage): boolean {
  return (
    message.stage === "layout" &&
    LAYOUT_FALSE_POSITIVES.some(
      ([dataset, attribute]) =>
        message.location?.endsWith(`/${dataset}`) &&
        message.text === `attribute '${attribute}' is not defined by the schema for this object`,
    )
  );
}

/**
 * Validates files against the official 2.7.0 schema. Objects the schema does not define must not appear:
 * every layout warning fails the file, except the documented false positives above. With NWBCHECK_STACK set
 * to a modern stack (pynwb + NWB Inspector, see nwbcheck's README) the file must also read in pynwb; the
 * Inspector's best-practice remarks are reported but do not fail.
 */
export function nwbcheck(...files: string[]): NwbcheckResult {
  const report = reportPath();
  const result = spawnSync(NWBCHECK, ["--strict-official", "--json", report, ...files], { encoding: "utf8" });
  return verdict(report, result.status, `${result.stdout}${result.stderr}`);
}

/**
 * {@link nwbcheck} without blocking the test's thread: for files that take the validator longer than
 * vitest's 60 s RPC timeout on a busy machine (extension namespaces are slow to validate).
 */
export function nwbcheckAsync(...files: string[]): Promise<NwbcheckResult> {
  const report = reportPath();
  return new Promise((done) => {
    execFile(
      NWBCHECK,
      ["--strict-official", "--json", report, ...files],
      { encoding: "utf8" },
      (error, stdout, stderr) => {
        done(
          verdict(
            report,
            error ? (typeof error.code === "number" ? error.code : 2) : 0,
            `${stdout}${stderr}`,
          ),
        );
      },
    );
  });
}

const reportPath = () => join(mkdtempSync(join(tmpdir(), "nwbcheck-")), "report.json");

function verdict(report: string, status: number | null, output: string): NwbcheckResult {
  if (status === 2 || !existsSync(report)) throw new Error(`nwbcheck setup problem:\n${output}`);
  const files_ = JSON.parse(readFileSync(report, "utf8")) as { messages: NwbcheckMessage[] }[];
  const blocking = files_.flatMap((f) =>
    f.messages.filter(
      (m) => m.level === "FAIL" || (m.level === "WARN" && m.stage === "layout" && !isFalsePositive(m)),
    ),
  );
  return { passed: blocking.length === 0, output };
}

/**
 * Python source of `series_times(s)`: an h5py TimeSeries group's times as NWB defines them, its timestamps or
 * starting_time + i / rate (the writer states times that lie on a regular clock as a rate). Paste it into a
 * {@link python} snippet after `import numpy as np`.
 */
export const SERIES_TIMES_PY = `
def series_times(s):
    if "timestamps" in s:
        return s["timestamps"][()]
    start = s["starting_time"]
    return start[()] + np.arange(s["data"].shape[0]) / start.attrs["rate"]
`;

/**
 * Runs a Python snippet with Debian's python3 (h5py, numpy, neo: the independent oracles); returns its stdout.
 * PYTHONPATH/PYTHONHOME are removed so that a developer's virtual environment cannot change the answer.
 */
export function python(script: string, ...args: string[]): string {
  const { PYTHONPATH: _path, PYTHONHOME: _home, ...inherited } = process.env;
  const env = { ...inherited, PYTHONNOUSERSITE: "1" };
  return execFileSync("/usr/bin/python3", ["-c", script, ...args], {
    encoding: "utf8",
    env,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/**
 * Validates a written file with nwbcheck where it can run (see {@link nwbcheckAvailable}); elsewhere the
 * running test is reported as skipped, never as passed.
 */
export function validateIfAvailable(path: string): NwbcheckResult {
  if (!nwbcheckAvailable()) skipTest("nwbcheck cannot run here (see tests/helpers/nwbcheck.ts)");
  return nwbcheck(path);
}

/** The error a call throws (undefined if it returns). */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary errors
export function caught(call: () => unknown): any {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

let neoState: boolean | undefined;

/**
 * Whether Debian's python3 can import neo and numpy (the independent readers of the format tests); outside
 * CI a machine without them skips those comparisons loudly, in CI they must be present.
 */
export function neoAvailable(): boolean {
  if (neoState !== undefined) return neoState;
  const { PYTHONPATH: _path, PYTHONHOME: _home, ...env } = process.env;
  const ok =
    spawnSync("/usr/bin/python3", ["-c", "import neo, numpy"], { stdio: "ignore", env }).status === 0;
  if (!ok && process.env.CI)
    throw new Error("python3-neo and numpy are required in CI (apt install python3-neo)");
  if (!ok) console.warn("\n!!! SKIPPING comparisons with neo: /usr/bin/python3 cannot import neo !!!\n");
  neoState = ok;
  return ok;
}
