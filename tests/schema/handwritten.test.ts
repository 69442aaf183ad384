/**
 * No field, column or dtype list of a schema type is written by hand where the generated definitions now
 * supply it: a grep-style guard over the places that used to hold such lists. A literal field or column name of
 * the guarded types in a field-setting position (`setDataset("x"`, `setAttribute("x"`, a column spec
 * `{ name: "x", description`, a TypeBox property `x: Type.`, a typed array picked for a field) fails, unless
 * listed below with the reason the schema cannot say it.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as coreDefinitions from "../../src/nwb/types/coreDefinitions.js";
import { columnsOf, fieldsOf, type TypeDefinition } from "../../src/nwb/types/definition.js";

const root = path.resolve(import.meta.dirname, "../..");
const core = coreDefinitions as Record<string, TypeDefinition>;

/** Guarded files, the types whose fields they must not list, and the names they may use, with the reason. */
const GUARDED: { file: string; types: string[]; allowed?: Record<string, string> }[] = [
  {
    file: "src/nwb/containers/ophys.ts",
    types: ["ImagingPlane", "OpticalChannel", "TwoPhotonSeries", "OnePhotonSeries", "PlaneSegmentation"],
    allowed: {
      description: "RoiResponseSeries' region description (the region is built from row numbers)",
      table: "the region's table reference",
    },
  },
  { file: "src/nwb/containers/misc.ts", types: ["Units", "TimeIntervals"] },
  { file: "src/nwb/containers/file.ts", types: ["Subject", "NWBFile"] },
  { file: "src/nwb/containers/base.ts", types: ["TimeSeries", "ProcessingModule", "Images"] },
  { file: "src/nwb/containers/ecephys.ts", types: ["Device", "ElectrodeGroup", "ElectricalSeries"] },
  { file: "src/nwb/containers/image.ts", types: ["ImageSeries"] },
  { file: "src/nwb/containers/behavior.ts", types: ["SpatialSeries"] },
  {
    file: "src/conversion/icephys/nwbObjects.ts",
    types: [
      "SimultaneousRecordingsTable",
      "SequentialRecordingsTable",
      "RepetitionsTable",
      "ExperimentalConditionsTable",
    ],
    allowed: {
      simultaneous_recordings: "the table's name, which the NWBFile schema fixes",
      sequential_recordings: "the table's name, which the NWBFile schema fixes",
      repetitions: "the table's name, which the NWBFile schema fixes",
      experimental_conditions: "the table's name, which the NWBFile schema fixes",
    },
  },
  { file: "src/conversion/behavior/pose.ts", types: [] },
  {
    file: "src/conversion/metadata/schema.ts",
    types: [
      "ImagingPlane",
      "OpticalChannel",
      "TwoPhotonSeries",
      "OnePhotonSeries",
      "ElectricalSeries",
      "Subject",
    ],
    allowed: {
      sex: "DANDI's allowed values",
      age: "ISO 8601 duration rule",
      age__reference: "its two allowed values",
      species: "Latin binomial or NCBI URL rule",
      weight: "value with its unit",
      imaging_plane: "named, as NeuroConv's metadata do (the schema has a link)",
      unit: "the pixel unit of an imaging series (a TimeSeries data attribute)",
      device: "named, as NeuroConv's metadata do (the schema has a link)",
      optical_channel: "a list of entries, as NeuroConv's metadata do (the schema has typed groups)",
      description: "the entry's description, as NeuroConv's metadata do",
    },
  },
];

/** Names of the fields (option keys and child names) and predefined columns of some types. */
function schemaNames(types: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const type of types) {
    const definition = core[type];
    if (!definition) throw new Error(`no core type ${type}`);
    for (const field of fieldsOf(definition)) {
      names.add(field.key);
      if (field.name !== undefined) names.add(field.name);
      if (field.attribute !== undefined) names.add(field.attribute);
    }
    for (const column of columnsOf(definition)) names.add(column.name);
  }
  names.delete("name");
  return names;
}

const POSITIONS = [
  /set(?:Dataset|Attribute)\("([A-Za-z_]+)"/g,
  /\{\s*name: "([A-Za-z_]+)",\s*description/g,
  // a TypeBox property, unless built from the generated field (`Type.Optional(fieldSchema(...))`)
  /^\s*([A-Za-z_]+): Type\.(?!Optional\(fieldSchema\()/gm,
  /"([A-Za-z_]+)",\s*(?:Float32Array|Float64Array|Int32Array|Uint32Array|"float32"|"int32"|"uint32")/g,
];

describe("hand-written field lists of schema types", () => {
  for (const { file, types, allowed = {} } of GUARDED) {
    it(`${file} takes the fields of ${types.join(", ") || "its types"} from the generated definitions`, () => {
      // comments (TSDoc examples) may spell fields out
      const text = fs
        .readFileSync(path.join(root, file), "utf8")
        .split("\n")
        .filter((line) => !/^\s*(\*|\/\/|\/\*\*)/.test(line))
        .join("\n");
      const names = schemaNames(types);
      const found = new Set<string>();
      for (const pattern of POSITIONS) {
        for (const match of text.matchAll(pattern)) {
          const name = match[1]!;
          if (names.has(name) && !(name in allowed)) found.add(name);
        }
      }
      // the pose writer must not build ndx-pose types by hand either
      if (file.endsWith("pose.ts")) {
        for (const match of text.matchAll(/new (?:Container|GroupNode)\(\s*"(\w+)"/g)) found.add(match[1]!);
      }
      expect([...found], `hand-written schema fields in ${file}`).toEqual([]);
    });
  }

  it("the guard catches a hand-written list (the check itself can fail)", () => {
    const names = schemaNames(["ImagingPlane"]);
    const sample = `this.setDataset("excitation_lambda", 920);\n  grid_spacing: Type.Array(Type.Number()),`;
    const hits = POSITIONS.flatMap((p) => [...sample.matchAll(p)].map((m) => m[1]!)).filter((n) =>
      names.has(n),
    );
    expect(hits.sort()).toEqual(["excitation_lambda", "grid_spacing"]);
  });
});
