/**
 * Extracellular electrophysiology: Device, ElectrodeGroup, the electrodes table, ElectricalSeries, LFP.
 */

import { toTypedArray } from "../../data/dtype.js";
import type {
  DeviceOptions as GeneratedDeviceOptions,
  ElectricalSeriesOptions as GeneratedElectricalSeriesOptions,
  ElectrodeGroupOptions as GeneratedElectrodeGroupOptions,
} from "../types/core.js";
import * as coreDefinitions from "../types/coreDefinitions.js";
import { applyFields, columnSpec, fieldOf, fieldsOf } from "../types/definition.js";
import { CORE, Container, coreType, TIME_SERIES_KEYS, TimeSeries, type TimeSeriesOptions } from "./base.js";
import { GroupNode, type NodeReference } from "./node.js";
import { DynamicTable, ROW_INDEX_DTYPE } from "./table.js";

/** Options of {@link Device}: its fields as the schema defines them (description, manufacturer, ...). */
export type DeviceOptions = GeneratedDeviceOptions;

const DEVICE_FIELDS = fieldsOf(coreDefinitions.Device);

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
    applyFields(this, DEVICE_FIELDS, options as unknown as Readonly<Record<string, unknown>>);
  }
}

/** A position as x, y, z (the fields of the schema's compound `position`). */
export type ElectrodeGroupPosition = {
  readonly [F in "x" | "y" | "z"]: number;
};

/**
 * Options of {@link ElectrodeGroup}: its fields as the schema defines them, with the device as a {@link Device}
 * and the position as one `{ x, y, z }`.
 */
export interface ElectrodeGroupOptions extends Omit<GeneratedElectrodeGroupOptions, "device" | "position"> {
  readonly device: Device;
  /** Stereotaxic or common-framework position of the group, if known. */
  readonly position?: ElectrodeGroupPosition;
}

const ELECTRODE_GROUP_FIELDS = fieldsOf(coreDefinitions.ElectrodeGroup);

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
    applyFields(this, ELECTRODE_GROUP_FIELDS, {
      ...options,
      position: options.position && [options.position],
    });
  }
}

/** NWBFile's `general/extracellular_ephys/electrodes` slot: the table's name, type and columns. */
const ELECTRODES_SLOT = fieldOf(coreDefinitions.NWBFile, "general__extracellular_ephys__electrodes");
const ELECTRODE_COLUMNS = ELECTRODES_SLOT.columns!;

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
        name: ELECTRODES_SLOT.name!,
        description: "metadata about extracellular electrodes",
        columns: ELECTRODE_COLUMNS.map((c) => columnSpec(c)),
      },
      { neurodataType: ELECTRODES_SLOT.targetType!, namespace: ELECTRODES_SLOT.targetNamespace! },
    );
    // required by the slot (location, group, group_name: filled from each row's group)
    for (const column of ELECTRODE_COLUMNS) if (column.required) this.addColumn(columnSpec(column));
  }

  addElectrode(row: ElectrodeRow, id?: number): number {
    const location = row.location ?? (row.group.getAttributeValue("location") as string);
    return this.addRow({ ...row, location, group_name: row.group.name }, id);
  }
}

/** ElectricalSeries' own fields (not TimeSeries'), from the schema. */
const ELECTRICAL_SERIES_FIELDS = fieldsOf(coreDefinitions.ElectricalSeries).filter(
  (f) => !TIME_SERIES_KEYS.has(f.key),
);

/**
 * Options of {@link ElectricalSeries}: TimeSeries' (unit fixed to volts), the schema's `filtering` and
 * `channel_conversion`, and `electrodes` as an {@link ElectrodeRegion} of the file's electrodes table.
 */
export interface ElectricalSeriesOptions
  extends Omit<TimeSeriesOptions, "unit">,
    Pick<GeneratedElectricalSeriesOptions, "filtering" | "channel_conversion"> {
  /** Rows of the electrodes table that the columns of `data` come from, in column order. */
  readonly electrodes: ElectrodeRegion;
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
    super(
      { ...options, unit: fieldOf(coreDefinitions.ElectricalSeries, "data__unit").value as string },
      coreType(neurodataType),
    );
    const { table, rows, description } = options.electrodes;
    // the region's fixed `axis` attribute (and the unit) are the writer's
    applyFields(this, ELECTRICAL_SERIES_FIELDS, {
      ...options,
      electrodes: toTypedArray(rows, ROW_INDEX_DTYPE),
      electrodes__description: description,
      electrodes__table: table as NodeReference,
    });
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
