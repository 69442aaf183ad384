/**
 * SpikeGadgets .rec reader on the real samples against neo 0.11.1 (packet count, raw packet columns) and
 * numpy/ElementTree decoding of the documented packet layout (chip-interleaved neural samples), the
 * header-only Neuropixels file (what a header can cover: channels, scales, probe coordinates, packet
 * size), and a file built from W122's header with a dropped packet and a cut last packet.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import { openRecFile } from "../../../src/formats/spikegadgets/index.js";
import { caught, neoAvailable, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const W122 = testdata("spikegadgets/W122_06_09_2019_1_fromSD.rec");
const NPIX = testdata(
  "spikegadgets/header_only/SpikeGadgets_test_data_2xNpix1.0_20240318_173658_header_only.rec",
);

/**
 * The layout decoded with numpy and ElementTree: device bytes in XML order after the 0x55 sync byte, a
 * uint32 counter, int16 neural samples with hwChan k + chip * chanPerChip at position k * chips + chip.
 */
const DECODE = `
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
from xml.etree import ElementTree
path = sys.argv[1]
raw = open(path, "rb").read()
end = raw.index(b"</Configuration>") + len(b"</Configuration>")
while raw[end:end + 1] in (b"\\r", b"\\n"):
    end += 1
root = ElementTree.fromstring(raw[:end].decode())
hw = root.find("HardwareConfiguration"); sc = root.find("SpikeConfiguration")
device_bytes = sum(int(d.attrib["numBytes"]) for d in hw.findall("Device"))
chans = [(t.attrib["id"], int(c.attrib["hwChan"]), t.attrib.get("rawScalingToUv")) for t in sc.findall("SpikeNTrode") for c in t.findall("SpikeChannel")]
per_chip = int(sc.attrib.get("chanPerChip", 32)); total = int(hw.attrib["numChannels"]); chips = total // per_chip
position = {h: (h % per_chip) * chips + h // per_chip for _, h, _ in chans}
packet = 1 + device_bytes + 4 + 2 * len(chans)
n = (len(raw) - end) // packet
packets = np.frombuffer(raw[end:end + n * packet], dtype=np.uint8).reshape(n, packet)
neural = packets[:, 1 + device_bytes + 4:].copy().view("<i2")
out = {"packet": packet, "n": n, "rate": float(hw.attrib["samplingRate"]), "hw": [h for _, h, _ in chans],
    "trodes": [t for t, _, _ in chans], "scales": [float(s) if s else None for _, _, s in chans],
    "counter": packets[:, 1 + device_bytes:1 + device_bytes + 4].copy().view("<u4").ravel().tolist(),
    "data": neural[:, [position[h] for _, h, _ in chans]].tolist() if n else [],
    "sync": packets[:, 0].tolist()}
if len(sys.argv) > 2:
    from neo.rawio import SpikeGadgetsRawIO
    r = SpikeGadgetsRawIO(filename=path); r.parse_header()
    s = [i for i, st in enumerate(r.header["signal_streams"]) if st["id"] == "trodes"][0]
    out["neoSize"] = int(r.get_signal_size(0, 0, s))
    out["neoColumns"] = r.get_analogsignal_chunk(0, 0, 0, out["neoSize"], s).tolist()  # packet order
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("SpikeGadgets .rec on the real samples", () => {
  it("W122: rate, packets, every sample in SpikeConfiguration order, equal to numpy decoding and neo 0.11.1's packet columns", async (context) => {
    const rec = openRecFile(W122);
    expect(rec.problems).toEqual([]);
    if (!neoAvailable()) return context.skip();
    const o = JSON.parse(python(DECODE, W122, "neo"));
    expect(rec.samplingRate).toBe(o.rate);
    expect(rec.packetBytes).toBe(o.packet);
    expect(rec.numPackets).toBe(o.n);
    expect(rec.numPackets).toBe(o.neoSize);
    expect(rec.channels.map((c) => c.hwChan)).toEqual(o.hw);
    expect(rec.channels.map((c) => c.nTrodeId)).toEqual(o.trodes);
    expect(rec.channels.every((c) => c.microvoltsPerBit === undefined)).toBe(true);
    const data = Array.from((await rec.neuralData().readRows(0, rec.numPackets)) as Int16Array);
    const width = rec.channels.length;
    const rows = Array.from({ length: rec.numPackets }, (_, r) => data.slice(r * width, (r + 1) * width));
    expect(rows).toEqual(o.data);
    // neo 0.11.1 returns the neural samples in packet order (its names for them predate neo's fix #1215)
    expect(
      rows.map((row) =>
        rec.channels
          .map((c, i) => [c.packetIndex, row[i]])
          .sort((a, b) => a[0]! - b[0]!)
          .map(([, v]) => v),
      ),
    ).toEqual(o.neoColumns);
    expect(rec.clockRuns()).toEqual([{ firstIndex: 0, timestamp: o.counter[0] }]);
  });

  it("header-only Neuropixels file: 768 channels, scales, probe coordinates, devices and packet size; no packets", (context) => {
    const rec = openRecFile(NPIX);
    expect(rec.numPackets).toBe(0);
    expect(rec.probeDevice).toBe("neuropixels1");
    expect(rec.devices.map((d) => [d.name, d.byteOffset, d.numBytes])).toEqual([
      ["Controller_DIO", 1, 1],
      ["Multiplexed", 2, 8],
      ["neuropixels_LFP", 10, 130],
      ["SysClock", 140, 8],
    ]);
    expect(rec.systemTimeAtCreation).toBe(1710779824807);
    expect(rec.timestampAtCreation).toBe(349327);
    if (!neoAvailable()) return context.skip();
    const o = JSON.parse(python(DECODE, NPIX));
    expect(rec.packetBytes).toBe(o.packet);
    expect(rec.channels.map((c) => c.hwChan)).toEqual(o.hw);
    expect(rec.channels.map((c) => c.microvoltsPerBit)).toEqual(o.scales);
    expect(new Set(rec.channels.map((c) => c.packetIndex)).size).toBe(768);
    expect(rec.channels[0]!.coordinates).toEqual({ ap: 0, ml: -8, dv: 3920 });
  });

  it("a dropped packet starts a new clock run; a cut last packet is left out and named", async (context) => {
    const dir = mkdtempSync(join(tmpdir(), "rec-"));
    const source = readFileSync(W122);
    const rec0 = openRecFile(W122);
    const header = source.subarray(0, rec0.headerBytes);
    const packets = Buffer.alloc(rec0.packetBytes * 40);
    for (let p = 0; p < 40; p++) {
      const at = p * rec0.packetBytes;
      packets[at] = 0x55;
      packets.writeUInt32LE(p < 25 ? 1000 + p : 1010 + p, at + rec0.timestampByte);
      for (let c = 0; c < 128; c++) packets.writeInt16LE(((p * 131 + c * 17) % 6000) - 3000, at + 14 + 2 * c);
    }
    const path = join(dir, "gap.rec");
    writeFileSync(path, Buffer.concat([header, packets, packets.subarray(0, 100)]));
    const rec = openRecFile(path);
    expect(rec.numPackets).toBe(40);
    expect(rec.problems).toEqual([
      `${path}: the last packet is cut short (100 of 270 bytes, after 40 whole packets); it is left out`,
    ]);
    expect(rec.clockRuns()).toEqual([
      { firstIndex: 0, timestamp: 1000 },
      { firstIndex: 25, timestamp: 1035 },
    ]);
    if (!neoAvailable()) return context.skip();
    const o = JSON.parse(python(DECODE, path));
    expect(o.n).toBe(40);
    const data = Array.from((await rec.neuralData().readRows(10, 40)) as Int16Array);
    expect(data).toEqual(o.data.slice(10).flat());
  });

  it("errors: not a .rec, a header whose devices do not match the packets", () => {
    const dir = mkdtempSync(join(tmpdir(), "rec-bad-"));
    const text = join(dir, "x.rec");
    writeFileSync(text, "<Configuration>no end");
    expect(caught(() => openRecFile(text))).toBeInstanceOf(SourceDataError);
    const shifted = join(dir, "shifted.rec");
    const source = readFileSync(W122);
    const rec = openRecFile(W122);
    writeFileSync(
      shifted,
      Buffer.concat([
        source.subarray(0, rec.headerBytes),
        Buffer.from([0]),
        source.subarray(rec.headerBytes),
      ]),
    );
    expect(caught(() => openRecFile(shifted)).message).toContain("not the sync byte 0x55");
    expect(caught(() => openRecFile(join(dir, "absent.rec")))).toBeInstanceOf(SourceDataError);
  });
});
