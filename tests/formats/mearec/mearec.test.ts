/**
 * MEArec reader. The real sample (`mearec/mearec_smaller_data.h5`) holds only the probe and the simulation
 * parameters: those are checked against h5py (positions, plane projection as probeinterface does it, probe
 * name, rate, the whole `info/` tree). Traces are checked on files written at test time in MEArec's layout
 * (both orientations, float and integer), every sample against h5py.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openMearecFile } from "../../../src/formats/mearec/index.js";
import { neoAvailable } from "../../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../../helpers/testdata.js";
import { readMearecIndependently, writeMearecFixtures } from "./oracle.js";

const HAVE = hasTestdata();
const SAMPLE = testdata("mearec", "mearec_smaller_data.h5");

describe.skipIf(!HAVE)("MEArec reader", () => {
  let fixtures: string[] = [];
  beforeAll(() => {
    if (neoAvailable()) fixtures = writeMearecFixtures(SAMPLE, mkdtempSync(join(tmpdir(), "mearec-")));
  }, 60_000);

  it("reads the real sample's probe and parameters like h5py, and finds no traces", () => {
    if (!neoAvailable()) skipTest("h5py/numpy");
    const mearec = openMearecFile(SAMPLE);
    const oracle = readMearecIndependently(SAMPLE);
    expect(mearec.version).toBe(oracle.version ?? undefined);
    expect(mearec.samplingRate).toBe(oracle.fs);
    expect(mearec.probe.name).toBe(oracle.electrodeName);
    expect(mearec.probe.name).toBe("Neuronexus-32");
    expect(mearec.probe.description).toBe(oracle.description);
    expect(mearec.probe.contactShape).toBe(oracle.shape);
    expect(mearec.probe.plane).toBe("yz");
    expect(mearec.probe.positions.map((p) => [...p])).toEqual(oracle.positions);
    expect(mearec.probe.planarPositions.map((p) => [...p])).toEqual(oracle.planar);
    expect(mearec.probe.positions).toHaveLength(32);
    expect(mearec.info).toEqual(oracle.info);
    expect(mearec.recordings).toBeUndefined();
    expect(mearec.spiketrainUnits).toEqual([]);
    expect(mearec.startingTime).toBe(0);
  });

  it.each(["current", "legacy", "integer"])(
    "reads every sample of the %s layout like h5py",
    async (variant) => {
      if (!neoAvailable()) skipTest("h5py/numpy");
      const path = fixtures.find((f) => f.endsWith(`${variant}.h5`))!;
      const mearec = openMearecFile(path);
      const oracle = readMearecIndependently(path);
      const recordings = mearec.recordings!;
      expect(recordings.layout).toBe(variant === "legacy" ? "channels-by-samples" : "samples-by-channels");
      expect(recordings.gainToUv).toBe(oracle.gainToUv ?? 1);
      expect(recordings.data.dtype).toBe(variant === "integer" ? "int16" : "float32");
      expect(recordings.data.shape).toEqual([1000, 4]);
      // two blocks with a seam, as the writer reads them
      const first = Array.from((await recordings.data.readRows(0, 377)) as Float32Array);
      const second = Array.from((await recordings.data.readRows(377, 1000)) as Float32Array);
      const expected = oracle.traces!.flat().map((v) => Math.fround(v));
      expect([...first, ...second]).toEqual(expected);
      expect(mearec.startingTime).toBe(oracle.firstTimestamp);
      expect(mearec.spiketrainUnits).toEqual(["0", "1"]);
      expect(mearec.probe.positions).toHaveLength(4);
    },
    60_000,
  );

  it("names a file that is not a MEArec recording", () => {
    expect(() => openMearecFile(testdata("biocam", "biocam_hw3.0_fw1.6.brw"))).toThrow(
      /biocam_hw3\.0_fw1\.6\.brw: no info\/recordings\/fs or channel_positions: not a MEArec recording file/,
    );
  });
});
