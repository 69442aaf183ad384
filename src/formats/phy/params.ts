/**
 * Phy's `params.py`: Python assignments written by Kilosort (or by hand) that describe the recording that
 * was sorted, e.g.
 *
 * ```python
 * dat_path = 'recording.dat'
 * n_channels_dat = 385
 * dtype = 'int16'
 * offset = 0
 * sample_rate = 30000.
 * hp_filtered = False
 * ```
 *
 * The file is parsed, never executed: only `name = literal` statements are understood.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceDataError } from "../../errors.js";
import { type PyValue, parsePyAssignments } from "../npy/pyliteral.js";

/** The values of `params.py` that a conversion uses, plus every readable assignment. */
export interface PhyParams {
  /** Path of the `params.py` file. */
  readonly file: string;
  /** `sample_rate`: sampling rate (Hz) of the sorted recording; spike times are in its samples. */
  readonly sampleRate: number;
  /** `dat_path`: the raw data file(s) that were sorted (relative to the folder or absolute). */
  readonly datPath?: string | string[];
  /** `n_channels_dat`: channels in the raw data file. */
  readonly nChannelsDat?: number;
  /** `dtype`: element type of the raw data file, e.g. `int16`. */
  readonly dtype?: string;
  /** `offset`: bytes to skip at the start of the raw data file. */
  readonly offset?: number;
  /** `hp_filtered`: whether the raw data file is already high-pass filtered. */
  readonly hpFiltered?: boolean;
  /** Every assignment whose value is a plain literal, by name. */
  readonly values: Readonly<Record<string, PyValue>>;
}

/** Parses the text of a `params.py`; `file` names it in errors. */
export function parsePhyParams(text: string, file: string): PhyParams {
  const values: Record<string, PyValue> = {};
  const unreadable = new Map<string, string>();
  for (const a of parsePyAssignments(text)) {
    if (a.value === undefined) {
      unreadable.set(a.name, `line ${a.line}: '${a.text.slice(0, 60)}'`);
      delete values[a.name];
    } else {
      values[a.name] = a.value;
      unreadable.delete(a.name);
    }
  }
  const rate = values.sample_rate;
  if (rate === undefined) {
    const why = unreadable.has("sample_rate")
      ? `its sample_rate is not a plain number (${unreadable.get("sample_rate")})`
      : "it has no sample_rate assignment";
    throw new SourceDataError(
      file,
      `${why}; spike times cannot be converted to seconds without it. Write the sampling rate (Hz) of the sorted recording as a number, e.g. 'sample_rate = 30000.0'`,
    );
  }
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0) {
    throw new SourceDataError(
      file,
      `sample_rate is ${JSON.stringify(rate)}, not a positive number of Hz; write e.g. 'sample_rate = 30000.0'`,
    );
  }
  const datPath = values.dat_path;
  const number = (v: PyValue | undefined) => (typeof v === "number" ? v : undefined);
  return {
    file,
    sampleRate: rate,
    datPath:
      typeof datPath === "string"
        ? datPath
        : Array.isArray(datPath) && datPath.every((p) => typeof p === "string")
          ? (datPath as string[])
          : undefined,
    nChannelsDat: number(values.n_channels_dat),
    dtype: typeof values.dtype === "string" ? values.dtype : undefined,
    offset: number(values.offset),
    hpFiltered: typeof values.hp_filtered === "boolean" ? values.hp_filtered : undefined,
    values,
  };
}

/** Reads `params.py` of a Phy/Kilosort output folder. */
export function readPhyParams(folder: string): PhyParams {
  const file = join(folder, "params.py");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new SourceDataError(
        file,
        `not found in ${folder}; a Phy/Kilosort output folder has a params.py with at least 'sample_rate = <Hz>'. Is this the right folder? If it is, write a params.py with the sampling rate of the sorted recording`,
      );
    }
    throw error;
  }
  return parsePhyParams(text, file);
}
