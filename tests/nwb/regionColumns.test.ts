/**
 * Region columns whose target table type the schema fixes are declared by the generated table classes and
 * point at that table of the file when written; table columns keep their object_id however often the same
 * file is planned.
 */
import { describe, expect, it } from "vitest";
import { checkNwbfile, coreTypes, NWBFile } from "../../src/index.js";
import { DatasetNode, GroupNode } from "../../src/nwb/containers/node.js";

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
