/**
 * Sorted units (spike times per unit) and time intervals (trials, epochs, custom intervals).
 */

import * as coreDefinitions from "../types/coreDefinitions.js";
import { columnSpec, columnsOf } from "../types/definition.js";
import { coreType } from "./base.js";
import type { ElectrodeGroup, ElectrodesTable } from "./ecephys.js";
import { type ColumnSpec, DynamicTable } from "./table.js";

/** Columns of the Units table as the schema defines them; each is created on first use. */
function unitColumns(electrodes?: ElectrodesTable): ColumnSpec[] {
  return columnsOf(coreDefinitions.Units)
    .filter((c) => !c.region || electrodes !== undefined)
    .map((c) => columnSpec(c, electrodes));
}

/** One unit; extra keys are custom columns (e.g. `quality`, `KSLabel`; add them first). */
export interface UnitRow {
  /** Spike times in seconds, on the session clock. */
  readonly spike_times: readonly number[] | Float64Array;
  readonly obs_intervals?: readonly (readonly [number, number])[];
  /** Rows of the electrodes table. */
  readonly electrodes?: readonly number[];
  readonly electrode_group?: ElectrodeGroup;
  readonly waveform_mean?: readonly number[] | readonly (readonly number[])[] | Float32Array;
  readonly [column: string]: unknown;
}

/**
 * Sorted units (`/units`), with ragged spike times stored column by column.
 *
 * @example
 * ```ts
 * nwbfile.units.addUnit({ spike_times: [0.1, 0.25, 1.3] });
 * ```
 */
export class Units extends DynamicTable {
  constructor(options: { name?: string; description?: string; electrodes?: ElectrodesTable } = {}) {
    super(
      {
        name: options.name ?? "units",
        description: options.description ?? "units from spike sorting",
        columns: unitColumns(options.electrodes),
      },
      coreType("Units"),
    );
  }

  addUnit(row: UnitRow, id?: number): number {
    return this.addRow({ ...row, spike_times: Array.from(row.spike_times) }, id);
  }
}

/** Columns of TimeIntervals as the schema defines them (the required ones exist from the start). */
const INTERVAL_COLUMNS = columnsOf(coreDefinitions.TimeIntervals).filter((c) => !c.region);

/** One interval; extra keys are custom columns (add them first with a description). */
export interface IntervalRow {
  readonly start_time: number;
  readonly stop_time: number;
  readonly tags?: readonly string[];
  readonly [column: string]: unknown;
}

/**
 * Intervals of time with optional extra columns: trials, epochs, or any custom interval table.
 *
 * @example
 * ```ts
 * nwbfile.trials.addColumn({ name: "correct", description: "whether the animal chose right" });
 * nwbfile.addTrial({ start_time: 0, stop_time: 1.5, correct: true });
 * ```
 */
export class TimeIntervals extends DynamicTable {
  constructor(name: string, description: string) {
    super(
      { name, description, columns: INTERVAL_COLUMNS.map((c) => columnSpec(c)) },
      coreType("TimeIntervals"),
    );
    for (const column of INTERVAL_COLUMNS) if (column.required) this.addColumn(columnSpec(column));
  }

  addInterval(row: IntervalRow, id?: number): number {
    if (!(row.stop_time >= row.start_time)) {
      throw new RangeError(
        `interval ${this.length} of '${this.name}': stop_time ${row.stop_time} is before start_time ${row.start_time}`,
      );
    }
    return this.addRow(row, id);
  }
}
