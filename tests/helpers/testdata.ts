/**
 * Real sample files live in ../shared/testdata (never copied into this repository).
 * Outside CI a machine without that folder skips the tests that need it, loudly; in CI it must exist.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const TESTDATA = resolve(import.meta.dirname, "../../../shared/testdata");

/** Absolute path of a file under ../shared/testdata. */
export function testdata(...parts: string[]): string {
  return resolve(TESTDATA, ...parts);
}

/** Whether the sample files are here; throws in CI when they are not. */
export function hasTestdata(): boolean {
  if (existsSync(TESTDATA)) return true;
  if (process.env.CI) throw new Error(`the sample files are required in CI: ${TESTDATA} not found`);
  console.warn(`\n!!! SKIPPING tests on real sample files: ${TESTDATA} not found !!!\n`);
  return false;
}
