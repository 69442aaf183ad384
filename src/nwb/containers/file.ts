/**
 * The NWB file root and the subject.
 */
import { randomUUID } from "node:crypto";
import { defaultRegistry } from "../schema/index.js";
import { core } from "../schema/namespaces/index.js";
import { isOptional } from "../schema/registry.js";
import { type GroupSpec, typeIncOf } from "../schema/spec.js";
import type {
  NWBFileOptions as GeneratedNWBFileOptions,
  SubjectOptions as GeneratedSubjectOptions,
} from "../types/core.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import { applyFields, type FieldDefinition, fieldOf, fieldsOf } from "../types/definition.js";
import { Container, coreType, ProcessingModule } from "./base.js";
import {
  type Device,
  type ElectrodeGroup,
  type ElectrodeRegion,
  type ElectrodeRow,
  ElectrodesTable,
} from "./ecephys.js";
import { type IntervalRow, TimeIntervals, Units } from "./misc.js";
import { GroupNode } from "./node.js";
import { formatDatetime, formatZonedDatetime, localIsoNow } from "./time.js";

/** Paths of the untyped groups the schema requires in every file (acquisition, stimulus/presentation, ...). */
const REQUIRED_GROUPS: readonly (readonly string[])[] = (() => {
  const paths: string[][] = [];
  const walk = (groups: Iterable<GroupSpec>, parent: readonly string[]) => {
    for (const group of groups) {
      if (!group.name || typeIncOf(group) || isOptional(group.quantity)) continue;
      paths.push([...parent, group.name]);
      walk(group.groups ?? [], [...parent, group.name]);
    }
  };
  walk(defaultRegistry().resolve("NWBFile").namedGroups.values(), []);
  return paths;
})();

/** Version of the NWB core schema this package writes. */
export const NWB_VERSION = core.declaration.version;

/** Subject fields as the schema defines them (from the generated definition), with two conveniences. */
export type SubjectOptions = Omit<GeneratedSubjectOptions, "name" | "age__reference" | "weight"> & {
  /** "birth" (default) or "gestational". */
  readonly age__reference?: "birth" | "gestational";
  /** Weight with its unit, e.g. "0.02 kg" (a number is written as text). */
  readonly weight?: string | number;
};

/**
 * The subject of the experiment (`/general/subject`).
 *
 * @example
 * ```ts
 * nwbfile.subject = new Subject({ subject_id: "M001", sex: "M", age: "P30D", species: "Mus musculus" });
 * ```
 */
export class Subject extends Container {
  constructor(options: SubjectOptions) {
    super("Subject", "subject");
    applyFields(this, fieldsOf(coreDefinitions.Subject), {
      ...options,
      date_of_birth:
        options.date_of_birth === undefined
          ? undefined
          : formatZonedDatetime(options.date_of_birth, "date_of_birth"),
      weight: options.weight === undefined ? undefined : String(options.weight),
    });
  }
}

/** The descriptive text datasets of `/general` (experimenter, lab, keywords, ...), as the schema lists them. */
export const GENERAL_FIELDS: readonly FieldDefinition[] = fieldsOf(coreDefinitions.NWBFile).filter(
  (f) => f.path.join("/") === "general" && f.kind === "dataset" && f.targetType === undefined,
);

/** The `general__<name>` option keys of the generated NWBFile whose values are text, without the prefix. */
export type GeneralTextFields = {
  readonly [K in keyof GeneratedNWBFileOptions as K extends `general__${infer F}`
    ? F extends `${string}__${string}`
      ? never
      : GeneratedNWBFileOptions[K] extends string | readonly string[] | undefined
        ? F
        : never
    : never]?: GeneratedNWBFileOptions[K];
};

/** Descriptive fields of a session, stored under `/general` (all optional). */
export interface GeneralOptions extends GeneralTextFields {
  /** File name of `source_script` ("unknown" when not given). */
  readonly source_script_file_name?: string;
}

/** The root datasets of the generated NWBFile (session_description, session_start_time, identifier, ...). */
type RootFields = {
  readonly [K in keyof GeneratedNWBFileOptions as K extends `${string}__${string}` | "name"
    ? never
    : GeneratedNWBFileOptions[K] extends string | Date | readonly (string | Date)[]
      ? K
      : never]: GeneratedNWBFileOptions[K];
};

/** Root fields the writer fills when not given: identifier (a new UUID), timestamps_reference_time (the session start), file_create_date (now, local time zone). */
type DefaultedRootFields = "identifier" | "timestamps_reference_time" | "file_create_date";

/**
 * Options of {@link NWBFile}: the root fields as the schema defines them (`identifier`,
 * `timestamps_reference_time` and `file_create_date` have defaults: a new UUID, the session start, now) and the
 * descriptive `/general` fields. A start time given as an ISO 8601 string keeps its UTC offset.
 */
export interface NWBFileOptions
  extends GeneralOptions,
    Omit<RootFields, DefaultedRootFields>,
    Partial<Pick<RootFields, DefaultedRootFields>> {}

/** The root datasets of NWBFile, from the schema. */
const ROOT_FIELDS = fieldsOf(coreDefinitions.NWBFile).filter(
  (f) => f.path.length === 0 && f.kind === "dataset" && f.targetType === undefined,
);

/**
 * An NWB file in memory: the root group with its standard layout and helpers for the common objects.
 * Bulk data stays lazy until the file is written with `configureAndWriteNwbfile`.
 *
 * @example
 * ```ts
 * const nwbfile = new NWBFile({ session_description: "open field", session_start_time: "2024-03-01T10:00:00-08:00" });
 * nwbfile.addAcquisition(new TimeSeries({ name: "speed", data: [1, 2, 3], unit: "m/s", rate: 10 }));
 * nwbfile.addTrial({ start_time: 0, stop_time: 1 });
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "session.nwb" });
 * ```
 */
export class NWBFile extends GroupNode {
  constructor(options: NWBFileOptions) {
    super("root", coreType("NWBFile"));
    // nwb_version is a fixed value: the writer fills it
    const start = formatZonedDatetime(options.session_start_time, "session_start_time");
    const root: Readonly<Record<DefaultedRootFields | "session_start_time", unknown>> = {
      identifier: options.identifier ?? randomUUID(),
      session_start_time: start,
      timestamps_reference_time:
        options.timestamps_reference_time === undefined
          ? start
          : formatZonedDatetime(options.timestamps_reference_time, "timestamps_reference_time"),
      file_create_date: (options.file_create_date ?? [localIsoNow()]).map(formatDatetime),
    };
    applyFields(this, ROOT_FIELDS, { ...options, ...root });
    for (const path of REQUIRED_GROUPS) path.reduce<GroupNode>((group, name) => group.subgroup(name), this);
    this.setGeneral(options);
  }

  /** Sets descriptive `/general` fields (experimenter, lab, institution, ...). */
  setGeneral(fields: GeneralOptions): void {
    const given = fields as Readonly<Record<string, unknown>>;
    applyFields(this, GENERAL_FIELDS, Object.fromEntries(GENERAL_FIELDS.map((f) => [f.key, given[f.name!]])));
    if (fields.source_script !== undefined) {
      applyFields(this, [fieldOf(coreDefinitions.NWBFile, "general__source_script__file_name")], {
        general__source_script__file_name: fields.source_script_file_name ?? "unknown",
      });
    }
  }

  get sessionStartTime(): string {
    return this.datasetValue("session_start_time");
  }

  get identifier(): string {
    return this.datasetValue("identifier");
  }

  /** Adds raw acquired data (a TimeSeries or any NWBDataInterface) under `/acquisition`. */
  addAcquisition<T extends GroupNode>(object: T): T {
    return this.subgroup("acquisition").add(object);
  }

  /** Adds a result of analysis under `/analysis`. */
  addAnalysis<T extends GroupNode>(object: T): T {
    return this.subgroup("analysis").add(object);
  }

  /** Adds a presented stimulus under `/stimulus/presentation`. */
  addStimulus<T extends GroupNode>(object: T): T {
    return this.subgroup("stimulus").subgroup("presentation").add(object);
  }

  /** Adds a stimulus template under `/stimulus/templates`. */
  addStimulusTemplate<T extends GroupNode>(object: T): T {
    return this.subgroup("stimulus").subgroup("templates").add(object);
  }

  /** Creates a processing module, or returns the existing one of that name. */
  createProcessingModule(name: string, description: string): ProcessingModule {
    const existing = this.subgroup("processing").get(name);
    if (existing instanceof ProcessingModule) return existing;
    return this.subgroup("processing").add(new ProcessingModule(name, description));
  }

  addDevice(device: Device): Device {
    return this.subgroup("general").subgroup("devices").add(device);
  }

  /** The device of that name, if added. */
  getDevice(name: string): Device | undefined {
    return this.subgroup("general").subgroup("devices").get(name) as Device | undefined;
  }

  addElectrodeGroup(group: ElectrodeGroup): ElectrodeGroup {
    return this.subgroup("general").subgroup("extracellular_ephys").add(group);
  }

  getElectrodeGroup(name: string): ElectrodeGroup | undefined {
    const ephys = this.subgroup("general").get("extracellular_ephys");
    return ephys instanceof GroupNode ? (ephys.get(name) as ElectrodeGroup | undefined) : undefined;
  }

  /** The electrodes table, created on first use. */
  get electrodes(): ElectrodesTable {
    const ephys = this.subgroup("general").subgroup("extracellular_ephys");
    const existing = ephys.get("electrodes");
    return existing instanceof ElectrodesTable ? existing : ephys.add(new ElectrodesTable());
  }

  /** Appends one electrode (channel) to the electrodes table and returns its row index. */
  addElectrode(row: ElectrodeRow): number {
    this.electrodes.addElectrode(row);
    return this.electrodes.length - 1;
  }

  /** A reference to rows of the electrodes table, for an ElectricalSeries. */
  createElectrodeRegion(rows: readonly number[], description: string): ElectrodeRegion {
    const table = this.electrodes;
    for (const row of rows) {
      if (!Number.isInteger(row) || row < 0 || row >= table.length) {
        throw new RangeError(`electrode row ${row} is not in the electrodes table (${table.length} rows)`);
      }
    }
    return { table, rows, description };
  }

  /** The Units table (`/units`), created on first use and linked to the electrodes table when it exists. */
  get units(): Units {
    const existing = this.get("units");
    if (existing instanceof Units) return existing;
    const ephys = this.subgroup("general").get("extracellular_ephys");
    const electrodes = ephys instanceof GroupNode ? ephys.get("electrodes") : undefined;
    return this.add(new Units(electrodes instanceof ElectrodesTable ? { electrodes } : {}));
  }

  /** The subject; setting it replaces any previous one. */
  get subject(): Subject | undefined {
    return this.subgroup("general").get("subject") as Subject | undefined;
  }

  set subject(subject: Subject) {
    this.subgroup("general").put(subject);
  }

  /** Adds a TimeIntervals table under `/intervals` (custom intervals such as "sleep_states"). */
  addTimeIntervals(table: TimeIntervals): TimeIntervals {
    return this.subgroup("intervals").add(table);
  }

  /** The table of that name under `/intervals`, created on first use. */
  intervals(name: string, description: string): TimeIntervals {
    const existing = this.subgroup("intervals").get(name);
    return existing instanceof TimeIntervals
      ? existing
      : this.addTimeIntervals(new TimeIntervals(name, description));
  }

  get trials(): TimeIntervals {
    return this.intervals("trials", "experimental trials");
  }

  get epochs(): TimeIntervals {
    return this.intervals("epochs", "experimental epochs");
  }

  addTrial(row: IntervalRow): number {
    return this.trials.addInterval(row);
  }

  addEpoch(row: IntervalRow): number {
    return this.epochs.addInterval(row);
  }

  /** A group of `/general` that holds typed objects (optophysiology, optogenetics, intracellular_ephys). */
  generalSection(name: "optophysiology" | "optogenetics" | "intracellular_ephys"): GroupNode {
    return this.subgroup("general").subgroup(name);
  }

  private datasetValue(name: string): string {
    const node = this.get(name);
    if (node && "data" in node && node.data.kind === "scalar") return String(node.data.value);
    throw new Error(`NWBFile has no ${name}`);
  }
}
