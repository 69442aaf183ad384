import { describe, expect, it } from "vitest";
import { sourceArgumentsFromFlags } from "../../src/cli/sourceFlags.js";
import { TiffImagingInterface } from "../../src/index.js";

describe("source arguments as flags", () => {
  const schema = TiffImagingInterface.getSourceSchema();

  it("reads each flag by its schema type", () => {
    expect(
      sourceArgumentsFromFlags(schema, [
        "--sampling-frequency",
        "30.5",
        "--num-planes=2",
        "--dimension-order",
        "CZT",
        "--file-paths",
        "a.tif,b.tif",
        "--file-paths",
        "c.tif",
      ]),
    ).toEqual({
      samplingFrequency: 30.5,
      numPlanes: 2,
      dimensionOrder: "CZT",
      filePaths: ["a.tif", "b.tif", "c.tif"],
    });
  });

  it("names the known flags when one is unknown, and rejects bad numbers", () => {
    expect(() => sourceArgumentsFromFlags(schema, ["--rate", "3"])).toThrow(/--sampling-frequency/);
    expect(() => sourceArgumentsFromFlags(schema, ["--num-planes", "1.5"])).toThrow(/integer/);
    expect(() => sourceArgumentsFromFlags(schema, ["--sampling-frequency"])).toThrow(/needs a value/);
  });
});
