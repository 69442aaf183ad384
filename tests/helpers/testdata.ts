/**
 * Real sample files live in ../shared/testdata (never copied into this repository).
 * Outside CI a machine without that folder skips the tests that need it, loudly; in CI it must exist.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { getCurrentTest } from "vitest/suite";

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

/** The shared folder beside the repository (../shared): sample files, the NWB schema, nwbcheck. */
export const SHARED = resolve(import.meta.dirname, "../../../shared");

/** Whether ../shared/<relative> exists; throws in CI when it does not, warns loudly elsewhere. */
export function hasShared(relative: string): boolean {
  const path = resolve(SHARED, relative);
  if (existsSync(path)) return true;
  if (process.env.CI) throw new Error(`${path} is required in CI`);
  console.warn(`\n!!! SKIPPING tests that need ${path}: not found !!!\n`);
  return false;
}

/**
 * Marks the running test as skipped (vitest reports it as skipped, with the reason) when a tool it needs is
 * missing; in CI (env CI set) a missing tool is a failure instead.
 */
export function skipTest(reason: string): never {
  if (process.env.CI) throw new Error(`required in CI: ${reason}`);
  const test = getCurrentTest();
  if (!test) throw new Error(`cannot skip outside a running test: ${reason}`);
  test.context.skip(reason);
  throw new Error(`skip did not stop the test: ${reason}`);
}
