/** Source arguments other than the path, given as flags on the command line. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, sourceArgumentFlags } from "../../src/cli/main.js";
import {
  BlackrockSortingSourceSchema,
  NeuralynxRecordingSourceSchema,
  PhySortingSourceSchema,
} from "../../src/index.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

describe("source argument flags", () => {
  it("reads kebab-case flags as the schema's types", () => {
    expect(sourceArgumentFlags(NeuralynxRecordingSourceSchema, ["--stream-name", "2000Hz"])).toEqual({
      streamName: "2000Hz",
    });
    expect(sourceArgumentFlags(BlackrockSortingSourceSchema, ["--sampling-frequency=30000"])).toEqual({
      samplingFrequency: 30000,
    });
    expect(sourceArgumentFlags(PhySortingSourceSchema, ["--exclude-cluster-groups", "noise,mua"])).toEqual({
      excludeClusterGroups: ["noise", "mua"],
    });
    expect(() => sourceArgumentFlags(NeuralynxRecordingSourceSchema, ["--bogus", "1"])).toThrow(
      /unknown option '--bogus' \(source arguments: --folder-path, --stream-name\)/,
    );
  });

  it.skipIf(!hasTestdata())("converts one Neuralynx stream chosen with --stream-name", async () => {
    const output = join(mkdtempSync(join(tmpdir(), "flags-")), "one.nwb");
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => err.push(t), progress: false };
    const folder = testdata("neuralynx/pegasus_2.1.2_clipped");
    expect(
      await runCli(["convert", "neuralynx", folder, "--stream-name", "2000Hz", "-o", output], io),
      err.join(),
    ).toBe(0);
    expect(
      await runCli(["convert", "neuralynx", folder, "--stream-name", "1Hz", "-o", `${output}2`], io),
    ).toBe(1);
    expect(err.join("\n")).toMatch(/has no stream '1Hz'/);
  });
});
