/**
 * Safe output: checks the destination before any work starts, writes to a temporary file beside it, and
 * renames only when the write succeeded. A failed write never leaves a half-written file at the destination,
 * and an existing file is replaced only with `overwrite: true`.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { OutputPathError } from "../../errors.js";

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Throws an {@link OutputPathError} when `path` cannot receive the output file. */
export async function checkOutputPath(path: string, overwrite: boolean): Promise<string> {
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

/**
 * Runs `write` on a temporary path next to `path` and moves the result into place; on failure the
 * temporary file is removed and the error rethrown.
 */
export async function writeAtomically(
  path: string,
  overwrite: boolean,
  write: (temporaryPath: string) => Promise<void>,
): Promise<void> {
  const absolute = await checkOutputPath(path, overwrite);
  const temporary = join(dirname(absolute), `.${basename(absolute)}.${randomUUID().slice(0, 8)}.tmp`);
  // an interrupted conversion (Ctrl-C) removes its temporary file too
  const interrupted = (signal: NodeJS.Signals) => {
    rmSync(temporary, { force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    await write(temporary);
    await checkOutputPath(path, overwrite);
    await rename(temporary, absolute);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
}
