/**
 * Safe file outputs for engines that write one file: the destination is checked before any work, bytes go
 * to a hidden temporary file beside it, and only a finished file is renamed into place. Nothing here
 * installs signal handlers: a process killed mid-way leaves only the hidden temporary file, never a
 * half-written file at the destination (the command line removes the temporary file on Ctrl-C).
 */
import { randomUUID } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { OutputPathError } from "../errors.js";

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Throws an {@link OutputPathError} when `path` cannot receive a single-file output; returns it absolute. */
export async function checkFileOutput(path: string, overwrite: boolean): Promise<string> {
  const absolute = resolve(path);
  const parent = dirname(absolute);
  const parentStat = await statOrUndefined(parent);
  if (!parentStat) throw new OutputPathError(path, `the folder '${parent}' does not exist; create it first`);
  if (!parentStat.isDirectory()) throw new OutputPathError(path, `'${parent}' is not a folder`);
  const existing = await statOrUndefined(absolute);
  if (existing?.isDirectory()) {
    throw new OutputPathError(path, "it is a folder; give a file path such as session.nwb");
  }
  if (existing && !overwrite) {
    throw new OutputPathError(
      path,
      "the file already exists; pass overwrite: true (--overwrite) to replace it",
    );
  }
  return absolute;
}

/** A file being written under a hidden temporary name beside its destination. */
export interface TemporaryFile {
  readonly destination: string;
  readonly temporary: string;
  /** Moves the finished file into place (the destination is checked again first). */
  commit(): Promise<void>;
  /** Removes the temporary file. */
  discard(): Promise<void>;
}

/** Checks the destination and names a temporary file beside it (`.<name>.<random>.tmp`). */
export async function temporaryFileFor(path: string, overwrite: boolean): Promise<TemporaryFile> {
  const destination = await checkFileOutput(path, overwrite);
  const temporary = join(dirname(destination), `.${basename(destination)}.${randomUUID().slice(0, 8)}.tmp`);
  return {
    destination,
    temporary,
    async commit() {
      await checkFileOutput(path, overwrite);
      await rename(temporary, destination);
    },
    discard: () => rm(temporary, { force: true }),
  };
}
