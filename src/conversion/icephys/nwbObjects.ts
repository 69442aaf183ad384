/**
 * The NWB core intracellular types (IntracellularElectrode, the PatchClampSeries family, the icephys
 * tables), built with the classes generated from the schema (`coreTypes`). Every icephys object is
 * constructed here and nowhere else.
 */
import type { ChunkSource } from "../../data/lazy.js";
import type { TimeSeries } from "../../nwb/containers/base.js";
import type { Device } from "../../nwb/containers/ecephys.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import type { GroupNode } from "../../nwb/containers/node.js";
import type { ColumnSpec, DynamicTable } from "../../nwb/containers/table.js";
import * as core from "../../nwb/types/core.js";

/** The clamp of one recorded channel: what was held and what was measured. */
export type ClampMode = "voltageClamp" | "currentClamp" | "currentZero";

export interface IntracellularElectrodeOptions {
  readonly name: string;
  readonly description: string;
  readonly device: Device;
  readonly cell_id?: string;
  readonly slice?: string;
  readonly location?: string;
  readonly resistance?: string;
  readonly seal?: string;
  readonly filtering?: string;
  readonly initial_access_resistance?: string;
}

/** An IntracellularElectrode under `/general/intracellular_ephys`. */
export function addIntracellularElectrode(
  nwbfile: NWBFile,
  options: IntracellularElectrodeOptions,
): GroupNode {
  return nwbfile.generalSection("intracellular_ephys").add(new core.IntracellularElectrode(options));
}

/** Data of one response or stimulus: stored values and their scaling to SI units. */
export interface PatchClampData {
  readonly data: ChunkSource;
  /** Stored value x conversion + offset = value in amperes or volts. */
  readonly conversion: number;
  readonly offset: number;
}

export interface PatchClampSeriesOptions extends PatchClampData {
  readonly name: string;
  readonly electrode: GroupNode;
  readonly rate: number;
  readonly startingTime: number;
  readonly stimulusDescription: string;
  readonly sweepNumber: number;
  /** Volts per ampere (voltage clamp) or volts per volt (current clamp), when known. */
  readonly gain?: number;
  readonly description?: string;
  readonly comments?: string;
}

function seriesOptions(options: PatchClampSeriesOptions) {
  return {
    name: options.name,
    data: options.data,
    conversion: options.conversion,
    offset: options.offset,
    rate: options.rate,
    starting_time: options.startingTime,
    description: options.description,
    comments: options.comments,
    stimulus_description: options.stimulusDescription,
    sweep_number: options.sweepNumber,
    electrode: options.electrode,
    ...(options.gain !== undefined && Number.isFinite(options.gain) && { gain: options.gain }),
  };
}

/** A recorded response (VoltageClampSeries measures amperes; the current clamps measure volts). */
export function createResponseSeries(mode: ClampMode, options: PatchClampSeriesOptions): TimeSeries {
  const common = seriesOptions(options);
  if (mode === "voltageClamp") return new core.VoltageClampSeries(common);
  if (mode === "currentClamp") return new core.CurrentClampSeries(common);
  // I=0: no current is injected, by definition. The schema fixes these three datasets to 0; the generated
  // class leaves fixed-value datasets out, so they are set here.
  const series = new core.IZeroClampSeries(common);
  for (const field of ["bias_current", "bridge_balance", "capacitance_compensation"])
    series.setDataset(field, 0);
  return series;
}

/** The command a DAC played: volts in voltage clamp, amperes in current clamp. */
export function createStimulusSeries(
  mode: Exclude<ClampMode, "currentZero">,
  options: PatchClampSeriesOptions,
): TimeSeries {
  return mode === "voltageClamp"
    ? new core.VoltageClampStimulusSeries(seriesOptions(options))
    : new core.CurrentClampStimulusSeries(seriesOptions(options));
}

/** A row of a TimeSeriesReferenceVectorData: the whole series, or (-1, -1) for "none". */
function seriesReference(series: TimeSeries, placeholder = false) {
  return {
    idx_start: placeholder ? -1 : 0,
    count: placeholder ? -1 : (series.data.shape[0] ?? 0),
    timeseries: series,
  };
}

/**
 * IntracellularRecordingsTable: one row per (electrode, stimulus, response); an AlignedDynamicTable whose
 * categories are the electrodes, stimuli and responses sub-tables.
 */
export class IntracellularRecordings {
  readonly table: core.IntracellularRecordingsTable;
  private readonly electrodes: DynamicTable;
  private readonly stimuli: DynamicTable;
  private readonly responses: DynamicTable;

  /** Wraps an existing table (with its three sub-tables), or makes a new one. */
  constructor(existing?: core.IntracellularRecordingsTable) {
    // the writer fills the fixed descriptions of these four types from the schema
    this.table =
      existing ??
      new core.IntracellularRecordingsTable({
        name: "intracellular_recordings",
        categories: ["electrodes", "stimuli", "responses"],
        electrodes: new core.IntracellularElectrodesTable({
          name: "electrodes",
        }),
        stimuli: new core.IntracellularStimuliTable({
          name: "stimuli",
        }),
        responses: new core.IntracellularResponsesTable({
          name: "responses",
        }),
      });
    this.electrodes = this.table.get("electrodes") as DynamicTable;
    this.stimuli = this.table.get("stimuli") as DynamicTable;
    this.responses = this.table.get("responses") as DynamicTable;
  }

  /** Adds one recording and returns its row index. Without a stimulus the row says "none" (-1, -1). */
  addRecording(electrode: GroupNode, response: TimeSeries, stimulus: TimeSeries | undefined): number {
    this.electrodes.addRow({ electrode });
    this.stimuli.addRow({ stimulus: stimulus ? seriesReference(stimulus) : seriesReference(response, true) });
    this.responses.addRow({ response: seriesReference(response) });
    this.table.addRow({});
    return this.table.length - 1;
  }
}

/** The grouping tables, each a list of row sets of the table below it (its region column, from the schema). */
const GROUPINGS = {
  simultaneous_recordings: () =>
    new core.SimultaneousRecordingsTable({
      name: "simultaneous_recordings",
      description: "Recordings made at the same time from different electrodes (one sweep of every channel).",
    }),
  sequential_recordings: () =>
    new core.SequentialRecordingsTable({
      name: "sequential_recordings",
      description:
        "Simultaneous recordings made one after another with one protocol (the sweeps of one run).",
    }),
  repetitions: () =>
    new core.RepetitionsTable({
      name: "repetitions",
      description: "Sequential recordings that repeat one set of stimuli.",
    }),
  experimental_conditions: () =>
    new core.ExperimentalConditionsTable({
      name: "experimental_conditions",
      description: "Repetitions recorded under one experimental condition.",
    }),
} as const;

export type IcephysGroupingName = keyof typeof GROUPINGS;

/**
 * One of the four icephys grouping tables, under `/general/intracellular_ephys`. Its region column into the
 * table below it is the schema's (declared by the generated class; it finds that table in the file when written).
 */
export function addGroupingTable(
  nwbfile: NWBFile,
  name: IcephysGroupingName,
  extraColumns: readonly ColumnSpec[] = [],
): DynamicTable {
  const table: DynamicTable = GROUPINGS[name]();
  for (const column of extraColumns) table.addColumn(column);
  return nwbfile.generalSection("intracellular_ephys").add(table);
}

/** The IntracellularRecordingsTable of a file (under `/general/intracellular_ephys`), created on first use. */
export function intracellularRecordings(nwbfile: NWBFile): IntracellularRecordings {
  const section = nwbfile.generalSection("intracellular_ephys");
  const existing = section.get("intracellular_recordings");
  if (existing instanceof core.IntracellularRecordingsTable) return new IntracellularRecordings(existing);
  const recordings = new IntracellularRecordings();
  section.add(recordings.table);
  return recordings;
}
