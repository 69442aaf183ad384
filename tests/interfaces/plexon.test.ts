/**
 * Plexon interfaces through the command line: the real .plx samples (spikes and events), a generated .plx
 * with continuous channels, and the clear errors for files without continuous samples and for .pl2.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { Plexon2RecordingInterface, PlexonRecordingInterface } from "../../src/index.js";
import { writePlx } from "../formats/plexon/generator.js";
import { neoAvailable, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "plexon-cli-"));
const io = { out: () => {}, err: () => {}, progress: false };
const out = (name: string) => join(dir, `${name}.nwb`);

const READ_BACK = `
import json, sys, h5py
def units(path):
    u = h5py.File(path, "r")["units"]
    ends = u["spike_times_index"][:].tolist()
    times = u["spike_times"][:].tolist()
    return [times[(ends[i - 1] if i else 0):ends[i]] for i in range(len(ends))]
ours = h5py.File(sys.argv[1], "r")
print(json.dumps({"ours": units(sys.argv[1]), "theirs": units(sys.argv[2]),
                  "events": sorted(k for k in ours["acquisition"])}))
`;

describe.skipIf(!HAVE)("Plexon interfaces (CLI)", () => {
  beforeAll(async () => {
    writePlx(join(dir, "generated.plx"));
    const runs: [string, string][] = [
      ["PlexonSortingInterface", testdata("plexon/explore1.plx")],
      ["plexon-sorting", testdata("plexon/postfwd5.plx")],
      ["PlexonRecordingInterface", join(dir, "generated.plx")],
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

  it("writes the spike times NeuroConv writes, and the Start/Stop events", (context) => {
    if (!neoAvailable()) return context.skip();
    for (const [i, name] of ["explore1", "postfwd5"].entries()) {
      const r = JSON.parse(
        python(READ_BACK, out(`f${i}`), testdata(`plexon/reference_neuroconv/${name}.sorting.nwb`)),
      );
      expect(r.ours).toHaveLength(4);
      r.ours.forEach((times: number[], u: number) => {
        expect(times).toEqual(r.theirs[u].map((t: number) => expect.closeTo(t, 9)));
      });
      expect(r.events).toEqual(["EventsPlexonStart", "EventsPlexonStop"]);
    }
  });

  it("says when a .plx has no continuous samples, and that .pl2 is not supported yet", () => {
    expect(() => new PlexonRecordingInterface({ filePath: testdata("plexon/explore1.plx") })).toThrow(
      /explore1\.plx: holds no continuous samples/,
    );
    expect(
      () => new Plexon2RecordingInterface({ filePath: testdata("plexon_pl2/NC16FPSPKEVT_1m.pl2") }),
    ).toThrow(/NC16FPSPKEVT_1m\.pl2: \.pl2 \(Plexon 2\) files are not supported yet/);
  });
});
