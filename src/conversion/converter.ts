/**
 * Converters combine several interfaces into one NWB file.
 * `NWBConverter` declares its interface classes and is built from per-interface source data;
 * `ConverterPipe` is built from interfaces that already exist.
 */
import { type TObject, type TSchema, Type } from "@sinclair/typebox";
import { SourceArgumentsError } from "../errors.js";
import type { NWBFile } from "../nwb/containers/file.js";
import { Conversion } from "./conversion.js";
import type { BaseDataInterface, DataInterfaceClass } from "./interface.js";
import { mergeMetadata } from "./metadata/merge.js";
import type { Metadata } from "./metadata/schema.js";
import { checkAgainstSchema } from "./metadata/validate.js";

/** Per-interface conversion options, keyed by the interface's name in the converter. */
export interface ConverterOptions {
  readonly conversionOptions?: Readonly<Record<string, Record<string, unknown>>>;
  /** Applies to every interface unless its own options say otherwise. */
  readonly stubTest?: boolean;
}

/**
 * Checks a converter's source arguments against its schema before it opens anything; throws a
 * SourceArgumentsError naming each bad argument. Returns the arguments for chaining.
 */
export function checkSourceArguments<S>(
  converter: { name: string; getSourceSchema(): TObject },
  sourceData: S,
): S {
  const problems = checkAgainstSchema(sourceData, converter.getSourceSchema());
  if (problems.length > 0) throw new SourceArgumentsError(converter.name, problems);
  return sourceData;
}

/** Deep merge of two JSON schemas' properties (later interfaces refine earlier ones). */
function mergeSchemas(base: TSchema, next: TSchema): TSchema {
  const a = base as { properties?: Record<string, TSchema> };
  const b = next as { properties?: Record<string, TSchema> };
  if (!a.properties || !b.properties) return next;
  const properties: Record<string, TSchema> = { ...a.properties };
  for (const [key, schema] of Object.entries(b.properties)) {
    properties[key] = key in properties ? mergeSchemas(properties[key]!, schema) : schema;
  }
  return {
    ...base,
    ...next,
    properties,
    required: [...new Set([...(base.required ?? []), ...(next.required ?? [])])],
  };
}

/**
 * Several interfaces written into one file. Subclass it and declare `dataInterfaceClasses`, or use
 * {@link ConverterPipe} with ready interfaces.
 *
 * @example
 * ```ts
 * class SessionConverter extends NWBConverter {
 *   static override dataInterfaceClasses = { Recording: SpikeGLXRecordingInterface, Sorting: PhySortingInterface };
 * }
 * const converter = new SessionConverter({ Recording: { filePath }, Sorting: { folderPath } });
 * await converter.runConversion({ nwbfilePath: "session.nwb", metadata });
 * ```
 */
export class NWBConverter extends Conversion<ConverterOptions> {
  static dataInterfaceClasses: Readonly<Record<string, DataInterfaceClass>> = {};

  /** Source schema: one property per interface, each that interface's source schema. */
  static getSourceSchema(): TObject {
    const properties = Object.fromEntries(
      Object.entries(this.dataInterfaceClasses).map(([name, cls]) => [
        name,
        Type.Optional(cls.getSourceSchema()),
      ]),
    );
    return Type.Object(properties, { additionalProperties: false });
  }

  readonly dataInterfaceObjects: Readonly<Record<string, BaseDataInterface>>;

  constructor(
    sourceData: Readonly<Record<string, object>>,
    interfaces?: Readonly<Record<string, BaseDataInterface>>,
  ) {
    super();
    if (interfaces) {
      this.dataInterfaceObjects = interfaces;
      return;
    }
    const classes = (this.constructor as typeof NWBConverter).dataInterfaceClasses;
    const unknown = Object.keys(sourceData).filter((name) => !(name in classes));
    if (unknown.length > 0) {
      throw new SourceArgumentsError(
        this.constructor.name,
        unknown.map((name) => ({
          path: name,
          value: sourceData[name],
          message: `${name} is not an interface of this converter (known: ${Object.keys(classes).join(", ")})`,
        })),
      );
    }
    this.dataInterfaceObjects = Object.fromEntries(
      Object.entries(sourceData).map(([name, data]) => [name, new classes[name]!(data as never)]),
    );
  }

  /** Metadata of every interface merged in order: later interfaces refine earlier ones. */
  getMetadata(): Metadata {
    return Object.values(this.dataInterfaceObjects).reduce<Metadata>(
      (merged, dataInterface) => mergeMetadata(merged, dataInterface.getMetadata()),
      { NWBFile: {} },
    );
  }

  getMetadataSchema(): TObject {
    const schemas = Object.values(this.dataInterfaceObjects).map((i) => i.getMetadataSchema());
    return schemas.reduce(
      (merged, schema) => mergeSchemas(merged, schema) as TObject,
      schemas[0] ?? Type.Object({}),
    );
  }

  /** Conversion options: one property per interface. */
  getConversionOptionsSchema(): TObject {
    return Type.Object(
      Object.fromEntries(
        Object.entries(this.dataInterfaceObjects).map(([name, i]) => [
          name,
          Type.Optional(i.getConversionOptionsSchema()),
        ]),
      ),
      { additionalProperties: false },
    );
  }

  /**
   * Hook to align the interfaces' clocks before writing (e.g. shift a video to the recording's TTL pulses).
   * Called by addToNwbfile; the default does nothing.
   */
  temporallyAlignDataInterfaces(_metadata: Metadata): void | Promise<void> {}

  async addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: ConverterOptions = {}): Promise<void> {
    await this.temporallyAlignDataInterfaces(metadata);
    for (const [name, dataInterface] of Object.entries(this.dataInterfaceObjects)) {
      const own = options.conversionOptions?.[name] ?? {};
      const merged = options.stubTest === undefined ? own : { stubTest: options.stubTest, ...own };
      await dataInterface.addToNwbfile(nwbfile, metadata, merged);
    }
  }
}

/**
 * A converter made from interfaces that already exist (a list, named by class and position, or a record).
 *
 * @example
 * ```ts
 * const pipe = new ConverterPipe({ ap: new SpikeGLXRecordingInterface({ filePath }), phy: new PhySortingInterface({ folderPath }) });
 * await pipe.runConversion({ nwbfilePath: "session.nwb", metadata });
 * ```
 */
export class ConverterPipe extends NWBConverter {
  constructor(dataInterfaces: readonly BaseDataInterface[] | Readonly<Record<string, BaseDataInterface>>) {
    const named = Array.isArray(dataInterfaces)
      ? Object.fromEntries(dataInterfaces.map((i, index) => [`${i.constructor.name}${index}`, i]))
      : (dataInterfaces as Readonly<Record<string, BaseDataInterface>>);
    super({}, named);
  }
}
