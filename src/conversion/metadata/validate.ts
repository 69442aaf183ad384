/**
 * Metadata validation: every problem at once, each with its path, the offending value and the fix.
 */
import type { TSchema } from "@sinclair/typebox";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { type MetadataProblem, MetadataValidationError } from "../../errors.js";
import { hasUtcOffset, localTimeZone } from "../../nwb/containers/time.js";
import type { Metadata } from "./schema.js";

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function dotted(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
}

function show(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (value === undefined) return "undefined";
  return JSON.stringify(value) ?? String(value);
}

function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : withArticle(typeof value);
}

interface HintedSchema {
  invalid?: string;
  fix?: string;
  type?: string;
  properties?: Record<string, unknown>;
}

/** One readable message per offending location, preferring the field's own `invalid`/`fix` hint. */
function describe(errors: readonly ErrorObject[]): MetadataProblem[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const key =
      error.keyword === "additionalProperties"
        ? `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}`
        : error.keyword === "required"
          ? `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`
          : error.instancePath;
    byPath.set(key, [...(byPath.get(key) ?? []), error]);
  }
  const problems: MetadataProblem[] = [];
  for (const [pointer, list] of byPath) {
    const path = dotted(pointer) || "(metadata)";
    const first = list[0]!;
    const hinted = list.map((e) => e.parentSchema as HintedSchema | undefined).find((s) => s?.fix);
    if (first.keyword === "additionalProperties") {
      const known = Object.keys((first.parentSchema as HintedSchema).properties ?? {});
      problems.push({
        path,
        value: undefined,
        message: `${path} is not a known field; remove it or fix its spelling (known: ${known.join(", ")})`,
      });
    } else if (first.keyword === "required") {
      problems.push({ path, value: undefined, message: `${path} is required; set it` });
    } else if (hinted && list.every((e) => e.keyword !== "type" || (e.parentSchema as HintedSchema)?.fix)) {
      problems.push({
        path,
        value: first.data,
        message: `${path} ${show(first.data)} ${hinted.invalid}; ${hinted.fix}`,
      });
    } else {
      const typeError = list.find((e) => e.keyword === "type");
      const message = typeError
        ? `${path} must be ${withArticle(String(typeError.params.type))}, got ${typeName(first.data)} ${show(first.data)}`
        : `${path} ${show(first.data)} ${first.message}`;
      problems.push({ path, value: first.data, message });
    }
  }
  return problems;
}

/** A copy of the metadata with Date objects turned into ISO text, as validation and writing see it. */
export function normalizeMetadata<T extends Metadata>(metadata: T): T {
  const copy = structuredClone(metadata);
  const start = copy.NWBFile?.session_start_time;
  if (start instanceof Date) copy.NWBFile.session_start_time = start.toISOString();
  const birth = copy.Subject?.date_of_birth as unknown;
  if (birth instanceof Date) copy.Subject!.date_of_birth = birth.toISOString();
  return copy;
}

/** Problems (errors) and warnings of a metadata check. */
export interface MetadataReport {
  readonly problems: readonly MetadataProblem[];
  /** Not errors, but worth fixing (e.g. a session start time without a time zone). */
  readonly warnings: readonly string[];
}

/** Checks metadata against a schema; returns every problem and warning without throwing. */
export function checkMetadata(metadata: Metadata, schema: TSchema): MetadataReport {
  const normalized = normalizeMetadata(metadata);
  const validate = compile(schema);
  const problems = validate(normalized) ? [] : describe(validate.errors ?? []);
  const warnings: string[] = [];
  const zoneless = (path: string, value: unknown) => {
    if (typeof value !== "string" || hasUtcOffset(value) || problems.some((p) => p.path === path)) return;
    warnings.push(
      `${path} '${value}' has no time zone, which NWB readers and DANDI require; this machine's zone ` +
        `(${localTimeZone()}) will be attached. If the data were recorded elsewhere, set the zone: ` +
        `withTimeZone(value, "US/Pacific") or --timezone US/Pacific`,
    );
  };
  zoneless("NWBFile.session_start_time", normalized.NWBFile?.session_start_time);
  zoneless("Subject.date_of_birth", normalized.Subject?.date_of_birth);
  return { problems, warnings };
}

/** Throws a {@link MetadataValidationError} listing every problem; returns the warnings. */
export function validateMetadataAgainst(metadata: Metadata, schema: TSchema): readonly string[] {
  const { problems, warnings } = checkMetadata(metadata, schema);
  if (problems.length > 0) throw new MetadataValidationError(problems);
  return warnings;
}

/** Validates source arguments against an interface's source schema (same messages). */
export function checkAgainstSchema(value: unknown, schema: TSchema): MetadataProblem[] {
  const validate = compile(schema);
  return validate(value) ? [] : describe(validate.errors ?? []);
}
