/**
 * Opening a MATLAB `.mat` file of any version this package reads: level 5 (v5/v6/v7) or v7.3 (HDF5).
 */
import { SourceDataError } from "../../errors.js";
import { hdf5Backend } from "../../storage/hdf5/index.js";
import { openHdf5Sync } from "../../storage/hdf5/syncReader.js";
import type { StorageReader } from "../../storage/types.js";
import { readFullySync, withOpenFile } from "../binary.js";
import { Hdf5MatFile } from "./hdf5.js";
import { Level5File, level5ByteOrder } from "./level5.js";
import type { MatValue } from "./values.js";

/** A MAT-file open for reading; variables are decoded one at a time, when asked for. */
export interface MatFile {
  readonly path: string;
  /** "5" for level-5 files (MATLAB v5, v6, v7), "7.3" for HDF5-based files. */
  readonly version: "5" | "7.3";
  /** Names of the variables stored. */
  readonly variableNames: readonly string[];
  /** The decoded variable, or undefined when there is none of that name. */
  read(name: string): MatValue | undefined;
  /** The HDF5 view of a v7.3 file (lazy access to large arrays); undefined for level-5 files. */
  readonly hdf5?: Hdf5MatFile;
  close(): void;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function readHeader(path: string): Uint8Array {
  return withOpenFile(path, (fd, file, size) => {
    if (size < 128) {
      throw new SourceDataError(file, `${size} bytes is too short for a MAT-file header (128 bytes)`);
    }
    const bytes = new Uint8Array(Math.min(size, 520));
    readFullySync(fd, bytes, 0, file);
    return bytes;
  });
}

/** v7.3 files are HDF5 after a 512-byte MATLAB header. */
function isHdf5(header: Uint8Array): boolean {
  return HDF5_SIGNATURE.every((byte, i) => header[512 + i] === byte);
}

/**
 * Opens a MAT-file. v7.3 files are HDF5 with a 512-byte MATLAB header in front; level-5 files start with
 * a 128-byte text header ending in the byte-order mark "IM" (little-endian) or "MI".
 *
 * @example
 * ```ts
 * const mat = await openMatFile("session.spikes.cellinfo.mat");
 * const spikes = mat.read("spikes");       // a struct: { times: [...], UID: MatArray, ... }
 * mat.close();
 * ```
 */
export async function openMatFile(path: string): Promise<MatFile> {
  const header = readHeader(path);
  if (!isHdf5(header)) return level5File(path, header);
  return hdf5File(path, () => hdf5Backend.open(path)) as Promise<MatFile>;
}

/**
 * {@link openMatFile} for synchronous callers (interface constructors): v7.3 files are read through the
 * synchronous HDF5 reader (a worker thread), level-5 files directly.
 *
 * @example
 * ```ts
 * const mat = openMatFileSync("session.spikes.cellinfo.mat");
 * ```
 */
export function openMatFileSync(path: string): MatFile {
  const header = readHeader(path);
  if (!isHdf5(header)) return level5File(path, header);
  return hdf5File(path, () => openHdf5Sync(path)) as MatFile;
}

/** Wraps the HDF5 reader `open` gives (synchronously or as a promise) as a MatFile. */
function hdf5File(
  path: string,
  open: () => StorageReader | Promise<StorageReader>,
): MatFile | Promise<MatFile> {
  const fail = (error: unknown): never => {
    throw new SourceDataError(path, `cannot read this MATLAB v7.3 (HDF5) file: ${(error as Error).message}`);
  };
  const wrap = (reader: StorageReader): MatFile => {
    const hdf5 = new Hdf5MatFile(path, reader);
    return {
      path,
      version: "7.3",
      get variableNames() {
        return hdf5.variableNames;
      },
      read: (name) => hdf5.read(name),
      hdf5,
      close: () => reader.close(),
    };
  };
  let opened: StorageReader | Promise<StorageReader>;
  try {
    opened = open();
  } catch (error) {
    return fail(error);
  }
  return opened instanceof Promise ? opened.then(wrap, fail) : wrap(opened);
}

function level5File(path: string, header: Uint8Array): MatFile {
  const order = level5ByteOrder(header);
  const text = new TextDecoder("latin1").decode(header.subarray(0, 116));
  if (!order || !text.startsWith("MATLAB")) {
    const hint = text.startsWith("MATLAB")
      ? "its header is not a level-5 header"
      : "it does not start with a MATLAB header (level-4 files and other formats are not read)";
    throw new SourceDataError(path, `not a MATLAB v5/v7/v7.3 MAT-file: ${hint}`);
  }
  const file = new Level5File(path, order.littleEndian);
  return {
    path,
    version: "5",
    variableNames: file.variableNames,
    read: (name) => file.read(name),
    close: () => undefined,
  };
}
