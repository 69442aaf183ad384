/**
 * MaxWell reader: the real MaxOne and MaxTwo samples (settings, channel map, frame numbers and detected
 * spikes against h5py; their filter-401 traces raise UnsupportedCompressionError), and h5py-written
 * uncompressed fixtures (wells and legacy layouts) whose samples equal neo's MaxwellRawIO.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isNeuroconvError } from "../../../src/errors.js";
import {
  openMaxwellFile,
  readMaxwellFrameNumbers,
  readMaxwellSpikes,
} from "../../../src/formats/maxwell/index.js";
import { caught, neoAvailable, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../../helpers/testdata.js";
import { neoMaxwell, writeMaxwellFixtures } from "./fixtures.js";

const HAVE = hasTestdata();
const bytesOf = (a: Uint16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const MAXONE = () => testdata("maxwell/MaxOne_data/Activity_Scan/000008/data.raw.h5");
const MAXTWO = () => testdata("maxwell/MaxTwo_data/Activity_Scan/000021/data.raw.h5");

const H5PY = `
import json, sys, h5py
f = h5py.File(sys.argv[1], "r")
g = f["wells"][sys.argv[2]][sys.argv[3]]
m = g["settings/mapping"][:]
by = {int(r["channel"]): r for r in m}
rows = [int(c) for c in g["groups/routed/channels"][:]]
nos = g["groups/routed/frame_nos"][:]
sp = g["spikes"][:]
print(json.dumps({"rows": rows, "electrodes": [int(by[c]["electrode"]) for c in rows], "x": [float(by[c]["x"]) for c in rows],
  "y": [float(by[c]["y"]) for c in rows], "rate": float(g["settings/sampling"][0]), "lsb": float(g["settings/lsb"][0]),
  "frames": int(g["groups/routed/raw"].shape[1]), "firstFrame": int(nos[0]), "nos": [int(x) for x in nos[:50]],
  "filters": list(g["groups/routed/raw"]._filters.keys()), "start": int(g["start_time"][0]),
  "wells": {w: list(f["wells"][w].keys()) for w in f["wells"]},
  "spikes": [[int(s["frameno"]), int(s["channel"]), float(s["amplitude"])] for s in sp]}))
`;
const h5py = (path: string, well: string, rec: string) => JSON.parse(python(H5PY, path, well, rec));

describe.skipIf(!HAVE)("MaxWell reader on the real samples", () => {
  it.each([
    ["MaxOne", MAXONE, "well000", "rec0000"],
    ["MaxTwo", MAXTWO, "well003", "rec0001"],
  ])(
    "reads the %s header like h5py",
    (_, file, well, rec) => {
      if (!neoAvailable()) skipTest("h5py/numpy");
      const maxwell = openMaxwellFile(file(), well, rec);
      const expected = h5py(file(), well, rec);
      expect(maxwell.layout).toBe("wells");
      expect(maxwell.wells).toEqual(expected.wells);
      expect(maxwell.channels.map((c) => c.channel)).toEqual(expected.rows);
      expect(maxwell.channels.map((c) => c.electrode)).toEqual(expected.electrodes);
      expect(maxwell.channels.map((c) => c.x)).toEqual(expected.x);
      expect(maxwell.channels.map((c) => c.y)).toEqual(expected.y);
      expect(maxwell.samplingRate).toBe(expected.rate);
      expect(maxwell.lsb).toBe(expected.lsb);
      expect(maxwell.numFrames).toBe(expected.frames);
      expect(maxwell.firstFrame).toBe(expected.firstFrame);
      expect(maxwell.startTimeMs).toBe(expected.start);
      expect([...readMaxwellFrameNumbers(maxwell, 0, 50)]).toEqual(expected.nos);
      const spikes = readMaxwellSpikes(maxwell);
      expect([...spikes.frames]).toEqual(expected.spikes.map((s: number[]) => s[0]));
      expect([...spikes.channels]).toEqual(expected.spikes.map((s: number[]) => s[1]));
      expect([...spikes.amplitudes]).toEqual(expected.spikes.map((s: number[]) => s[2]));
      // the traces: MaxWell's filter, named in a typed error
      expect(expected.filters).toContain("401");
      expect(maxwell.traceProblem).toEqual({
        dataset: `/wells/${well}/${rec}/groups/routed/raw`,
        filterId: 401,
      });
      const error = caught(() => maxwell.data.readRows(0, 10));
      expect(isNeuroconvError(error, "UnsupportedCompressionError")).toBe(true);
      expect(error.message).toMatch(/groups\/routed\/raw is compressed with HDF5 filter 401/);
      expect(error.message).toMatch(/without compression/);
    },
    120_000,
  );

  it("names the wells and recordings when asked for one that is not there", () => {
    expect(() => openMaxwellFile(MAXTWO(), "well009")).toThrow(/no well 'well009'.*well000, well001/);
    expect(() => openMaxwellFile(MAXTWO(), "well001", "rec0002")).toThrow(
      /has no recording 'rec0002'.*rec0000, rec0001/,
    );
  }, 60_000);
});

describe("MaxWell reader on uncompressed fixtures", () => {
  const dir = mkdtempSync(join(tmpdir(), "maxwell-"));
  const wells = join(dir, "wells.raw.h5");
  const legacy = join(dir, "legacy.raw.h5");
  beforeAll(() => {
    if (neoAvailable()) writeMaxwellFixtures(wells, legacy);
  }, 60_000);

  it("reads every well's samples like neo (wells layout)", async () => {
    if (!neoAvailable()) skipTest("neo/h5py");
    for (const stream of neoMaxwell(wells)) {
      const maxwell = openMaxwellFile(wells, stream.stream, "rec0000");
      expect(maxwell.traceProblem).toBeUndefined();
      expect(maxwell.channels.map((c) => `ch${c.channel} elec${c.electrode}`)).toEqual(stream.names);
      expect(maxwell.samplingRate).toBe(stream.rate);
      expect(maxwell.lsb * 1e6).toBeCloseTo(stream.gainUv, 12);
      const samples = (await maxwell.data.readRows(0, maxwell.numFrames)) as Uint16Array;
      expect(bytesOf(samples).equals(bytesOf(stream.samples))).toBe(true);
      // a block in the middle
      const block = (await maxwell.data.readRows(37, 101)) as Uint16Array;
      const width = maxwell.channels.length;
      expect([...block]).toEqual([...stream.samples.subarray(37 * width, 101 * width)]);
    }
  }, 120_000);

  it("sees the dropped frames of well001/rec0001", () => {
    if (!neoAvailable()) skipTest("neo/h5py");
    const maxwell = openMaxwellFile(wells, "well001", "rec0001");
    const expected = h5py(wells, "well001", "rec0001");
    expect(maxwell.contiguousFrames).toBe(false);
    expect([...readMaxwellFrameNumbers(maxwell, 0, 50)]).toEqual(expected.nos);
    expect(maxwell.channels.map((c) => c.channel)).toEqual(expected.rows);
  }, 60_000);

  it("reads the legacy layout's routed rows of /sig like neo", async () => {
    if (!neoAvailable()) skipTest("neo/h5py");
    const [stream] = neoMaxwell(legacy);
    const maxwell = openMaxwellFile(legacy);
    expect(maxwell.layout).toBe("legacy");
    expect(maxwell.channels.map((c) => `ch${c.channel} elec${c.electrode}`)).toEqual(stream!.names);
    expect(maxwell.samplingRate).toBe(stream!.rate);
    expect(maxwell.lsb * 1e6).toBeCloseTo(stream!.gainUv, 12);
    expect(maxwell.spikesDataset).toBeUndefined();
    const samples = (await maxwell.data.readRows(0, maxwell.numFrames)) as Uint16Array;
    expect(bytesOf(samples).equals(bytesOf(stream!.samples))).toBe(true);
  }, 60_000);
});
