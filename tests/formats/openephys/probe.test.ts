/**
 * Neuropixels geometry from settings.xml, against Python's xml.etree reading the same files. The pairing
 * of NP_PROBE elements with streams is checked against the Neuropix-PXI editor's own naming (the
 * BASESTATION element names the probe on each port).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openOpenEphysBinaryStream, readOpenEphysSettings } from "../../../src/formats/openephys/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { oracle } from "./oracle.js";

const HAVE = hasTestdata();
const CLIPPED = testdata("openephys_binary", "v0.6.0_neuropixels_clipped");
const NODE = testdata("openephys_binary", "v0.6.x_neuropixels_multiexp_multistream", "Record Node 101");

interface EtreeProbe {
  serial: string;
  part: string;
  model: string;
  slot: string;
  port: string;
  dock: string;
  channels: number[];
  x: number[];
  y: number[];
  bank: string[];
  basestationName: string | null;
}

const ETREE = `
import json, sys
import xml.etree.ElementTree as ET
out = {}
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    probes = []
    for editor in root.iter("EDITOR"):
        base = editor.find(".//BASESTATION")
        for p in editor.iter("NP_PROBE"):
            xs, ys, ch = p.find("ELECTRODE_XPOS").attrib, p.find("ELECTRODE_YPOS").attrib, p.find("CHANNELS").attrib
            idx = sorted(int(k[2:]) for k in xs)
            name = None if base is None else base.get("port%sdock%s" % (p.get("port"), p.get("dock")))
            probes.append({"serial": p.get("probe_serial_number"), "part": p.get("probe_part_number"),
                           "model": p.get("probe_name"), "slot": p.get("slot"), "port": p.get("port"), "dock": p.get("dock"),
                           "channels": idx, "x": [float(xs["CH%d" % i]) for i in idx], "y": [float(ys["CH%d" % i]) for i in idx],
                           "bank": [ch.get("CH%d" % i) for i in idx], "basestationName": name})
    out[path] = probes
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("Open Ephys Neuropixels geometry from settings.xml", () => {
  let etree: Record<string, EtreeProbe[]>;
  const files = [
    join(CLIPPED, "Record Node 104", "settings.xml"),
    join(NODE, "settings.xml"),
    join(NODE, "settings_3.xml"),
  ];
  beforeAll(() => {
    etree = oracle(ETREE, ...files);
  });

  function expectProbe(stream: ReturnType<typeof openOpenEphysBinaryStream>, want: EtreeProbe, name: string) {
    const probe = stream.probe!;
    expect(probe.name).toBe(name);
    expect([probe.serialNumber, probe.partNumber, probe.model]).toEqual([want.serial, want.part, want.model]);
    expect([probe.slot, probe.port, probe.dock]).toEqual([
      Number(want.slot),
      Number(want.port),
      Number(want.dock),
    ]);
    expect(probe.electrodes.map((e) => e.channel)).toEqual(want.channels);
    expect(probe.electrodes.map((e) => e.x)).toEqual(want.x);
    expect(probe.electrodes.map((e) => e.y)).toEqual(want.y);
    expect(probe.electrodes.map((e) => String(e.bank))).toEqual(want.bank);
  }

  it("GUI 0.6.0, one Neuropixels Opto probe: the AP stream has its 384 sites (not the sync channel)", () => {
    const [want] = etree[files[0]!]!;
    const s = openOpenEphysBinaryStream(CLIPPED);
    expectProbe(s, want!, "ProbeA");
    expect(s.probe!.electrodes).toHaveLength(384);
    expect(s.probe!.electrodes.every((e) => e.channel < 384)).toBe(true);
    expect(s.channels[384]!.kind).toBe("sync");
    expect(s.probe!.settingsPath).toBe(files[0]);
  });

  it("two NP2.0 probes: ProbeB and ProbeC follow the STREAM order, which is also their port naming", () => {
    for (const [blockIndex, file] of [
      [0, files[1]!],
      [1, files[2]!],
    ] as const) {
      const [first, second] = etree[file]!;
      expect([first!.basestationName, second!.basestationName]).toEqual(["ProbeB", "ProbeC"]);
      const b = openOpenEphysBinaryStream(NODE, { streamName: "Neuropix-PXI-100.ProbeB", blockIndex });
      const c = openOpenEphysBinaryStream(NODE, { streamName: "Neuropix-PXI-100.ProbeC", blockIndex });
      expectProbe(b, first!, "ProbeB");
      expectProbe(c, second!, "ProbeC");
      expect(b.probe!.settingsPath).toBe(file);
    }
    expect(openOpenEphysBinaryStream(NODE, { streamName: "NI-DAQmx-103.PXIe-6341" }).probe).toBeUndefined();
  });

  it("reads the GUI version and date of each experiment's settings", () => {
    expect(readOpenEphysSettings(files[2]!)).toMatchObject({
      version: "0.6.0",
      date: "3 May 2022 11:09:55",
      sessionStartTime: "2022-05-03T11:09:55",
    });
  });
});
