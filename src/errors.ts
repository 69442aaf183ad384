/**
 * Named error classes. Every message says what was expected, what was found, and what to do.
 * Use {@link isNeuroconvError} to tell them apart without `instanceof` across package copies.
 */

export type NeuroconvErrorName =
  | "SchemaError"
  | "NWBValidationError"
  | "BackendConfigurationError"
  | "OutputPathError"
  | "StorageError"
  | "SourceDataError"
  | "MetadataValidationError"
  | "SourceArgumentsError"
  | "MissingDependencyError"
  | "SpecificationError"
  | "UnsupportedCompressionError";

/** Base of every error this package throws on bad input. */
export abstract class NeuroconvError extends Error {
  abstract override readonly name: NeuroconvErrorName;
}

/** A namespace or type definition is inconsistent (unknown type, duplicate definition, ...). */
export class SchemaError extends NeuroconvError {
  override readonly name = "SchemaError" as const;
}

/** One problem found by the pre-write checks. */
export interface NWBProblem {
  /** Path of the object in the file, e.g. `/acquisition/ElectricalSeries`. */
  readonly objectPath: string;
  /** The field (attribute, dataset, group or link) concerned, e.g. `data@unit`. */
  readonly field: string;
  readonly message: string;
}

/** The in-memory NWB file does not satisfy the schema; lists every problem at once. */
export class NWBValidationError extends NeuroconvError {
  override readonly name = "NWBValidationError" as const;
  constructor(readonly problems: readonly NWBProblem[]) {
    super(
      `the NWB file is not valid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
        .map((p) => `  - ${p.objectPath} ${p.field}: ${p.message}`)
        .join("\n")}`,
    );
  }
}

/** A backend configuration that cannot be applied to a dataset. */
export class BackendConfigurationError extends NeuroconvError {
  override readonly name = "BackendConfigurationError" as const;
  constructor(
    readonly location: string,
    reason: string,
  ) {
    super(`backend configuration of dataset '${location}': ${reason}`);
  }
}

/** One problem found in metadata or source arguments. */
export interface MetadataProblem {
  /** Dotted path, e.g. `Subject.age` or `Ecephys.ElectrodeGroup[0].location`. */
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

/** Metadata does not satisfy the metadata schema; lists every problem at once. */
export class MetadataValidationError extends NeuroconvError {
  override readonly name = "MetadataValidationError" as const;
  constructor(readonly problems: readonly MetadataProblem[]) {
    super(
      problems.length === 1
        ? `invalid metadata: ${problems[0]!.message}`
        : `the metadata is not valid (${problems.length} problems):\n${problems.map((p) => `  - ${p.message}`).join("\n")}`,
    );
  }
}

/** An interface was constructed with arguments that do not satisfy its source schema. */
export class SourceArgumentsError extends NeuroconvError {
  override readonly name = "SourceArgumentsError" as const;
  constructor(
    readonly interfaceName: string,
    readonly problems: readonly MetadataProblem[],
  ) {
    super(
      `${interfaceName}: invalid source arguments:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`,
    );
  }
}

/** The output path cannot be written (exists without overwrite, is a directory, parent missing). */
export class OutputPathError extends NeuroconvError {
  override readonly name = "OutputPathError" as const;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot write '${path}': ${reason}`);
  }
}

/** The storage engine failed to write or read an object. */
export class StorageError extends NeuroconvError {
  override readonly name = "StorageError" as const;
  constructor(
    readonly file: string,
    readonly objectPath: string,
    reason: string,
  ) {
    super(`${file}: ${objectPath}: ${reason}`);
  }
}

/** A source file is missing, truncated or not what its format says it should be. */
export class SourceDataError extends NeuroconvError {
  override readonly name = "SourceDataError" as const;
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** One problem in a conversion specification file, located by line and key path. */
export interface SpecificationProblem {
  readonly file: string;
  /** 1-based line in the file, when known. */
  readonly line: number | undefined;
  /** Dotted key path, e.g. `experiments.ymaze.sessions.0.source_data.ap`. */
  readonly keyPath: string;
  readonly message: string;
}

/** A conversion specification (YAML/JSON) is invalid; lists every problem with its place in the file. */
export class SpecificationError extends NeuroconvError {
  override readonly name = "SpecificationError" as const;
  constructor(readonly problems: readonly SpecificationProblem[]) {
    super(
      `the conversion specification is not valid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
        .map(
          (p) =>
            `  - ${p.file}${p.line === undefined ? "" : `:${p.line}`}${p.keyPath ? ` (${p.keyPath})` : ""}: ${p.message}`,
        )
        .join("\n")}`,
    );
  }
}

/** Whether `error` is one of this package's errors (optionally, the one named `name`). */
export function isNeuroconvError<N extends NeuroconvErrorName>(
  error: unknown,
  name?: N,
): error is NeuroconvError & { name: N } {
  return (
    error instanceof Error &&
    typeof (error as NeuroconvError).name === "string" &&
    (name === undefined ? error instanceof NeuroconvError : error.name === name)
  );
}

/** A program or library the operation needs is not installed (e.g. ffmpeg to decode video frames). */
export class MissingDependencyError extends NeuroconvError {
  override readonly name = "MissingDependencyError" as const;
  constructor(
    readonly dependency: string,
    reason: string,
  ) {
    super(`${dependency} is needed: ${reason}`);
  }
}

/**
 * Samples are stored with a compression no open reader decodes (e.g. MaxWell's proprietary HDF5 filter
 * 401): names the file, the dataset and the filter, and says how to get readable data.
 */
export class UnsupportedCompressionError extends NeuroconvError {
  override readonly name = "UnsupportedCompressionError" as const;
  constructor(
    readonly file: string,
    readonly dataset: string,
    readonly filterId: number,
    advice: string,
  ) {
    super(
      `${file}: ${dataset} is compressed with HDF5 filter ${filterId}, which cannot be decoded here; ${advice}`,
    );
  }
}
