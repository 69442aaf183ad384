/**
 * Command-line flags for an interface's source arguments, derived from its TypeBox source schema, so every
 * registered interface (today's and future ones) gets its flags without CLI code: `streamName` becomes
 * `--stream-name <value>`, integers and numbers are parsed, string lists are comma-separated
 * (`--exclude-streams a,b`), booleans are bare flags (`--keep-good-only`). The values are then checked by the
 * same schema when the interface is constructed.
 */
import type { TObject, TSchema } from "@sinclair/typebox";
import { InvalidArgumentError, Option } from "commander";

/** Flags the `convert`/`metadata` commands define themselves; a source argument with the same name is prefixed. */
const RESERVED = new Set([
  "output",
  "metadata",
  "overwrite",
  "stub-test",
  "compression",
  "compression-level",
  "timezone",
  "session-start-time",
  "progress",
  "no-progress",
  "help",
  "verbose",
  "version",
  "jobs",
]);

interface JsonSchema {
  type?: string;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  default?: unknown;
  description?: string;
}

/** One source argument as a flag. */
export interface SourceFlag {
  /** The schema's property, e.g. "streamName". */
  readonly property: string;
  /** The flag without dashes, e.g. "stream-name". */
  readonly flag: string;
  readonly option: Option;
}

export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase();
}

/** The literal choices of a union of literals or an enum, when the schema is one. */
function choicesOf(schema: JsonSchema): string[] | undefined {
  if (schema.enum) return schema.enum.map(String);
  if (schema.anyOf?.every((s) => s.const !== undefined)) return schema.anyOf.map((s) => String(s.const));
  return undefined;
}

function parseNumber(type: string, flag: string) {
  return (text: string): number => {
    const value = Number(text);
    if (text.trim() === "" || Number.isNaN(value) || (type === "integer" && !Number.isInteger(value))) {
      throw new InvalidArgumentError(`--${flag} needs ${type === "integer" ? "an integer" : "a number"}`);
    }
    return value;
  };
}

/** The value parser of a schema that is neither a plain string, number nor boolean: JSON text. */
function parseJson(flag: string) {
  return (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new InvalidArgumentError(`--${flag} needs a JSON value`);
    }
  };
}

function describeFlag(property: string, schema: JsonSchema, required: boolean): string {
  const text = schema.description ?? property;
  return required ? `${text} (required)` : text;
}

/**
 * Flags for every source argument of `schema` except `positional` (the argument the path fills).
 *
 * @example
 * ```ts
 * sourceFlags(OpenEphysRecordingInterface.getSourceSchema(), "folderPath").map((f) => f.flag);
 * // ["stream-name", "block-index"]
 * ```
 */
export function sourceFlags(schema: TObject, positional: string | undefined): SourceFlag[] {
  const required = new Set(schema.required ?? []);
  const flags: SourceFlag[] = [];
  for (const [property, raw] of Object.entries(schema.properties as Record<string, TSchema>)) {
    if (property === positional) continue;
    const field = raw as JsonSchema;
    const kebab = kebabCase(property);
    const flag = RESERVED.has(kebab) ? `source-${kebab}` : kebab;
    const help = describeFlag(property, field, required.has(property));
    const choices = choicesOf(field);
    let option: Option;
    if (field.type === "boolean") {
      option =
        field.default === true
          ? new Option(`--no-${flag}`, `turn off: ${help}`)
          : new Option(`--${flag}`, help);
    } else if (choices) {
      option = new Option(`--${flag} <value>`, help).choices(choices);
    } else if (field.type === "string") {
      option = new Option(`--${flag} <value>`, help);
    } else if (field.type === "integer" || field.type === "number") {
      option = new Option(`--${flag} <n>`, help).argParser(parseNumber(field.type, flag));
    } else if (field.type === "array" && ["string", "integer", "number"].includes(field.items?.type ?? "")) {
      const item = field.items!.type!;
      const parse = item === "string" ? (t: string) => t : parseNumber(item, flag);
      option = new Option(`--${flag} <a,b,...>`, `${help} (comma-separated)`).argParser((text: string) =>
        text.split(",").map((part) => parse(part.trim())),
      );
    } else {
      option = new Option(`--${flag} <json>`, `${help} (JSON)`).argParser(parseJson(flag));
    }
    flags.push({ property, flag, option });
  }
  return flags;
}

/** The source arguments set on the command line, by schema property. */
export function sourceDataFromOptions(
  flags: readonly SourceFlag[],
  options: Record<string, unknown>,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const { property, option } of flags) {
    const value = options[option.attributeName()];
    // a boolean flag with default true becomes --no-flag: only its explicit use is passed on
    if (value === undefined || (option.negate && value === true)) continue;
    data[property] = value;
  }
  return data;
}
