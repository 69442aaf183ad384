/**
 * Writing patch-clamp sweeps into the NWB icephys layout, from any format: one IntracellularElectrode per
 * input channel, one response series (and its stimulus, when known) per channel and sweep, one row per
 * pair in the IntracellularRecordingsTable, each sweep a row of the SimultaneousRecordingsTable, each
 * protocol run a row of the SequentialRecordingsTable, and (for several runs) the Repetitions and
 * ExperimentalConditions tables. Several calls add to the same tables (one call per file of a cell).
 */
import { firstRows } from "../../data/lazy.js";
import type { TimeSeries } from "../../nwb/containers/base.js";
import { Device } from "../../nwb/containers/ecephys.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { GroupNode } from "../../nwb/containers/node.js";
import { DynamicTable } from "../../nwb/containers/table.js";
import type { IcephysMetadata, Metadata } from "../metadata/schema.js";
import {
  addGroupingTable,
  addIntracellularElectrode,
  type ClampMode,
  createResponseSeries,
  createStimulusSeries,
  type IcephysGroupingName,
  intracellularRecordings,
  type PatchClampData,
} from "./nwbObjects.js";

export type { ClampMode, PatchClampData };

/** Samples kept per series in a stub conversion. */
const STUB_SAMPLES = 100;

/** One channel of one sweep. */
export interface IcephysRecording {
  /** Name of the electrode (an entry of `IcephysSequence.electrodes`). */
  readonly electrode: string;
  readonly clampMode: ClampMode;
  /** Sampling rate in Hz. */
  readonly rate: number;
  /** Start of the sweep in seconds from the start of its source file. */
  readonly startTime: number;
  readonly response: PatchClampData;
  /** The command played during the sweep, when known (never for currentZero). */
  readonly stimulus?: PatchClampData;
  /** Volts per ampere (voltage clamp) or volts per volt (current clamp). */
  readonly gain?: number;
  readonly comments?: string;
}

/** Defaults for an electrode, from the source; `Icephys.IntracellularElectrodes` metadata refines them. */
export interface IcephysElectrodeDefaults {
  readonly name: string;
  readonly description: string;
}

/** The sweeps of one protocol run (one source file). */
export interface IcephysSequence {
  /** Name of the protocol; the stimulus description of every series and the sequence's stimulus type. */
  readonly stimulusType: string;
  readonly electrodes: readonly IcephysElectrodeDefaults[];
  readonly device: { readonly name: string; readonly description: string; readonly manufacturer?: string };
  /** Seconds from the session start to the start of this run. */
  readonly offset: number;
  /** Sweeps in order, each the recordings of every channel. */
  readonly sweeps: readonly (readonly IcephysRecording[])[];
}

/** How sweeps are written into the icephys tables (stub mode, grouping of several files). */
export interface IcephysWriteOptions {
  readonly stubTest?: boolean;
}

const RESPONSE_PREFIX: Record<ClampMode, string> = {
  voltageClamp: "voltage_clamp",
  currentClamp: "current_clamp",
  currentZero: "izero",
};

function section(nwbfile: NWBFile): GroupNode {
  return nwbfile.generalSection("intracellular_ephys");
}

function groupingTable(nwbfile: NWBFile, name: IcephysGroupingName): DynamicTable {
  const existing = section(nwbfile).get(name);
  if (existing instanceof DynamicTable) return existing;
  return addGroupingTable(nwbfile, name);
}

function icephysOf(metadata: Metadata): IcephysMetadata {
  return metadata.Icephys ?? {};
}

function deviceFor(nwbfile: NWBFile, sequence: IcephysSequence, metadata: Metadata): Device {
  const given = icephysOf(metadata).Device?.[0];
  const name = given?.name ?? sequence.device.name;
  return (
    nwbfile.getDevice(name) ??
    nwbfile.addDevice(
      new Device({
        name,
        description: given?.description ?? sequence.device.description,
        manufacturer: given?.manufacturer ?? sequence.device.manufacturer,
      }),
    )
  );
}

function electrodeFor(
  nwbfile: NWBFile,
  defaults: IcephysElectrodeDefaults,
  device: Device,
  metadata: Metadata,
): GroupNode {
  const existing = section(nwbfile).get(defaults.name);
  if (existing instanceof GroupNode) return existing;
  const given = icephysOf(metadata).IntracellularElectrodes?.find((e) => e.name === defaults.name);
  return addIntracellularElectrode(nwbfile, { ...defaults, ...given, device });
}

/**
 * Adds one protocol run: its electrodes (once per file), series, and table rows. Returns the row of the
 * SequentialRecordingsTable it added.
 *
 * @example
 * ```ts
 * addIcephysSequence(nwbfile, { stimulusType: "IV steps", electrodes, device, offset: 0, sweeps }, metadata);
 * ```
 */
export function addIcephysSequence(
  nwbfile: NWBFile,
  sequence: IcephysSequence,
  metadata: Metadata,
  options: IcephysWriteOptions = {},
): number {
  const device = deviceFor(nwbfile, sequence, metadata);
  const electrodes = new Map(
    sequence.electrodes.map((e) => [e.name, electrodeFor(nwbfile, e, device, metadata)] as const),
  );
  const channelOf = new Map(sequence.electrodes.map((e, k) => [e.name, k] as const));
  const recordings = intracellularRecordings(nwbfile);
  const simultaneous = groupingTable(nwbfile, "simultaneous_recordings");
  const sequential = groupingTable(nwbfile, "sequential_recordings");
  const sweepRows: number[] = [];
  for (const sweep of sequence.sweeps) {
    // sweeps are numbered across every run of the file, from 1 in names and from 0 in sweep_number
    const sweepNumber = simultaneous.length;
    const label = String(sweepNumber + 1).padStart(2, "0");
    const rows: number[] = [];
    for (const recording of sweep) {
      const electrode = electrodes.get(recording.electrode);
      if (!electrode) throw new Error(`no electrode '${recording.electrode}' in this sequence`);
      const channel = channelOf.get(recording.electrode);
      const common = {
        electrode,
        rate: recording.rate,
        startingTime: sequence.offset + recording.startTime,
        stimulusDescription: recording.clampMode === "currentZero" ? "N/A" : sequence.stimulusType,
        sweepNumber,
        gain: recording.gain,
      };
      const trimmed = (d: PatchClampData): PatchClampData =>
        options.stubTest ? { ...d, data: firstRows(d.data, STUB_SAMPLES) } : d;
      const response = createResponseSeries(recording.clampMode, {
        ...common,
        ...trimmed(recording.response),
        name: `${RESPONSE_PREFIX[recording.clampMode]}-response-${label}-ch-${channel}`,
        description: `Response to: ${sequence.stimulusType}`,
        comments: recording.comments,
      });
      nwbfile.addAcquisition(response);
      let stimulus: TimeSeries | undefined;
      if (recording.stimulus && recording.clampMode !== "currentZero") {
        stimulus = nwbfile.addStimulus(
          createStimulusSeries(recording.clampMode, {
            ...common,
            ...trimmed(recording.stimulus),
            name: `stimulus-${label}-ch-${channel}`,
            description: `Command of protocol ${sequence.stimulusType}`,
          }),
        );
      }
      rows.push(recordings.addRecording(electrode, response, stimulus));
    }
    sweepRows.push(simultaneous.addRow({ recordings: rows }));
  }
  return sequential.addRow({ simultaneous_recordings: sweepRows, stimulus_type: sequence.stimulusType });
}

/**
 * Groups protocol runs (rows of the SequentialRecordingsTable) into repetitions, and repetitions into
 * experimental conditions: `groups` maps each condition name to its repetitions, each a list of runs.
 */
export function addIcephysRepetitions(
  nwbfile: NWBFile,
  groups: ReadonlyMap<string, readonly (readonly number[])[]>,
): void {
  const sequential = section(nwbfile).get("sequential_recordings");
  if (!(sequential instanceof DynamicTable)) throw new Error("no sequential recordings to group");
  const repetitions = groupingTable(nwbfile, "repetitions");
  const conditions = addGroupingTable(nwbfile, "experimental_conditions", [
    { name: "condition", description: "Name of the experimental condition.", dtype: "utf8" },
  ]);
  for (const [condition, runs] of groups) {
    const rows = runs.map((run) => repetitions.addRow({ sequential_recordings: run }));
    conditions.addRow({ repetitions: rows, condition });
  }
}
