/**
 * Region columns whose target table type the schema fixes are declared by the generated table classes and
 * point at that table of the file when written; the others are declared too and take their table before rows; table columns keep their object_id however often the same
 * file is planned.
 */
import { describe, expect, it } from "vitest";
import { checkNwbfile, coreTypes, Device, ElectrodeGroup, NWBFile } from "../../src/index.js";
import { DatasetNode, GroupNode } from "../../src/nwb/containers/node.js";
import * as coreDefinitions from "../../src/nwb/types/coreDefinitions.js";
import { columnsOf } from "../../src/nwb/types/definition.js";

const fieldDoc = (column: string) => columnsOf(coreDefinitions.Units).find((c) => c.name === column)!.doc;

function fileWithRecordings(): { nwbfile: NWBFile; recordings: coreTypes.IntracellularRecordingsTable } {
  const nwbfile = new NWBFile({ session_description: "regions", session_start_time: "2024-01-01T00:00:00Z" });
  const recordings = new coreTypes.IntracellularRecordingsTable({
    name: "intracellular_recordings",
    categories: ["electrodes", "stimuli", "responses"],
    electrodes: new coreTypes.IntracellularElectrodesTable({ name: "electrodes" }),
    stimuli: new coreTypes.IntracellularStimuliTable({ name: "stimuli" }),
    responses: new coreTypes.IntracellularResponsesTable({ name: "responses" }),
  });
  nwbfile.generalSection("intracellular_ephys").add(recordings);
  return { nwbfile, recordings };
}

/** object_id of every typed object in the planned tree, by path. */
function objectIds(nwbfile: NWBFile): Map<string, string> {
  return new Map(
    [...nwbfile.walk()]
      .filter((n): n is GroupNode | DatasetNode => n instanceof GroupNode || n instanceof DatasetNode)
      .filter((n) => n.objectId !== undefined)
      .map((n) => [n.path, n.objectId!] as const),
  );
}

describe("region columns from the schema", () => {
  it("declares the grouping tables' region columns into the table type the schema names", () => {
    const { nwbfile, recordings } = fileWithRecordings();
    const simultaneous = new coreTypes.SimultaneousRecordingsTable({
      name: "simultaneous_recordings",
      description: "together",
    });
    const sequential = new coreTypes.SequentialRecordingsTable({
      name: "sequential_recordings",
      description: "in sequence",
    });
    expect([...simultaneous.columns.keys()]).toEqual(["recordings"]);
    expect(simultaneous.columns.get("recordings")!.spec).toMatchObject({
      tableType: "IntracellularRecordingsTable",
      index: true,
    });
    expect([...sequential.columns.keys()].sort()).toEqual(["simultaneous_recordings", "stimulus_type"]);
    nwbfile.generalSection("intracellular_ephys").add(simultaneous);
    nwbfile.generalSection("intracellular_ephys").add(sequential);
    checkNwbfile(nwbfile);
    const table = (parent: coreTypes.SimultaneousRecordingsTable, column: string) =>
      (parent.get(column) as DatasetNode).getAttributeValue("table");
    expect(table(simultaneous, "recordings")).toBe(recordings);
    expect(table(sequential, "simultaneous_recordings")).toBe(simultaneous);
  });

  it("names the column and the fix when the file has no table of that type, and takes one given", () => {
    const nwbfile = new NWBFile({
      session_description: "regions",
      session_start_time: "2024-01-01T00:00:00Z",
    });
    const repetitions = new coreTypes.RepetitionsTable({ name: "repetitions", description: "repeated" });
    nwbfile.generalSection("intracellular_ephys").add(repetitions);
    expect(() => checkNwbfile(nwbfile)).toThrow(
      /column 'sequential_recordings' of table '\/general\/intracellular_ephys\/repetitions' refers to the SequentialRecordingsTable of the file, which has 0; give the table with addColumn/,
    );
    // an explicit table replaces the schema's declaration while the table is empty
    const { recordings } = fileWithRecordings();
    const simultaneous = new coreTypes.SimultaneousRecordingsTable({
      name: "simultaneous_recordings",
      description: "together",
    });
    simultaneous.addColumn({
      name: "recordings",
      description: "rows recorded together",
      index: true,
      table: recordings,
    });
    expect(simultaneous.columns.get("recordings")!.spec.table).toBe(recordings);
  });

  it("declares region columns whose table the schema leaves open, which take their table before rows", () => {
    const nwbfile = new NWBFile({
      session_description: "regions",
      session_start_time: "2024-01-01T00:00:00Z",
    });
    const device = nwbfile.addDevice(new Device({ name: "probe" }));
    const group = nwbfile.addElectrodeGroup(
      new ElectrodeGroup({ name: "shank0", description: "shank", location: "CA1", device }),
    );
    for (let i = 0; i < 3; i++) nwbfile.addElectrode({ group });
    const units = new coreTypes.Units({ name: "units", description: "sorted units" });
    expect(() => units.addRow({ spike_times: [0.1], electrodes: [0] })).toThrow(
      `column 'electrodes' of table 'units' holds rows of another table: give it with setRegionTable("electrodes", table) first`,
    );
    expect(() => units.setRegionTable("spike_times", nwbfile.electrodes!)).toThrow(
      "table 'units' declares no region column 'spike_times'",
    );
    const column = units.setRegionTable("electrodes", nwbfile.electrodes!);
    // description and raggedness from the schema's Units
    expect(column.spec).toMatchObject({
      description: fieldDoc("electrodes"),
      index: true,
      table: nwbfile.electrodes,
    });
    units.addRow({ spike_times: [0.1, 0.2], electrodes: [0, 2] });
    units.addRow({ spike_times: [0.3], electrodes: [1] });
    nwbfile.add(units);
    checkNwbfile(nwbfile);
    const written = units.get("electrodes") as DatasetNode;
    expect(written.neurodataType).toBe("DynamicTableRegion");
    expect(written.getAttributeValue("table")).toBe(nwbfile.electrodes);
    expect([...(written.data as { values: BigInt64Array }).values].map(Number)).toEqual([0, 2, 1]);
  });

  it("keeps every object_id when the same file is planned again", () => {
    const { nwbfile } = fileWithRecordings();
    const units = nwbfile.units;
    units.addUnit({ spike_times: [0.1, 0.2] });
    checkNwbfile(nwbfile);
    const first = objectIds(nwbfile);
    checkNwbfile(nwbfile);
    expect(objectIds(nwbfile)).toEqual(first);
    expect(first.has("/units/spike_times")).toBe(true);
    expect(first.has("/units/spike_times_index")).toBe(true);
    expect(first.has("/units/id")).toBe(true);
  });
});
