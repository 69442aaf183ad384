/**
 * Toolkit for format readers whose files are HDF5 (MaxWell, 3Brain BRW, ...): files opened synchronously
 * (headers are parsed in constructors), errors named by file, and the small values vendors store as
 * one-element datasets.
 */
import { SourceDataError } from "../errors.js";
import { openHdf5Sync } from "../storage/hdf5/syncReader.js";
import type { CompoundRecord, StorageReader, StoredValue } from "../storage/types.js";

/** Opens an HDF5 source file for `read` and closes it afterwards; a file HDF5 cannot open is a SourceDataError. */
export function withHdf5File<T>(path: string, what: string, read: (file: StorageReader) => T): T {
  let file: StorageReader;
  try {
    file = openHdf5Sync(path);
  } catch (error) {
    throw new SourceDataError(path, `cannot open it as ${what} (HDF5): ${(error as Error).message}`);
  }
  try {
    return read(file);
  } finally {
    file.close();
  }
}

/** The one value of a scalar or one-element dataset, as a number (integers of 64 bits included). */
export function numberAt(file: StorageReader, path: string, filePath: string): number {
  const value = firstOf(file.readDataset(path), path, filePath);
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new SourceDataError(filePath, `${path} is not a number`);
}

/** The one value of a scalar or one-element dataset, as text (fixed-length byte strings decoded). */
export function textAt(file: StorageReader, path: string, filePath: string): string {
  const value = firstOf(file.readDataset(path), path, filePath);
  if (typeof value === "string") return value;
  throw new SourceDataError(filePath, `${path} is not text`);
}

/** The records of a compound dataset. */
export function recordsAt(file: StorageReader, path: string, filePath: string): readonly CompoundRecord[] {
  const value = file.readDataset(path);
  if (Array.isArray(value) && (value.length === 0 || typeof value[0] === "object")) {
    return value as readonly CompoundRecord[];
  }
  throw new SourceDataError(filePath, `${path} is not a table of records`);
}

/** A numeric field of a compound record as a number. */
export function fieldNumber(record: CompoundRecord, field: string, where: string, filePath: string): number {
  const value = record[field];
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new SourceDataError(filePath, `${where} has no numeric field '${field}'`);
}

/** Whether a dataset (or group) exists at `path`. */
export function exists(file: StorageReader, path: string): boolean {
  return file.kind(path) !== undefined;
}

function firstOf(value: StoredValue, path: string, filePath: string): unknown {
  if (typeof value !== "object" || value === null) return value;
  const first = (value as ArrayLike<unknown>)[0];
  if ((value as ArrayLike<unknown>).length !== 1 || first === undefined) {
    throw new SourceDataError(filePath, `${path} should hold one value`);
  }
  return first;
}
