import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkNwbfile,
  configureAndWriteNwbfile,
  createRegistry,
  hdf5Backend,
  type Namespace,
  NWBFile,
  NWBValidationError,
  TimeSeries,
} from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable } from "../helpers/nwbcheck.js";

/** A small extension, declared exactly like the built-in namespaces. */
const ndxTest: Namespace = {
  declaration: {
    name: "ndx-test",
    version: "0.1.0",
    doc: "A test extension with one series type.",
    author: ["Test Author"],
    contact: ["test@example.org"],
    full_name: "Test extension",
    schema: [{ namespace: "core" }, { source: "ndx-test.extensions" }],
  },
  sources: {
    "ndx-test.extensions": {
      groups: [
        {
          neurodata_type_def: "ColorSeries",
          neurodata_type_inc: "TimeSeries",
          doc: "A series of colour measurements.",
          attributes: [{ name: "color_space", dtype: "text", doc: "Colour space of the values." }],
        },
      ],
    },
  },
};

describe("extension namespaces", () => {
  it("are checked, written and cached like core", async () => {
    const registry = createRegistry([ndxTest]);
    const nwbfile = new NWBFile({
      session_description: "extension",
      session_start_time: "2024-01-01T00:00:00Z",
    });
    const series = new TimeSeries(
      { name: "colors", data: [0.1, 0.2, 0.3], unit: "a.u.", rate: 1 },
      { neurodataType: "ColorSeries", namespace: "ndx-test" },
    );
    nwbfile.addAcquisition(series);

    // the required attribute of the extension type is enforced by the same checks as core's
    expect(() => checkNwbfile(nwbfile, registry)).toThrow(NWBValidationError);
    expect(() => checkNwbfile(nwbfile, registry)).toThrow(
      "/acquisition/colors @color_space: required attribute is missing",
    );
    // without the extension the type is unknown
    expect(() => checkNwbfile(nwbfile)).toThrow(
      "type 'ColorSeries' is not defined by any registered namespace",
    );

    series.setAttribute("color_space", "RGB");
    const path = join(mkdtempSync(join(tmpdir(), "neuroconv-ext-")), "ext.nwb");
    await configureAndWriteNwbfile(nwbfile, { nwbfilePath: path, registry });
    const file = await hdf5Backend.open(path);
    try {
      expect(file.children("/specifications")).toEqual([
        "core",
        "hdmf-common",
        "hdmf-experimental",
        "ndx-test",
      ]);
      expect(file.getAttribute("/acquisition/colors", "namespace")).toBe("ndx-test");
      const cached = JSON.parse(
        file.readDataset("/specifications/ndx-test/0.1.0/ndx-test.extensions") as string,
      );
      expect(cached.groups[0].neurodata_type_def).toBe("ColorSeries");
    } finally {
      file.close();
    }
    if (nwbcheckAvailable()) expect(nwbcheck(path).passed).toBe(true);
  });
});
