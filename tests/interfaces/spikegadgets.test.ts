/**
 * SpikeGadgets interface through the command line on W122 and through the API on a file built from its
 * header with a dropped packet and a cut last packet: samples, scale, groups and clock read back with h5py
 * equal numpy decoding of the packets; nwbcheck passes (except the orientation check a 2-sample, 128-channel
 * recording cannot pass, which NeuroConv's reference file fails too).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { openRecFile } from "../../src/formats/spikegadgets/index.js";
import { SourceDataError, SpikeGadgetsRecordingInterface, withWarningHandler } from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { nwbcheckShortMovies } from "../formats/tiff/oracle.js";
import { caught, neoAvailable, nwbcheckAvailable, python, validateIfAvailable } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "spikegadgets-cli-"));
const W122 = testdata("spikegadgets/W122_06_09_2019_1_fromSD.rec");
const NPIX = testdata(
  "spikegadgets/header_only/SpikeGadgets_test_data_2xNpix1.0_20240318_173658_header_only.rec",
);

const READ_BACK = `
import json, sys
import h5py, numpy as np
from xml.etree import ElementTree
f = h5py.File(sys.argv[1], "r")
es = f["acquisition/ElectricalSeries"]
e = f["general/extracellular_ephys/electrodes"]
raw = open(sys.argv[2], "rb").read()
end = raw.index(b"</Configuration>") + len(b"</Configuration>")
while raw[end:end + 1] in (b"\\r", b"\\n"):
    end += 1
sc = ElementTree.fromstring(raw[:end].decode()).find("SpikeConfiguration")
hw = [int(c.attrib["hwChan"]) for t in sc.findall("SpikeNTrode") for c in t.findall("SpikeChannel")]
n = es["data"].shape[0]
packets = np.frombuffer(raw[end:end + n * 270], dtype=np.uint8).reshape(n, 270)
neural = packets[:, 14:].copy().view("<i2")
expected = neural[:, [(h % 32) * 4 + h // 32 for h in hw]]
out = {"shape": list(es["data"].shape), "conversion": float(es["data"].attrs["conversion"]),
    "equal": bool(np.array_equal(es["data"][:], expected)),
    "names": [x.decode() for x in e["channel_name"][:4]], "groups": [x.decode() for x in e["group_name"][:5]],
    "groupCount": len(f["general/extracellular_ephys"].keys()) - 1}
if "timestamps" in es:
    out["timestamps"] = es["timestamps"][:].tolist()
else:
    out["rate"] = float(es["starting_time"].attrs["rate"]); out["start"] = float(es["starting_time"][()])
print(json.dumps(out))
`;

const DIGITAL = `
import json, sys, h5py
a = h5py.File(sys.argv[1], "r")["acquisition"]
print(json.dumps({k: {"data": a[k]["data"][:].tolist(), "timestamps": a[k]["timestamps"][:].tolist()} for k in a if k.startswith("Events")}))
`;

describe.skipIf(!HAVE)("SpikeGadgets interface", () => {
  const warnings: string[] = [];
  let gapFile = "";
  beforeAll(async () => {
    const io = { out: () => {}, err: (t: string) => warnings.push(t), progress: false };
    const args = ["-o", join(dir, "w122.nwb"), "--session-start-time", "2019-06-09T12:00:00-04:00"];
    expect(await runCli(["convert", "SpikeGadgetsRecordingInterface", W122, ...args], io)).toBe(0);
    const rec = openRecFile(W122);
    const packets = Buffer.alloc(rec.packetBytes * 300);
    for (let p = 0; p < 300; p++) {
      const at = p * rec.packetBytes;
      packets[at] = 0x55;
      packets[at + 1] = (p >= 50 && p < 120 ? 1 : 0) | (p >= 250 ? 4 : 0); // MCU_Din1 and MCU_Din3
      packets.writeUInt32LE(p < 200 ? 5000 + p : 5003 + p, at + rec.timestampByte);
      for (let c = 0; c < 128; c++) packets.writeInt16LE(((p * 7 + c * 13) % 900) - 450, at + 14 + 2 * c);
    }
    gapFile = join(dir, "gap.rec");
    writeFileSync(
      gapFile,
      Buffer.concat([readFileSync(W122).subarray(0, rec.headerBytes), packets, packets.subarray(0, 33)]),
    );
    expect(
      await runCli(
        [
          "convert",
          "spikegadgets",
          gapFile,
          "-o",
          join(dir, "gap.nwb"),
          "--gain",
          "0.5",
          "--session-start-time",
          "2019-06-09T12:00:00-04:00",
        ],
        io,
      ),
    ).toBe(0);
  }, 180_000);

  it("passes nwbcheck (but for the orientation of a 2-sample recording)", (context) => {
    if (!nwbcheckAvailable()) return context.skip();
    const result = nwbcheckShortMovies(join(dir, "w122.nwb"), join(dir, "gap.nwb"));
    expect(result.passed, result.output).toBe(true);
  });

  it("writes the samples in SpikeConfiguration order, nTrodes as groups, 0.195 µV with a warning", (context) => {
    if (!neoAvailable()) return context.skip();
    const w122 = JSON.parse(python(READ_BACK, join(dir, "w122.nwb"), W122));
    expect(w122).toMatchObject({
      shape: [2, 128],
      conversion: expect.closeTo(0.195e-6, 18),
      equal: true,
      rate: 30000,
      start: 0,
    });
    expect(w122.names).toEqual(["hwChan63", "hwChan61", "hwChan57", "hwChan59"]);
    expect(w122.groups).toEqual(["nTrode1", "nTrode1", "nTrode1", "nTrode1", "nTrode2"]);
    expect(w122.groupCount).toBe(32);
    expect(warnings.some((w) => w.includes("states no rawScalingToUv") && w.includes("0.195 µV"))).toBe(true);
    expect(
      warnings.some((w) => w.includes("multiplexed device channels not written") && w.includes("AccelX")),
    ).toBe(true);
  });

  it("a dropped packet shifts the timestamps; the cut last packet is left out with a warning; gain applies", (context) => {
    if (!neoAvailable()) return context.skip();
    const gap = JSON.parse(python(READ_BACK, join(dir, "gap.nwb"), gapFile));
    expect(gap).toMatchObject({ shape: [300, 128], conversion: expect.closeTo(0.5e-6, 18), equal: true });
    expect(gap.timestamps[199]).toBeCloseTo(199 / 30000, 12);
    expect(gap.timestamps[200]).toBeCloseTo(203 / 30000, 12);
    expect(warnings.some((w) => w.includes("gap.rec: the last packet is cut short (33 of 270 bytes"))).toBe(
      true,
    );
    expect(warnings.some((w) => w.includes("sample counter jumps 1 times"))).toBe(true);
    const lines = JSON.parse(python(DIGITAL, join(dir, "gap.nwb")));
    expect(Object.keys(lines)).toEqual(["EventsMCU_Din1", "EventsMCU_Din3"]);
    expect(lines.EventsMCU_Din1.data).toEqual([1, 0]);
    expect(lines.EventsMCU_Din1.timestamps).toEqual([50 / 30000, 120 / 30000]);
    expect(lines.EventsMCU_Din3).toEqual({ data: [1], timestamps: [(250 + 3) / 30000] });
  });

  it("passes the reusable interface check (schemas, metadata, full and stub conversions validated)", async () => {
    await withWarningHandler(
      () => {},
      async () =>
        checkDataInterface(new SpikeGadgetsRecordingInterface({ filePath: gapFile }), {
          outputDir: mkdtempSync(join(tmpdir(), "spikegadgets-check-")),
          metadata: { NWBFile: { session_start_time: "2019-06-09T12:00:00-04:00" } },
          validate: validateIfAvailable,
        }),
    );
  }, 120_000);

  it("a header-only file and an unknown stream are clear errors", async () => {
    const error = await withWarningHandler(
      () => {},
      async () => caught(() => new SpikeGadgetsRecordingInterface({ filePath: NPIX })),
    );
    expect(error).toBeInstanceOf(SourceDataError);
    expect(error.message).toContain("holds its XML header only");
    expect(
      caught(() => new SpikeGadgetsRecordingInterface({ filePath: W122, streamId: "ECU" })).message,
    ).toContain("no stream 'ECU'");
  });
});
