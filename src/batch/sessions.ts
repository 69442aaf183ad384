/**
 * From a checked specification to the list of sessions to convert: interface classes looked up, source
 * arguments in our names (NeuroConv's snake_case and argument forms accepted), paths made absolute and
 * checked, `expand` templates expanded, metadata merged global -> experiment -> session.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { kebabCase } from "../cli/sourceOptions.js";
import { unknownInterfaceMessage } from "../cli/suggest.js";
import { mergeMetadata } from "../conversion/metadata/merge.js";
import { SpecificationError, type SpecificationProblem } from "../errors.js";
import { findInterface, type RegisteredInterface } from "../interfaces/registry.js";
import { expandTemplate, fillTemplate, parseCapturedDateTime, templateFields } from "./expand.js";
import type { LoadedSpecification } from "./specification.js";

type Json = Record<string, unknown>;

/** One session to convert: everything a worker process needs, as plain JSON. */
export interface PlannedSession {
  readonly experiment: string;
  /** Output file name without `.nwb`. */
  readonly name: string;
  readonly outputPath: string;
  /** Interface name in the specification -> registered class name and its source arguments. */
  readonly interfaces: Readonly<Record<string, { readonly className: string; readonly sourceData: Json }>>;
  /** The user's metadata (global, experiment, session and captured fields merged); refines the sources'. */
  readonly metadata: Json;
  /** Conversion options per interface name, in our names. */
  readonly conversionOptions: Readonly<Record<string, Json>>;
}

/** The schema property `key` names: the same name, or the same words in snake_case (`file_path` -> `filePath`). */
function propertyNamed(properties: readonly string[], key: string): string | undefined {
  return properties.find((p) => p === key) ?? properties.find((p) => kebabCase(p) === kebabCase(key));
}

/** Whether a source argument is a path (resolved against the data folder): `filePath`, `folderPath`, `...Paths`. */
function isPathArgument(property: string): boolean {
  return /(^p|P)aths?$/.test(property);
}

interface Context {
  readonly loaded: LoadedSpecification;
  readonly interfaces: Readonly<Record<string, RegisteredInterface>>;
  readonly dataFolder: string;
  readonly problems: SpecificationProblem[];
}

/** Source arguments of one interface in our names with absolute paths; problems are collected. */
function sourceArguments(
  context: Context,
  interfaceName: string,
  given: Json,
  at: (string | number)[],
): Json {
  const { cls } = context.interfaces[interfaceName]!;
  const properties = Object.keys(cls.getSourceSchema().properties);
  // paths first, so that an interface's translation of NeuroConv's form sees real folders
  const resolved = Object.fromEntries(
    Object.entries(given).map(([key, value]) => [
      key,
      isPathArgument(camelCase(key)) ? resolvePaths(context, value, [...at, key]) : value,
    ]),
  );
  let translated = resolved;
  try {
    translated = cls.fromNeuroconvSourceData?.(resolved) ?? resolved;
  } catch (error) {
    context.problems.push(context.loaded.problemAt(at, (error as Error).message));
    return {};
  }
  const data: Json = {};
  for (const [key, value] of Object.entries(translated)) {
    const property = propertyNamed(properties, key);
    if (property) data[property] = value;
    else {
      context.problems.push(
        context.loaded.problemAt(
          [...at, key],
          `${cls.name} has no source argument '${key}'; it takes: ${properties.join(", ")}`,
        ),
      );
    }
  }
  return data;
}

function resolvePaths(context: Context, value: unknown, at: (string | number)[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolvePaths(context, v, [...at, i]));
  if (typeof value !== "string") return value;
  const path = isAbsolute(value) ? value : resolve(context.dataFolder, value);
  if (!existsSync(path)) {
    context.problems.push(
      context.loaded.problemAt(
        at,
        `'${path}' does not exist; relative paths are under the data folder ${context.dataFolder} (set it with --data-folder-path)`,
      ),
    );
  }
  return path;
}

/** NeuroConv's snake_case option name in our camelCase (`stub_test` -> `stubTest`). */
function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Per-interface conversion options: the global ones for every interface, refined by the session's (as
 * NeuroConv does). Option schemas belong to interface instances, so names are translated by spelling here
 * and checked when the session is converted.
 */
function conversionOptionsOf(
  context: Context,
  names: readonly string[],
  session: Json | undefined,
): Record<string, Json> {
  const global = (context.loaded.specification.conversion_options ?? {}) as Json;
  return Object.fromEntries(
    names.map((name) => {
      const merged = { ...global, ...((session?.[name] ?? {}) as Json) };
      return [name, Object.fromEntries(Object.entries(merged).map(([k, v]) => [camelCase(k), v]))];
    }),
  );
}

/** Metadata fields NeuroConv's path expander fills from captured fields. */
function capturedMetadata(fields: Readonly<Record<string, string>>): { metadata: Json; problem?: string } {
  const NWBFile: Json = {};
  const Subject: Json = {};
  if (fields.session_id !== undefined) NWBFile.session_id = fields.session_id;
  if (fields.subject_id !== undefined) Subject.subject_id = fields.subject_id;
  if (fields.session_start_time !== undefined) {
    const iso = parseCapturedDateTime(fields.session_start_time);
    if (!iso) {
      return {
        metadata: {},
        problem: `captured session_start_time '${fields.session_start_time}' is not a date-time (use e.g. 2024-03-01 or 20240301T103000)`,
      };
    }
    NWBFile.session_start_time = iso;
  }
  return {
    metadata: {
      ...(Object.keys(NWBFile).length > 0 && { NWBFile }),
      ...(Object.keys(Subject).length > 0 && { Subject }),
    },
  };
}

function withNwbSuffix(name: string): string {
  return name.endsWith(".nwb") ? name.slice(0, -4) : name;
}

/**
 * Every session of a specification, in file order (experiments, then sessions or expanded matches sorted by
 * path). Throws a SpecificationError listing every problem found (unknown interface or argument, missing
 * path, template matching nothing, fields that disagree, duplicate output names).
 */
export function planSessions(
  loaded: LoadedSpecification,
  options: { dataFolder: string; outputFolder: string },
): PlannedSession[] {
  const { specification } = loaded;
  const problems: SpecificationProblem[] = [];
  const interfaces: Record<string, RegisteredInterface> = {};
  for (const [name, className] of Object.entries(specification.data_interfaces)) {
    const entry = findInterface(className);
    if (entry) interfaces[name] = entry;
    else problems.push(loaded.problemAt(["data_interfaces", name], unknownInterfaceMessage(className)));
  }
  if (problems.length > 0) throw new SpecificationError(problems);
  const context: Context = { loaded, interfaces, dataFolder: resolve(options.dataFolder), problems };
  const globalMetadata = (specification.metadata ?? {}) as Json;
  const sessions: PlannedSession[] = [];
  let counter = 0;

  const addSession = (
    experiment: string,
    experimentMetadata: Json,
    session: { nwbfile_name?: string; source_data: Json; metadata?: Json; conversion_options?: Json },
    at: (string | number)[],
    captured: Json = {},
  ) => {
    counter += 1;
    const interfaceData: Record<string, { className: string; sourceData: Json }> = {};
    for (const [name, given] of Object.entries(session.source_data)) {
      if (!interfaces[name]) {
        problems.push(
          loaded.problemAt(
            [...at, "source_data", name],
            `'${name}' is not in data_interfaces (declared: ${Object.keys(interfaces).join(", ")})`,
          ),
        );
        continue;
      }
      interfaceData[name] = {
        className: interfaces[name].cls.name,
        sourceData: sourceArguments(context, name, given as Json, [...at, "source_data", name]),
      };
    }
    const name = withNwbSuffix(session.nwbfile_name ?? `temp_nwbfile_name_${counter}`);
    const metadata = [experimentMetadata, captured, session.metadata ?? {}].reduce<Json>(
      (merged, next) => mergeMetadata(merged, next),
      globalMetadata,
    );
    sessions.push({
      experiment,
      name,
      outputPath: resolve(options.outputFolder, `${name}.nwb`),
      interfaces: interfaceData,
      metadata,
      conversionOptions: conversionOptionsOf(
        context,
        Object.keys(interfaceData),
        session.conversion_options as Json,
      ),
    });
  };

  for (const [experimentName, experiment] of Object.entries(specification.experiments)) {
    const experimentMetadata = (experiment.metadata ?? {}) as Json;
    const at = ["experiments", experimentName];
    if (!experiment.sessions && !experiment.expand) {
      problems.push(loaded.problemAt(at, "an experiment needs 'sessions' or an 'expand' block"));
    }
    for (const [index, session] of (experiment.sessions ?? []).entries()) {
      addSession(experimentName, experimentMetadata, session, [...at, "sessions", index]);
    }
    if (experiment.expand)
      expandExperiment(
        context,
        experimentName,
        experiment.expand,
        [...at, "expand"],
        addSession,
        experimentMetadata,
      );
  }
  const byOutput = new Map<string, string>();
  for (const session of sessions) {
    const other = byOutput.get(session.outputPath);
    if (other) {
      problems.push(
        loaded.problemAt(
          ["experiments", session.experiment],
          `two sessions write ${session.outputPath} (also in experiment ${other}); give each a distinct nwbfile_name`,
        ),
      );
    }
    byOutput.set(session.outputPath, session.experiment);
  }
  if (problems.length > 0) throw new SpecificationError(problems);
  return sessions;
}

type AddSession = (
  experiment: string,
  experimentMetadata: Json,
  session: { nwbfile_name?: string; source_data: Json; metadata?: Json; conversion_options?: Json },
  at: (string | number)[],
  captured?: Json,
) => void;

/**
 * One session per match of the first templated path; every other templated argument is filled with the
 * fields found so far and must match exactly one path.
 */
function expandExperiment(
  context: Context,
  experimentName: string,
  expand: { source_data: Json; nwbfile_name?: string; metadata?: Json; conversion_options?: Json },
  at: (string | number)[],
  addSession: AddSession,
  experimentMetadata: Json,
): void {
  const { loaded, problems } = context;
  const templated: { interfaceName: string; key: string; template: string }[] = [];
  for (const [interfaceName, args] of Object.entries(expand.source_data)) {
    for (const [key, value] of Object.entries(args as Json)) {
      if (typeof value === "string" && templateFields(value).length > 0)
        templated.push({ interfaceName, key, template: value });
    }
  }
  const first = templated[0];
  if (!first) {
    problems.push(
      loaded.problemAt(
        [...at, "source_data"],
        "no source argument has a {field} template; use 'sessions' for fixed paths",
      ),
    );
    return;
  }
  const firstAt = [...at, "source_data", first.interfaceName, first.key];
  const matches = expandTemplate(context.dataFolder, first.template);
  if (matches.length === 0) {
    problems.push(
      loaded.problemAt(
        firstAt,
        `the template '${first.template}' matches nothing under ${context.dataFolder}; check the folder names and --data-folder-path`,
      ),
    );
    return;
  }
  for (const match of matches) {
    let fields = match.fields;
    const sourceData: Record<string, Json> = {};
    for (const [interfaceName, args] of Object.entries(expand.source_data))
      sourceData[interfaceName] = { ...(args as Json) };
    sourceData[first.interfaceName]![first.key] = match.path;
    let failed = false;
    for (const other of templated.slice(1)) {
      const found = expandTemplate(context.dataFolder, other.template, fields);
      if (found.length !== 1) {
        problems.push(
          loaded.problemAt(
            [...at, "source_data", other.interfaceName, other.key],
            `for ${match.path} (${Object.entries(fields)
              .map(([k, v]) => `${k}=${v}`)
              .join(
                ", ",
              )}) the template '${other.template}' matches ${found.length} paths, not one: the interfaces' fields must agree`,
          ),
        );
        failed = true;
        break;
      }
      fields = found[0]!.fields;
      sourceData[other.interfaceName]![other.key] = found[0]!.path;
    }
    if (failed) continue;
    const { metadata: captured, problem } = capturedMetadata(fields);
    if (problem) {
      problems.push(loaded.problemAt(firstAt, `${match.path}: ${problem}`));
      continue;
    }
    const name = expand.nwbfile_name
      ? fillTemplate(expand.nwbfile_name, fields)
      : match.path.replace(/[/\\]/g, "_").replace(/\.[^.]*$/, "");
    addSession(
      experimentName,
      experimentMetadata,
      { ...expand, nwbfile_name: name, source_data: sourceData },
      at,
      captured,
    );
  }
}
