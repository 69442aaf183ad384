/**
 * The NWB core intracellular types (IntracellularElectrode, the PatchClampSeries family, the icephys
 * tables), built with the generic containers. Every icephys object is constructed here and nowhere else, so
 * this one file switches when typed classes generated from the schema become available.
 */
import type { ChunkSource } from "../../data/lazy.js";
import { Container, coreType, TimeSeries } from "../../nwb/containers/base.js";
import type { Device } from "../../nwb/containers/ecephys.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import type { GroupNode, TypeIdentity } from "../../nwb/containers/node.js";
import { type ColumnSpec, DynamicTable } from "../../nwb/containers/table.js";

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
  const electrode = new Container("IntracellularElectrode", options.name);
  electrode.setDataset("description", options.description);
  for (const field of [
    "cell_id",
    "slice",
    "location",
    "resistance",
    "seal",
    "filtering",
    "initial_access_resistance",
  ] as const) {
    electrode.setDataset(field, options[field]);
  }
  electrode.setLink("device", options.device);
  return nwbfile.generalSection("intracellular_ephys").add(electrode);
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

const RESPONSE_TYPES: Record<ClampMode, string> = {
  voltageClamp: "VoltageClampSeries",
  currentClamp: "CurrentClampSeries",
  currentZero: "IZeroClampSeries",
};

/** A recorded response (VoltageClampSeries measures amperes; the current clamps measure volts). */
export function createResponseSeries(mode: ClampMode, options: PatchClampSeriesOptions): TimeSeries {
  const series = patchClampSeries(
    coreType(RESPONSE_TYPES[mode]),
    mode === "voltageClamp" ? "amperes" : "volts",
    options,
  );
  if (mode === "currentZero") {
    // IZeroClampSeries: no current is injected, by definition
    for (const field of ["bias_current", "bridge_balance", "capacitance_compensation"]) {
      series.setDataset(field, 0, "float32");
    }
  }
  return series;
}

/** The command a DAC played: volts in voltage clamp, amperes in current clamp. */
export function createStimulusSeries(
  mode: Exclude<ClampMode, "currentZero">,
  options: PatchClampSeriesOptions,
): TimeSeries {
  return mode === "voltageClamp"
    ? patchClampSeries(coreType("VoltageClampStimulusSeries"), "volts", options)
    : patchClampSeries(coreType("CurrentClampStimulusSeries"), "amperes", options);
}

function patchClampSeries(type: TypeIdentity, unit: string, options: PatchClampSeriesOptions): TimeSeries {
  const series = new TimeSeries(
    {
      name: options.name,
      data: options.data,
      unit,
      conversion: options.conversion,
      offset: options.offset,
      rate: options.rate,
      starting_time: options.startingTime,
      description: options.description,
      comments: options.comments,
    },
    type,
  );
  series.setAttribute("stimulus_description", options.stimulusDescription);
  series.setAttribute("sweep_number", options.sweepNumber, "uint32");
  if (options.gain !== undefined && Number.isFinite(options.gain))
    series.setDataset("gain", options.gain, "float32");
  series.setLink("electrode", options.electrode);
  return series;
}

/** A row of a TimeSeriesReferenceVectorData: the whole series, or (-1, -1) for "none". */
function seriesReference(series: TimeSeries, placeholder = false) {
  return {
    idx_start: placeholder ? -1 : 0,
    count: placeholder ? -1 : (series.data.shape[0] ?? 0),
    timeseries: series,
  };
}

const SERIES_REFERENCE_DTYPE = {
  compound: [
    { name: "idx_start", dtype: "int32" },
    { name: "count", dtype: "int32" },
    { name: "timeseries", dtype: "objectref" },
  ],
} as const;

/** A sub-table of the IntracellularRecordingsTable with its one standard column. */
function categoryTable(name: string, type: string, description: string, column: ColumnSpec): DynamicTable {
  return new DynamicTable({ name, description, columns: [column] }, coreType(type));
}

/**
 * IntracellularRecordingsTable: one row per (electrode, stimulus, response); an AlignedDynamicTable whose
 * categories are the electrodes, stimuli and responses sub-tables.
 */
export class IntracellularRecordingsTable extends DynamicTable {
  private readonly electrodes = categoryTable(
    "electrodes",
    "IntracellularElectrodesTable",
    "Table for storing intracellular electrode related metadata.",
    {
      name: "electrode",
      description: "Column for storing the reference to the intracellular electrode.",
      dtype: "objectref",
    },
  );
  private readonly stimuli = categoryTable(
    "stimuli",
    "IntracellularStimuliTable",
    "Table for storing intracellular stimulus related metadata.",
    {
      name: "stimulus",
      description: "Column storing the reference to the recorded stimulus for the recording (rows).",
      dtype: SERIES_REFERENCE_DTYPE,
      columnType: coreType("TimeSeriesReferenceVectorData"),
    },
  );
  private readonly responses = categoryTable(
    "responses",
    "IntracellularResponsesTable",
    "Table for storing intracellular response related metadata.",
    {
      name: "response",
      description: "Column storing the reference to the recorded response for the recording (rows).",
      dtype: SERIES_REFERENCE_DTYPE,
      columnType: coreType("TimeSeriesReferenceVectorData"),
    },
  );

  constructor() {
    super(
      {
        name: "intracellular_recordings",
        description:
          "A table to group together a stimulus and response from a single electrode and a single simultaneous recording and for storing metadata about the intracellular recording.",
      },
      coreType("IntracellularRecordingsTable"),
    );
    this.add(this.electrodes);
    this.add(this.stimuli);
    this.add(this.responses);
  }

  /** Adds one recording and returns its row index. Without a stimulus the row says "none" (-1, -1). */
  addRecording(electrode: GroupNode, response: TimeSeries, stimulus: TimeSeries | undefined): number {
    this.electrodes.addRow({ electrode });
    this.stimuli.addRow({ stimulus: stimulus ? seriesReference(stimulus) : seriesReference(response, true) });
    this.responses.addRow({ response: seriesReference(response) });
    this.addRow({});
    return this.length - 1;
  }

  override prepareForWrite(): void {
    super.prepareForWrite();
    this.setAttribute("categories", ["electrodes", "stimuli", "responses"], "utf8");
  }
}

/** The grouping tables, each a list of row sets of the table below it. */
const GROUPINGS = {
  simultaneous_recordings: {
    type: "SimultaneousRecordingsTable",
    column: "recordings",
    description: "Recordings made at the same time from different electrodes (one sweep of every channel).",
    columnDescription: "Rows of the IntracellularRecordingsTable recorded together.",
  },
  sequential_recordings: {
    type: "SequentialRecordingsTable",
    column: "simultaneous_recordings",
    description:
      "Simultaneous recordings made one after another with one stimulus type (the sweeps of one protocol run).",
    columnDescription: "Rows of the SimultaneousRecordingsTable recorded in sequence.",
  },
  repetitions: {
    type: "RepetitionsTable",
    column: "sequential_recordings",
    description: "Sequential recordings that repeat one set of stimuli.",
    columnDescription: "Rows of the SequentialRecordingsTable that form one repetition.",
  },
  experimental_conditions: {
    type: "ExperimentalConditionsTable",
    column: "repetitions",
    description: "Repetitions recorded under one experimental condition.",
    columnDescription: "Rows of the RepetitionsTable recorded under this condition.",
  },
} as const;

export type IcephysGroupingName = keyof typeof GROUPINGS;

/** One of the four icephys grouping tables, under `/general/intracellular_ephys`. */
export function addGroupingTable(
  nwbfile: NWBFile,
  name: IcephysGroupingName,
  lower: DynamicTable,
  extraColumns: readonly ColumnSpec[] = [],
): DynamicTable {
  const spec = GROUPINGS[name];
  const table = new DynamicTable({ name, description: spec.description }, coreType(spec.type));
  table.addColumn({ name: spec.column, description: spec.columnDescription, index: true, table: lower });
  for (const column of extraColumns) table.addColumn(column);
  return nwbfile.generalSection("intracellular_ephys").add(table);
}

/** The IntracellularRecordingsTable of a file, under `/general/intracellular_ephys`. */
export function addIntracellularRecordingsTable(nwbfile: NWBFile): IntracellularRecordingsTable {
  return nwbfile.generalSection("intracellular_ephys").add(new IntracellularRecordingsTable());
}
