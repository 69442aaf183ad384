/**
 * Extracellular electrophysiology: Device, ElectrodeGroup, the electrodes table, ElectricalSeries, LFP.
 */

import type { Dtype } from "../../data/dtype.js";
import { toTypedArray } from "../../data/dtype.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import { columnSpec, fieldOf } from "../types/definition.js";
import { CORE, Container, coreType, TimeSeries, type TimeSeriesOptions } from "./base.js";
import { type DataInput, DatasetNode, GroupNode, type NodeReference } from "./node.js";
import { DynamicTable, ROW_INDEX_DTYPE } from "./table.js";

export interface DeviceOptions {
  readonly name: string;
  readonly description?: string;
  readonly manufacturer?: string;
}

/**
 * An acquisition device (probe, amplifier, microscope), stored under `/general/devices`.
 *
 * @example
 * ```ts
 * const probe = nwbfile.addDevice(new Device({ name: "Neuropixels", manufacturer: "Imec" }));
 * ```
 */
export class Device extends Container {
  constructor(options: DeviceOptions) {
    super("Device", options.name);
    this.setAttribute("description", options.description);
    this.setAttribute("manufacturer", options.manufacturer);
  }
}

export interface ElectrodeGroupOptions {
  readonly name: string;
  readonly description: string;
  /** Brain area, preferably from an atlas ontology; "unknown" when not known. */
  readonly location: string;
  readonly device: Device;
  /** Stereotaxic or common-framework position of the group, if known. */
  readonly position?: { x: number; y: number; z: number };
}

/**
 * Electrodes that belong together (a shank, a tetrode), stored under `/general/extracellular_ephys`.
 *
 * @example
 * ```ts
 * const shank = nwbfile.addElectrodeGroup(
 *   new ElectrodeGroup({ name: "shank0", description: "shank 0", location: "CA1", device: probe }),
 * );
 * ```
 */
export class ElectrodeGroup extends Container {
  constructor(options: ElectrodeGroupOptions) {
    super("ElectrodeGroup", options.name);
    this.setAttribute("description", options.description);
    this.setAttribute("location", options.location);
    this.setLink("device", options.device);
    if (options.position) {
      this.add(
        new DatasetNode("position", [options.position], {
          dtype: fieldOf(coreDefinitions.ElectrodeGroup, "position").dtype as Dtype,
        }),
      );
    }
  }
}

const HDMF = "hdmf-common";

/** The electrodes table's columns as NWBFile's `general/extracellular_ephys/electrodes` slot defines them. */
const ELECTRODE_COLUMNS = fieldOf(coreDefinitions.NWBFile, "general__extracellular_ephys__electrodes")
  .columns!;

/** The column spec of a predefined electrodes column. */
const electrodeColumn = (name: string) => columnSpec(ELECTRODE_COLUMNS.find((c) => c.name === name)!);

/** One row of the electrodes table; extra keys are custom columns (add them first). */
export interface ElectrodeRow {
  readonly group: ElectrodeGroup;
  readonly location?: string;
  readonly [column: string]: unknown;
}

/**
 * The file's electrodes table (`/general/extracellular_ephys/electrodes`): one row per recording channel.
 * `group` and `group_name` are filled from the ElectrodeGroup; `location` defaults to the group's.
 */
export class ElectrodesTable extends DynamicTable {
  constructor() {
    super(
      {
        name: "electrodes",
        description: "metadata about extracellular electrodes",
        columns: ELECTRODE_COLUMNS.map((c) => columnSpec(c)),
      },
      { neurodataType: "DynamicTable", namespace: HDMF },
    );
    // required by the slot, and filled from each row's group
    for (const name of ["location", "group", "group_name"]) this.addColumn(electrodeColumn(name));
  }

  addElectrode(row: ElectrodeRow, id?: number): number {
    const location = row.location ?? (row.group.getAttributeValue("location") as string);
    return this.addRow({ ...row, location, group_name: row.group.name }, id);
  }
}

export interface ElectricalSeriesOptions extends Omit<TimeSeriesOptions, "unit"> {
  /** Rows of the electrodes table that the columns of `data` come from, in column order. */
  readonly electrodes: ElectrodeRegion;
  /** Per-channel factor to volts, applied on top of `conversion` (when gains differ by channel). */
  readonly channel_conversion?: DataInput;
  /** Filtering applied to the data, e.g. "High-pass 300 Hz". */
  readonly filtering?: string;
}

/** Rows of the electrodes table, referenced by a series. */
export interface ElectrodeRegion {
  readonly table: ElectrodesTable;
  readonly rows: readonly number[];
  readonly description: string;
}

/**
 * Voltages recorded from electrodes; data is (time, channels) and `data * conversion` is in volts.
 *
 * @example
 * ```ts
 * const region = nwbfile.createElectrodeRegion([0, 1, 2, 3], "all channels");
 * nwbfile.addAcquisition(new ElectricalSeries({ name: "ElectricalSeries", data, electrodes: region,
 *   rate: 30000, conversion: 0.195e-6 }));
 * ```
 */
export class ElectricalSeries extends TimeSeries {
  constructor(options: ElectricalSeriesOptions, neurodataType = "ElectricalSeries") {
    super({ ...options, unit: "volts" }, coreType(neurodataType));
    this.setAttribute("filtering", options.filtering);
    const { table, rows, description } = options.electrodes;
    const region = this.add(
      new DatasetNode("electrodes", toTypedArray(rows, ROW_INDEX_DTYPE), {
        type: { neurodataType: "DynamicTableRegion", namespace: HDMF },
      }),
    );
    region.setAttribute("description", description);
    region.setAttribute("table", table as NodeReference);
    // its fixed `axis` attribute is the writer's
    this.setDataset("channel_conversion", options.channel_conversion);
  }
}

/**
 * Container of LFP ElectricalSeries, usually in the "ecephys" processing module.
 *
 * @example
 * ```ts
 * nwbfile.createProcessingModule("ecephys", "processed ecephys").add(new LFP("LFP", [lfpSeries]));
 * ```
 */
export class LFP extends GroupNode {
  constructor(name: string, series: readonly ElectricalSeries[]) {
    super(name, { neurodataType: "LFP", namespace: CORE });
    for (const s of series) this.add(s);
  }
}
