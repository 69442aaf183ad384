/**
 * A reusable check of a data interface, for any format's tests: schemas compile and describe every source
 * argument, metadata validates and is never mutated, a conversion writes a file the given validator passes,
 * data read back equal the source, and a stub conversion works. It throws an AssertionError on the first
 * failure, so it runs under any test runner.
 */
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import type { TSchema } from "@sinclair/typebox";
import { Ajv } from "ajv";
import type { BaseDataInterface } from "../conversion/interface.js";
import type { Metadata } from "../conversion/metadata/schema.js";
import { hdf5Backend } from "../storage/hdf5/index.js";
import type { StorageReader } from "../storage/types.js";

export interface InterfaceCheckOptions {
  /** A folder the check may write files into. */
  readonly outputDir: string;
  /** Metadata the user would add (e.g. a time zone or Subject); merged into `getMetadata()`. */
  readonly metadata?: Partial<Metadata>;
  /** An NWB validator (e.g. nwbcheck); the written files must pass it. */
  readonly validate?: (path: string) => { passed: boolean; output: string };
  /** Compares what was written (opened for reading) with the source; throw to fail. */
  readonly checkReadBack?: (file: StorageReader, path: string) => void | Promise<void>;
}

function assertDescribed(schema: TSchema, where: string): void {
  const properties =
    (schema as { properties?: Record<string, TSchema & { description?: string }> }).properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    assert.ok(property.description, `${where}: property '${name}' has no description`);
  }
}

/**
 * Runs the standard checks on an interface instance.
 *
 * @example
 * ```ts
 * await checkDataInterface(new MockRecordingInterface(), { outputDir: tmp, validate: nwbcheck });
 * ```
 */
export async function checkDataInterface(
  dataInterface: BaseDataInterface,
  options: InterfaceCheckOptions,
): Promise<void> {
  const cls = dataInterface.constructor as typeof BaseDataInterface;
  const ajv = new Ajv({ strict: false });
  const sourceSchema = cls.getSourceSchema();
  ajv.compile(sourceSchema);
  ajv.compile(dataInterface.getMetadataSchema());
  ajv.compile(dataInterface.getConversionOptionsSchema());
  assertDescribed(sourceSchema, `${cls.name} source schema`);
  assertDescribed(dataInterface.getConversionOptionsSchema(), `${cls.name} conversion options schema`);

  const first = dataInterface.getMetadata();
  first.NWBFile.session_description = "changed by the check";
  assert.notEqual(
    dataInterface.getMetadata().NWBFile.session_description,
    "changed by the check",
    "getMetadata() must return a fresh copy",
  );

  const metadata = { ...dataInterface.getMetadata(), ...options.metadata } as Metadata;
  const report = dataInterface.checkMetadata(metadata);
  assert.deepEqual(report.problems, [], `${cls.name}: its own metadata does not validate`);
  const snapshot = structuredClone(metadata);

  const path = join(options.outputDir, `${cls.name}.nwb`);
  await dataInterface.runConversion({ nwbfilePath: path, metadata, overwrite: true });
  assert.deepEqual(metadata, snapshot, `${cls.name}: runConversion modified the metadata it was given`);
  if (options.validate) {
    const result = options.validate(path);
    assert.ok(result.passed, `${cls.name}: the written file fails validation:\n${result.output}`);
  }
  if (options.checkReadBack) {
    const file = await hdf5Backend.open(path);
    try {
      await options.checkReadBack(file, path);
    } finally {
      file.close();
    }
  }

  const stubPath = join(options.outputDir, `${cls.name}_stub.nwb`);
  await dataInterface.runConversion({ nwbfilePath: stubPath, metadata, overwrite: true, stubTest: true });
  if (options.validate) {
    const result = options.validate(stubPath);
    assert.ok(result.passed, `${cls.name}: the stub file fails validation:\n${result.output}`);
  }
  assert.ok(
    statSync(stubPath).size <= statSync(path).size,
    `${cls.name}: the stub file is larger than the full one`,
  );
}
