/**
 * Med-PC IV text output (Med Associates operant boxes) as ndx-events EventsTables and a table of variables.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { type MedPCSession, readMedPCFile } from "../../formats/medpc/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { DynamicTable } from "../../nwb/containers/table.js";
import { EventsTable } from "../../nwb/types/ndxEvents.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const MedPCSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The Med-PC IV text output file (one or more sessions)." }),
    sessionIndex: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "Which session of the file to convert, from 0 (default: the first).",
      }),
    ),
    sessionConditions: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description:
          'The session whose header has these values, e.g. {"Subject": "95.259", "Start Date": "04/10/19"}.',
      }),
    ),
    variableNames: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Names for the program\'s variables, e.g. {"B": "reward_times"} (default: the letters).',
      }),
    ),
    eventArrays: Type.Optional(
      Type.Array(Type.String({ pattern: "^[A-Z]$" }), {
        description:
          "The arrays that hold event times (default: every array whose values never decrease, after Med-PC's trailing zeros and a negative end mark).",
      }),
    ),
    secondsPerUnit: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          "Seconds per unit of the event times (default 1: the program records seconds; 0.01 for 10 ms ticks).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Source arguments of {@link MedPCInterface}. */
export type MedPCSource = Static<typeof MedPCSourceSchema>;

/** How a session is named in messages: its index, subject, box and start. */
function describeSession(session: MedPCSession): string {
  const h = session.header;
  return `${session.index} (Subject ${h.get("Subject") ?? "?"}, Box ${h.get("Box") ?? "?"}, ${h.get("Start Date") ?? "?"} ${h.get("Start Time") ?? ""})`.replace(
    / \)$/,
    ")",
  );
}

/**
 * An array as event times: its values without Med-PC's zero padding at the end and without a negative end
 * mark (programs "seal" arrays with e.g. -987.987), when what remains never decreases and is not negative.
 */
export function medPCEventTimes(values: Float64Array): Float64Array | undefined {
  let end = values.length;
  while (end > 0 && values[end - 1] === 0) end--;
  if (end > 0 && values[end - 1]! < 0) end--;
  if (end === 0) return undefined;
  const times = values.subarray(0, end);
  for (let i = 0; i < end; i++) {
    if (times[i]! < 0 || (i > 0 && times[i]! < times[i - 1]!)) return undefined;
  }
  return times;
}

/**
 * One session of a Med-PC IV text file: every array whose values are times (see {@link medPCEventTimes}, or
 * the `eventArrays` given) as an ndx-events `EventsTable` named after the variable, and every variable
 * (scalars and arrays, values as written) as rows of the DynamicTable "MedPCVariables", all in
 * processing/behavior. The header gives the session start (`Start Date` + `Start Time`, local time), the
 * subject id (`Subject`) and the protocol (`MSN`). A file with several sessions converts the one chosen by
 * `sessionIndex` or `sessionConditions` (default the first) and names the others in a warning.
 * EventsTable rather than a core TimeSeries: the events carry no value, and a TimeSeries would need made-up
 * data (NeuroConv writes ndx-events Events for the same reason).
 *
 * @example
 * ```ts
 * const medpc = new MedPCInterface({ filePath: "example_medpc_file_06_06_2024.txt", sessionIndex: 1,
 *   variableNames: { B: "reward_times", C: "left_nose_pokes" } });
 * await medpc.runConversion({ nwbfilePath: "medpc.nwb" });
 * ```
 */
export class MedPCInterface extends BaseDataInterface<MedPCSource> {
  static override displayName = "Med-PC";
  static override keywords = ["Med-PC", "Med Associates", "operant", "behavior", "events"];
  static override associatedSuffixes = [".txt"];
  static override info =
    "Med-PC IV text output: event-time arrays as ndx-events tables, variables as a table.";
  static override sourceSchema: TObject = MedPCSourceSchema;

  /** Every session of the file. */
  readonly sessions: readonly MedPCSession[];
  /** The session converted. */
  readonly session: MedPCSession;

  constructor(sourceData: MedPCSource) {
    super(sourceData);
    this.sessions = readMedPCFile(sourceData.filePath);
    this.session = this.pickSession();
    if (this.sessions.length > 1) {
      const others = this.sessions.filter((s) => s !== this.session).map(describeSession);
      emitNeuroconvWarning(
        `${sourceData.filePath}: converting session ${describeSession(this.session)}; the file has ${this.sessions.length} sessions, the others are left out: ${others.join("; ")}. Choose one with sessionIndex or sessionConditions`,
      );
    }
  }

  private pickSession(): MedPCSession {
    const { sessionIndex, sessionConditions, filePath } = this.sourceData;
    if (sessionIndex !== undefined && sessionConditions !== undefined) {
      throw new SourceDataError(filePath, "give sessionIndex or sessionConditions, not both");
    }
    if (sessionIndex !== undefined) {
      const session = this.sessions[sessionIndex];
      if (!session) {
        throw new SourceDataError(
          filePath,
          `sessionIndex ${sessionIndex}: the file has ${this.sessions.length} sessions (0 to ${this.sessions.length - 1})`,
        );
      }
      return session;
    }
    if (sessionConditions === undefined) return this.sessions[0]!;
    const matching = this.sessions.filter((s) =>
      Object.entries(sessionConditions).every(([key, value]) => s.header.get(key) === value),
    );
    if (matching.length !== 1) {
      throw new SourceDataError(
        filePath,
        `sessionConditions ${JSON.stringify(sessionConditions)} match ${matching.length} sessions, not one; the sessions are ${this.sessions.map(describeSession).join("; ")}`,
      );
    }
    return matching[0]!;
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.session.startTime;
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const header = this.session.header;
    const msn = header.get("MSN");
    if (msn) metadata.NWBFile.protocol = msn;
    const experiment = header.get("Experiment");
    if (experiment && experiment !== "0") metadata.NWBFile.experiment_description = experiment;
    const subject = header.get("Subject");
    if (subject) metadata.Subject = { ...metadata.Subject, subject_id: subject };
    return metadata;
  }

  private nameOf(letter: string): string {
    return this.sourceData.variableNames?.[letter] ?? letter;
  }

  override addToNwbfile(nwbfile: NWBFile, _metadata: Metadata, options?: StandardConversionOptions): void {
    const { session, sourceData } = this;
    const scale = sourceData.secondsPerUnit ?? 1;
    const behavior = nwbfile.createProcessingModule("behavior", "processed behavioral data");
    const chosen = sourceData.eventArrays;
    for (const letter of chosen ?? []) {
      if (!session.arrays.has(letter)) {
        throw new SourceDataError(
          sourceData.filePath,
          `eventArrays: session ${session.index} has no array ${letter}; it has ${[...session.arrays.keys()].join(", ")}`,
        );
      }
    }
    for (const [letter, values] of session.arrays) {
      if (chosen && !chosen.includes(letter)) continue;
      const times = chosen ? (medPCEventTimes(values) ?? values) : medPCEventTimes(values);
      if (!times) continue;
      const count = options?.stubTest ? Math.min(100, times.length) : times.length;
      const events = new EventsTable({
        name: this.nameOf(letter),
        description: `Times of Med-PC array ${letter}${this.nameOf(letter) === letter ? "" : ` (${this.nameOf(letter)})`} of program ${session.header.get("MSN") ?? "?"}, in seconds from the session start (values × ${scale}).`,
      });
      for (let i = 0; i < count; i++) events.addRow({ timestamp: times[i]! * scale });
      behavior.add(events);
    }
    const header = Object.fromEntries(session.header);
    const table = new DynamicTable({
      name: "MedPCVariables",
      description: `Every variable of the Med-PC session as written (scalars: one value; arrays: all values). Header: ${JSON.stringify(header)}`,
    });
    table.addColumn({
      name: "variable",
      description: "The program's variable (letter) or the name given for it.",
    });
    table.addColumn({ name: "kind", description: "'scalar' or 'array'." });
    table.addColumn({ name: "values", description: "The values as written.", dtype: "float64", index: true });
    for (const [letter, value] of session.scalars)
      table.addRow({ variable: this.nameOf(letter), kind: "scalar", values: [value] });
    for (const [letter, values] of session.arrays)
      table.addRow({ variable: this.nameOf(letter), kind: "array", values: [...values] });
    behavior.add(table);
  }
}
