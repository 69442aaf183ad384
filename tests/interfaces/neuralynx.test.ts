/**
 * Neuralynx interfaces through the command line on the real samples: every file passes nwbcheck; the mixed
 * 32 kHz / 2 kHz folder converts as two streams whose samples equal NeuroConv's 7 and 104 split series joined
 * back together; events and spikes equal the independent readers.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { NeuralynxRecordingInterface, NeuralynxSortingInterface } from "../../src/index.js";
import { numpyReadEvents } from "../formats/neuralynx/oracle.js";
import { neoAvailable, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "neuralynx-cli-"));
const io = { out: () => {}, err: () => {}, progress: false };
const PEGASUS = testdata("neuralynx/pegasus_2.1.2_clipped");
const REFERENCE = testdata("neuralynx/reference_neuroconv");
const out = (name: string) => join(dir, `${name}.nwb`);

const READ_BACK = `
import json, sys, h5py, numpy as np
ours = h5py.File(sys.argv[1], "r")
result = {}
for rate, ref in (("32000Hz", sys.argv[2]), ("2000Hz", sys.argv[3])):
    es = ours["acquisition/ElectricalSeries" + rate]
    theirs = h5py.File(ref, "r")["acquisition"]
    names = sorted(k for k in theirs if k.startswith("ElectricalSeries"))
    joined = np.concatenate([theirs[k]["data"][:] for k in names])
    result[rate] = {
        "equal": bool(np.array_equal(es["data"][:], joined)),
        "rows": int(es["data"].shape[0]),
        "their_series": len(names),
        "conversion": [float(es["data"].attrs["conversion"]), float(theirs[names[0]]["data"].attrs["conversion"])],
        "start": [float(es["starting_time"][()]), float(theirs[names[0]]["starting_time"][()])],
        "rate": float(es["starting_time"].attrs["rate"]),
    }
ttl = ours["acquisition/EventsNeuralynxTTL"]
result["ttl"] = {"t": ttl["timestamps"][:].tolist(), "v": ttl["data"][:].tolist()}
print(json.dumps(result))
`;

describe.skipIf(!HAVE)("Neuralynx interfaces on the real samples (CLI)", () => {
  beforeAll(async () => {
    const runs: [string, string][] = [
      ["NeuralynxRecordingInterface", PEGASUS],
      ["NeuralynxSortingInterface", testdata("neuralynx_extra/Cheetah_v5.5.1")],
      ["neuralynx-sorting", testdata("neuralynx_extra/Cheetah_v5.6.3")],
    ];
    for (const [i, [cls, path]] of runs.entries()) {
      expect(await runCli(["convert", cls, path, "-o", out(`f${i}`)], io)).toBe(0);
    }
  }, 120_000);

  it("passes nwbcheck", (context) => {
    if (!nwbcheckAvailable()) return context.skip();
    const result = nwbcheck(out("f0"), out("f1"), out("f2"));
    expect(result.passed, result.output).toBe(true);
  });

  it("writes both streams whole: NeuroConv's split series joined back are our samples", (context) => {
    if (!neoAvailable()) return context.skip();
    const result = JSON.parse(
      python(
        READ_BACK,
        out("f0"),
        join(REFERENCE, "pegasus_2.1.2_clipped.32kHz.nwb"),
        join(REFERENCE, "pegasus_2.1.2_clipped.2kHz.nwb"),
      ),
    );
    expect(result["32000Hz"]).toMatchObject({ equal: true, rows: 512000, their_series: 7, rate: 32000 });
    expect(result["2000Hz"]).toMatchObject({ equal: true, rows: 512000, their_series: 104, rate: 2000 });
    for (const rate of ["32000Hz", "2000Hz"]) {
      const [ours, theirs] = result[rate].conversion as [number, number];
      expect(ours).toBeCloseTo(theirs, 18);
      const [start, theirStart] = result[rate].start as [number, number];
      expect(start).toBeCloseTo(theirStart, 6);
    }
    const events = numpyReadEvents(join(PEGASUS, "Events.nev"));
    const ttl = events.strings.map((s) => s.includes("TTL"));
    expect(result.ttl.v).toEqual(events.ttl.filter((_, i) => ttl[i]));
    expect(result.ttl.t).toEqual(
      events.micros.filter((_, i) => ttl[i]).map((m) => expect.closeTo((m - 1721221463325685) / 1e6, 9)),
    );
  });

  it("picks one stream by name and says which exist", () => {
    expect(NeuralynxRecordingInterface.getStreamNames(PEGASUS)).toEqual(["32000Hz", "2000Hz"]);
    expect(new NeuralynxRecordingInterface({ folderPath: PEGASUS, streamName: "2000Hz" }).numSamples).toBe(
      512000,
    );
    expect(() => new NeuralynxRecordingInterface({ folderPath: PEGASUS, streamName: "1Hz" })).toThrow(
      /has no stream '1Hz'; its streams are 32000Hz, 2000Hz/,
    );
    expect(() => new NeuralynxSortingInterface({ folderPath: PEGASUS })).toThrow(
      /holds no \.nse or \.ntt spike file/,
    );
  });
});
