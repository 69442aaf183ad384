/**
 * The conversion specification: a YAML or JSON file in NeuroConv's layout (global `metadata` and
 * `conversion_options`, `data_interfaces`, `experiments` with `sessions`), plus our `expand` block for path
 * templates. The file is checked against a published JSON schema first; every problem names its line and
 * key path in the file and the fix.
 */
import { readFile } from "node:fs/promises";
import { type Static, Type } from "@sinclair/typebox";
import { Ajv, type ErrorObject } from "ajv";
import { type Document, isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { SpecificationError, type SpecificationProblem } from "../errors.js";

const AnyObject = Type.Object({}, { additionalProperties: true });
const Metadata = Type.Object(
  {},
  { additionalProperties: true, description: "Metadata, as in --metadata files." },
);

/** Per-interface options, keyed by the interface's name in `data_interfaces`. */
const SessionConversionOptions = Type.Record(Type.String(), AnyObject, {
  description: "Conversion options per interface name, e.g. { ap: { stub_test: true } }.",
});

const Session = Type.Object(
  {
    nwbfile_name: Type.Optional(Type.String({ description: "Output file name (.nwb is added if missing)." })),
    source_data: Type.Record(Type.String(), AnyObject, {
      description: "Source arguments per interface name; relative paths are under the data folder.",
    }),
    metadata: Type.Optional(Metadata),
    conversion_options: Type.Optional(SessionConversionOptions),
  },
  { additionalProperties: false },
);

const Expand = Type.Object(
  {
    source_data: Type.Record(Type.String(), AnyObject, {
      description:
        "Source arguments per interface name; path arguments are templates such as 'study/{subject_id}/{session_id}/rec.rhd'.",
    }),
    nwbfile_name: Type.Optional(
      Type.String({ description: "Output name template, e.g. 'sub-{subject_id}_ses-{session_id}'." }),
    ),
    metadata: Type.Optional(Metadata),
    conversion_options: Type.Optional(SessionConversionOptions),
  },
  { additionalProperties: false },
);

const Experiment = Type.Object(
  {
    metadata: Type.Optional(Metadata),
    sessions: Type.Optional(Type.Array(Session)),
    expand: Type.Optional(Expand),
  },
  { additionalProperties: false },
);

/** JSON schema of a conversion specification (published as `schemas/conversion-specification.schema.json`). */
export const ConversionSpecificationSchema = Type.Object(
  {
    metadata: Type.Optional(Metadata),
    conversion_options: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: "Options for every interface, e.g. stub_test." },
      ),
    ),
    data_interfaces: Type.Record(Type.String(), Type.String(), {
      description: "Interface name used in this file -> interface class name or alias ('neuroconv list').",
    }),
    upload_to_dandiset: Type.Optional(
      Type.Union([Type.String(), Type.Number()], { description: "Accepted for NeuroConv; not used here." }),
    ),
    experiments: Type.Record(Type.String(), Experiment),
  },
  {
    title: "neuroconv conversion specification",
    additionalProperties: false,
  },
);

/** A conversion specification in NeuroConv's YAML layout (metadata, data_interfaces, experiments, sessions). */
export type ConversionSpecification = Static<typeof ConversionSpecificationSchema>;
export type SessionSpecification = Static<typeof Session>;
export type ExpandSpecification = Static<typeof Expand>;

/** A parsed specification with what is needed to point at places in its file. */
export interface LoadedSpecification {
  readonly path: string;
  readonly specification: ConversionSpecification;
  /** The problem at a key path, with its line in the file. */
  readonly problemAt: (keyPath: readonly (string | number)[], message: string) => SpecificationProblem;
}

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateSpecification = ajv.compile(ConversionSpecificationSchema);

/** Line (1-based) of the key or value at `keyPath`, for messages. */
function lineOf(
  document: Document,
  lines: LineCounter,
  keyPath: readonly (string | number)[],
): number | undefined {
  if (keyPath.length === 0) return 1;
  const parent = keyPath.length === 1 ? document.contents : document.getIn(keyPath.slice(0, -1), true);
  const last = keyPath[keyPath.length - 1];
  let offset: number | undefined;
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(last));
    offset = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
  }
  offset ??= (document.getIn(keyPath, true) as { range?: [number, number, number] } | undefined)?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** The fix for one schema error. */
function problemOf(error: ErrorObject): { keyPath: (string | number)[]; message: string } {
  const keyPath = error.instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  if (error.keyword === "additionalProperties") {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
    return {
      keyPath: [...keyPath, key],
      message: `unknown key '${key}'; allowed here: ${known.join(", ")}`,
    };
  }
  if (error.keyword === "required") {
    const key = (error.params as { missingProperty: string }).missingProperty;
    return { keyPath, message: `'${key}' is required here` };
  }
  return { keyPath, message: `${error.message ?? "invalid"}` };
}

/**
 * Reads and checks a specification file (YAML or JSON: JSON is YAML). Throws a SpecificationError listing
 * every problem with its line and key path.
 *
 * @example
 * ```ts
 * const { specification } = await loadSpecification("study.yml");
 * Object.keys(specification.experiments); // ["ymaze", "open_explore"]
 * ```
 */
export async function loadSpecification(path: string): Promise<LoadedSpecification> {
  const text = await readFile(path, "utf8");
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problemAt = (keyPath: readonly (string | number)[], message: string): SpecificationProblem => ({
    file: path,
    line: lineOf(document, lines, keyPath),
    keyPath: keyPath.join("."),
    message,
  });
  if (document.errors.length > 0) {
    throw new SpecificationError(
      document.errors.map((e) => ({
        file: path,
        line: e.linePos?.[0]?.line,
        keyPath: "",
        message: `not valid YAML: ${e.message.split("\n")[0]}`,
      })),
    );
  }
  const specification: unknown = document.toJS();
  if (!validateSpecification(specification)) {
    const problems = (validateSpecification.errors ?? []).map((error) => {
      const { keyPath, message } = problemOf(error);
      return problemAt(keyPath, message);
    });
    throw new SpecificationError(problems);
  }
  return { path, specification, problemAt };
}

/** The published JSON schema's text (draft-07, as ajv and editors' YAML plugins read it). */
export function specificationSchemaJson(): string {
  const schema = { $schema: "http://json-schema.org/draft-07/schema#", ...ConversionSpecificationSchema };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
