/**
 * Path templates over a data folder, as NeuroConv's LocalPathExpander does in Python: each `{field}` of
 * 'study/{subject_id}/{session_id}/recording.rhd' matches part of one path segment; every match is one
 * session with its captured fields.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** One path a template matched, with the values of its fields. */
export interface TemplateMatch {
  /** The matched path, relative to the data folder. */
  readonly path: string;
  readonly fields: Readonly<Record<string, string>>;
}

const FIELD = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The field names of a template, in order. */
export function templateFields(template: string): string[] {
  return [...template.matchAll(FIELD)].map((m) => m[1]!);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A regular expression for one path segment; fields already captured must repeat their value. */
function segmentPattern(segment: string, known: Readonly<Record<string, string>>): RegExp {
  let pattern = "";
  let last = 0;
  const seen = new Set<string>();
  for (const match of segment.matchAll(FIELD)) {
    pattern += escapeRegExp(segment.slice(last, match.index));
    const name = match[1]!;
    if (known[name] !== undefined) pattern += escapeRegExp(known[name]);
    else if (seen.has(name)) pattern += `\\k<${name}>`;
    else {
      pattern += `(?<${name}>.+?)`;
      seen.add(name);
    }
    last = match.index + match[0].length;
  }
  return new RegExp(`^${pattern}${escapeRegExp(segment.slice(last))}$`);
}

function entries(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

/**
 * Every path under `dataFolder` that `template` (relative, '/'-separated) matches, sorted, with its fields.
 * Fields given in `known` must take that value (so several interfaces of one session agree).
 *
 * @example
 * ```ts
 * expandTemplate("/data", "{subject_id}/{session_id}/recording.rhd");
 * // [{ path: "m1/s1/recording.rhd", fields: { subject_id: "m1", session_id: "s1" } }, ...]
 * ```
 */
export function expandTemplate(
  dataFolder: string,
  template: string,
  known: Readonly<Record<string, string>> = {},
): TemplateMatch[] {
  const segments = template.split("/").filter((s) => s !== "" && s !== ".");
  let matches: TemplateMatch[] = [{ path: "", fields: { ...known } }];
  for (const segment of segments) {
    const next: TemplateMatch[] = [];
    for (const { path, fields } of matches) {
      const pattern = segmentPattern(segment, fields);
      for (const name of entries(join(dataFolder, path))) {
        const found = pattern.exec(name);
        if (!found) continue;
        next.push({ path: path ? `${path}/${name}` : name, fields: { ...fields, ...found.groups } });
      }
    }
    matches = next;
  }
  return matches;
}

/** `template` with every `{field}` replaced by its value (fields without a value are left as they are). */
export function fillTemplate(template: string, fields: Readonly<Record<string, string>>): string {
  return template.replace(FIELD, (whole, name: string) => fields[name] ?? whole);
}

/**
 * A captured session_start_time as ISO 8601 (no time zone unless the text has one): 2024-03-01,
 * 20240301, 2024-03-01T10-30-00, 2024-03-01_10-30-00, 20240301T103000 and ISO text are understood.
 */
export function parseCapturedDateTime(text: string): string | undefined {
  const compact =
    /^(\d{4})-?(\d{2})-?(\d{2})(?:[T_ -]?(\d{2})[-:h]?(\d{2})(?:[-:m]?(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text,
    );
  if (!compact) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = compact;
  const date = `${y}-${mo}-${d}`;
  const iso =
    h === undefined
      ? `${date}T00:00:00`
      : `${date}T${h}:${mi}:${s ?? "00"}${fraction ? `.${fraction}` : ""}${zone ?? ""}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}
