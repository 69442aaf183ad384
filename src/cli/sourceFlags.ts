/**
 * Source arguments as command-line flags: every property of an interface's source schema is a flag in
 * kebab case (`samplingFrequency` -> `--sampling-frequency 30`), its value read by the property's type
 * (numbers, integers, booleans with no value, lists as repeated flags or comma-separated).
 */
import type { TObject, TSchema } from "@sinclair/typebox";
import { InvalidArgumentError } from "commander";

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function typeOf(schema: TSchema): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  const options = (schema.anyOf ?? schema.oneOf) as TSchema[] | undefined;
  return options?.every((o) => typeof o.const === "string") ? "string" : undefined;
}

function scalar(text: string, type: string | undefined, flag: string): unknown {
  if (type === "number" || type === "integer") {
    const n = Number(text);
    if (text.trim() === "" || Number.isNaN(n) || (type === "integer" && !Number.isInteger(n))) {
      throw new InvalidArgumentError(
        `${flag} needs ${type === "integer" ? "an integer" : "a number"}, got "${text}"`,
      );
    }
    return n;
  }
  if (type === "boolean") {
    if (text !== "true" && text !== "false") throw new InvalidArgumentError(`${flag} takes true or false`);
    return text === "true";
  }
  return text;
}

/**
 * Reads `--flag value` pairs against the schema. Unknown flags are an error listing the known ones.
 *
 * @example
 * ```ts
 * sourceArgumentsFromFlags(TiffImagingInterface.getSourceSchema(), ["--sampling-frequency", "30"]);
 * // { samplingFrequency: 30 }
 * ```
 */
export function sourceArgumentsFromFlags(schema: TObject, argv: readonly string[]): Record<string, unknown> {
  const byFlag = new Map(Object.keys(schema.properties).map((name) => [`--${kebab(name)}`, name]));
  const result: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = byFlag.get(flag);
    if (!name) {
      throw new InvalidArgumentError(
        `unknown option or argument '${argv[i]}'; this interface's source flags are: ${[...byFlag.keys()].join(", ") || "none"}`,
      );
    }
    const property = schema.properties[name]!;
    const type = typeOf(property);
    const next = argv[i + 1];
    const hasValue = inline !== undefined || (next !== undefined && !next.startsWith("--"));
    if (type === "boolean" && !hasValue) {
      result[name] = true;
      continue;
    }
    if (!hasValue) throw new InvalidArgumentError(`${flag} needs a value`);
    const text = inline ?? argv[++i]!;
    if (type === "array") {
      const itemType = typeOf((property as TSchema & { items: TSchema }).items);
      const previous = (result[name] as unknown[] | undefined) ?? [];
      result[name] = [...previous, ...text.split(",").map((t) => scalar(t, itemType, flag))];
    } else {
      result[name] = scalar(text, type, flag);
    }
  }
  return result;
}
