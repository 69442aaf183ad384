/**
 * `.npy` files of dtype object (`|O`): NumPy stores the whole array pickled after the header; it is read as
 * data by the shared non-executing unpickler.
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../../errors.js";
import { type PickledArray, unpickle } from "../pickle.js";
import { parsePyLiteral } from "./pyliteral.js";

/**
 * A `.npy` file of dtype object (`|O`), e.g. Suite2p's `stat.npy` (a list of dicts) or `ops.npy` (a 0-d array
 * holding a dict).
 *
 * @example
 * ```ts
 * const stat = readPickledNpy("stat.npy"); // { kind: "ndarray", shape: [23], data: [{ ypix, xpix, lam, ... }, ...] }
 * ```
 */
export function readPickledNpy(path: string): PickledArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SourceDataError(path, `cannot read the file (${(error as Error).message})`);
  }
  if (bytes.length < 10 || bytes.toString("latin1", 1, 6) !== "NUMPY") {
    throw new SourceDataError(path, "not a .npy file (no \\x93NUMPY magic)");
  }
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = parsePyLiteral(bytes.toString("latin1", start, start + headerLength)) as Record<
    string,
    unknown
  >;
  if (header.descr !== "|O") {
    throw new SourceDataError(
      path,
      `expected an object array (dtype '|O'), found dtype '${String(header.descr)}'`,
    );
  }
  const value = unpickle(bytes.subarray(start + headerLength), path);
  if ((value as PickledArray | null)?.kind !== "ndarray") {
    throw new SourceDataError(path, "the pickle does not hold a NumPy array");
  }
  return value as PickledArray;
}
