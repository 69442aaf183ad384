/**
 * BaseDataInterface: one data source (a recording, a sorting, a video, ...) that adds its objects to an
 * NWB file. Subclasses declare their source arguments, metadata and conversion options as TypeBox schemas
 * (one definition gives both the JSON schema and the TypeScript type).
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { SourceArgumentsError } from "../errors.js";
import type { NWBFile } from "../nwb/containers/file.js";
import { Conversion, type StandardConversionOptions } from "./conversion.js";
import { type Metadata, MetadataSchema } from "./metadata/schema.js";
import { checkAgainstSchema } from "./metadata/validate.js";

/** Schema of the options every interface accepts. */
export const StandardConversionOptionsSchema = Type.Object(
  {
    stubTest: Type.Optional(
      Type.Boolean({ description: "Write only a short excerpt of every bulk dataset, for a quick preview." }),
    ),
  },
  { additionalProperties: false },
);

/** What tools need to list an interface class: its name, schema and how to construct it. */
export interface DataInterfaceClass<I extends BaseDataInterface = BaseDataInterface> {
  new (sourceData: never): I;
  readonly name: string;
  readonly displayName: string;
  readonly keywords: readonly string[];
  readonly associatedSuffixes: readonly string[];
  readonly info: string;
  getSourceSchema(): TObject;
}

/**
 * Base of every interface. The constructor checks the source arguments against `getSourceSchema()` before
 * a subclass opens any file, and throws a {@link SourceArgumentsError} naming every bad argument.
 *
 * @example
 * ```ts
 * class MyInterface extends BaseDataInterface<{ filePath: string }> {
 *   static override sourceSchema = Type.Object({ filePath: Type.String({ description: "the .dat file" }) });
 *   override addToNwbfile(nwbfile: NWBFile, metadata: Metadata) { ... }
 * }
 * ```
 */
export abstract class BaseDataInterface<
  Source extends object = object,
  O extends StandardConversionOptions = StandardConversionOptions,
> extends Conversion<O> {
  /** Human-readable name of the format, for listings. */
  static displayName = "";
  static keywords: readonly string[] = [];
  /** File suffixes this interface reads (e.g. ".ap.bin", ".meta"). */
  static associatedSuffixes: readonly string[] = [];
  /** One sentence on what the interface converts. */
  static info = "";
  /** Schema of the constructor's argument; every property needs a description. */
  static sourceSchema: TObject = Type.Object({});
  static conversionOptionsSchema: TObject = StandardConversionOptionsSchema;

  /** JSON schema of the source arguments. */
  static getSourceSchema(): TObject {
    return this.sourceSchema;
  }

  readonly sourceData: Readonly<Source>;

  constructor(sourceData: Source) {
    super();
    const cls = this.constructor as typeof BaseDataInterface;
    const problems = checkAgainstSchema(sourceData, cls.getSourceSchema());
    if (problems.length > 0) throw new SourceArgumentsError(cls.name, problems);
    this.sourceData = sourceData;
  }

  /** The session start time the source records (local time, often without a zone), if it records one. */
  protected get sourceSessionStartTime(): string | undefined {
    return undefined;
  }

  getMetadata(): Metadata {
    const start = this.sourceSessionStartTime;
    return { NWBFile: start === undefined ? {} : { session_start_time: start } };
  }

  getMetadataSchema(): TObject {
    return MetadataSchema;
  }

  getConversionOptionsSchema(): TObject {
    return (this.constructor as typeof BaseDataInterface).conversionOptionsSchema;
  }

  abstract override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options?: O): void | Promise<void>;
}

export type SourceOf<S extends TObject> = Static<S>;
