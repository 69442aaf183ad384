/**
 * TDT interface through the command line and the API on both real samples: nwbcheck passes, the written
 * samples, scales, starts and epocs equal neo 0.11.1 / numpy on the files (read back with h5py), the
 * truncated .tev is converted up to its end with a warning naming it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { SourceDataError, TdtRecordingInterface, withWarningHandler } from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import {
  caught,
  neoAvailable,
  nwbcheck,
  nwbcheckAvailable,
  python,
  validateIfAvailable,
} from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "tdt-cli-"));
const ECOG = testdata("tdt/dataset_1_single_block");
const PHOTOMETRY = testdata("tdt/fiber_photometry_Photo_249_391-200721-120136_stubbed");
const out = (name: string) => join(dir, `${name}.nwb`);

/** h5py read-back of the written file and neo on the source block, side by side. */
const COMPARE = `
import json, sys, warnings
warnings.simplefilter("ignore")
import h5py, numpy as np
from neo.rawio import TdtRawIO
nwb, tev = sys.argv[1], sys.argv[2]
f = h5py.File(nwb, "r")
r = TdtRawIO(dirname=tev); r.parse_header()
names = [str(s["name"])[2:-1] for s in r.header["signal_streams"]]
series = {}
for key in f["acquisition"]:
    g = f["acquisition"][key]
    entry = {"type": g.attrs["neurodata_type"], "shape": list(g["data"].shape)}
    if "starting_time" in g:
        entry["rate"] = float(g["starting_time"].attrs["rate"]); entry["start"] = float(g["starting_time"][()])
    if key.startswith("ElectricalSeries") or key.startswith("TimeSeries"):
        store = key.replace("ElectricalSeries", "").replace("TimeSeries", "") or names[0]
        i = names.index(store)
        n = g["data"].shape[0]
        neo = r.get_analogsignal_chunk(0, 0, 0, n, i)
        entry["equal"] = bool(np.array_equal(g["data"][:], neo))
        entry["conversion"] = float(g["data"].attrs["conversion"])
    else:
        entry["data"] = g["data"][:].tolist(); entry["timestamps"] = g["timestamps"][:].tolist()
    series[key] = entry
print(json.dumps({"start": f["session_start_time"][()].decode(), "series": series,
    "channels": [c.decode() for c in f["general/extracellular_ephys/electrodes/channel_name"][:]]}))
`;

describe.skipIf(!HAVE)("TDT interface on the real samples", () => {
  const warnings: string[] = [];
  beforeAll(async () => {
    const io = { out: () => {}, err: (t: string) => warnings.push(t), progress: false };
    expect(await runCli(["convert", "TdtRecordingInterface", ECOG, "-o", out("ecog")], io)).toBe(0);
    expect(
      await runCli(
        [
          "convert",
          "tdt",
          PHOTOMETRY,
          "-o",
          out("photometry"),
          "--analog-streams",
          "Fi1d,Fi1r",
          "--stream-name",
          "Fi1r",
        ],
        io,
      ),
    ).toBe(1);
    expect(
      await runCli(
        ["convert", "tdt", PHOTOMETRY, "-o", out("photometry"), "--analog-streams", "Fi1d,Fi1r"],
        io,
      ),
    ).toBe(0);
  }, 180_000);

  it("passes nwbcheck", (context) => {
    if (!nwbcheckAvailable()) return context.skip();
    const result = nwbcheck(out("ecog"), out("photometry"));
    expect(result.passed, result.output).toBe(true);
  });

  it("writes every stream store with neo's samples, volts, its rate and start; the block start as session start", (context) => {
    if (!neoAvailable()) return context.skip();
    const ecog = JSON.parse(python(COMPARE, out("ecog"), join(ECOG, "ECTest-220207-135355_ECTest_B1.tev")));
    expect(ecog.start).toBe("2022-02-07T21:53:57.999Z"); // tsq start 1644270837.999999 s (13:53:58 in California)
    expect(Object.keys(ecog.series)).toEqual([
      "ElectricalSeriesANIN",
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `ElectricalSeriesWav${i}`),
    ]);
    expect(ecog.series.ElectricalSeriesANIN).toMatchObject({
      shape: [2048, 8],
      rate: 24414.0625,
      conversion: 1,
      equal: true,
    });
    expect(ecog.series.ElectricalSeriesANIN.start).toBeCloseTo(9.5367431640625e-7, 15);
    for (let i = 1; i <= 8; i++) expect(ecog.series[`ElectricalSeriesWav${i}`].equal).toBe(true);
    expect(ecog.channels.slice(0, 2)).toEqual(["ANIN 1", "ANIN 2"]);
    expect(
      warnings.some(
        (w) => w.includes("ECTest_B1.tev: ends at byte 800000") && w.includes("'ANIN' keeps 2048 of 118784"),
      ),
    ).toBe(true);

    const photometry = JSON.parse(
      python(COMPARE, out("photometry"), join(PHOTOMETRY, "ReviewerExp_Photo_249_391-200721-120136.tev")),
    );
    const s = photometry.series;
    expect(s.TimeSeriesFi1r).toMatchObject({
      type: "TimeSeries",
      shape: [10240, 2],
      equal: true,
      rate: 6103.515625,
    });
    expect(s.TimeSeriesFi1d).toMatchObject({ type: "TimeSeries", shape: [7680, 4], equal: true });
    expect(s.ElectricalSeriesDv1A).toMatchObject({ type: "ElectricalSeries", shape: [1280, 1], equal: true });
    const epocs = JSON.parse(python(EPOCS, join(PHOTOMETRY, "ReviewerExp_Photo_249_391-200721-120136.tsq")));
    expect(s.EventsLNnR.timestamps).toEqual(epocs.LNnR.times);
    expect(s.EventsLNnR.data).toEqual(epocs.LNnR.values);
    expect(s.EventsPrtR.data).toEqual(epocs.PrtR.values);
  });

  it("passes the reusable interface check (schemas, metadata, full and stub conversions validated)", async () => {
    const tdt = await withWarningHandler(
      () => {},
      async () => new TdtRecordingInterface({ folderPath: PHOTOMETRY, streamName: "Dv1A" }),
    );
    await withWarningHandler(
      () => {},
      () =>
        checkDataInterface(tdt, {
          outputDir: mkdtempSync(join(tmpdir(), "tdt-check-")),
          validate: validateIfAvailable,
        }),
    );
  }, 120_000);

  it("streamName writes one stream and names the others in a warning; unknown names are errors", async () => {
    const seen: string[] = [];
    const tdt = await withWarningHandler(
      (m) => seen.push(m),
      async () => new TdtRecordingInterface({ folderPath: ECOG, streamName: "Wav3", gain: 1e6 }),
    );
    expect(tdt.getStreamNames()).toEqual(["ANIN", ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `Wav${i}`)]);
    expect(tdt.seriesKey).toBe("ElectricalSeries");
    expect(tdt.channelNames).toHaveLength(64);
    expect(seen.some((m) => m.includes("left out: ANIN (8 channels at 24414.0625 Hz), Wav1"))).toBe(true);
    expect(caught(() => new TdtRecordingInterface({ folderPath: ECOG, streamName: "Wav9" }))).toBeInstanceOf(
      SourceDataError,
    );
    expect(
      caught(() => new TdtRecordingInterface({ folderPath: ECOG, analogStreams: ["Nope"] })).message,
    ).toContain("analogStreams names 'Nope'");
  });
});

const EPOCS = `
import json, sys
import numpy as np
t = np.fromfile(sys.argv[1], dtype=[("size", "<i4"), ("type", "<i4"), ("name", "S4"), ("channel", "<u2"),
    ("sort", "<u2"), ("time", "<f8"), ("offset", "<i8"), ("format", "<i4"), ("freq", "<f4")])
out = {}
for name in (b"LNnR", b"PrtR"):
    rec = t[(t["type"] == 0x101) & (t["name"] == name)]
    out[name.decode()] = {"times": (rec["time"] - t[1]["time"]).tolist(), "values": rec["offset"].view("<f8").tolist()}
print(json.dumps(out))
`;
