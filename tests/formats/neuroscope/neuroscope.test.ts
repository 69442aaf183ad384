/**
 * NeuroScope reader on the real samples: the `.xml` against Python's ElementTree, `.lfp`/`.eeg` samples
 * against numpy and neo 0.11.1's NeuroScopeRawIO, `.res`/`.clu` against numpy's text reading; plus the
 * errors for wrong, missing and truncated files.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import {
  findClusterFiles,
  findSessionXml,
  openNeuroScopeBinary,
  readNeuroScopeSession,
  readShankSpikes,
} from "../../../src/formats/neuroscope/index.js";
import { neoAvailable, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const YUTA = () => testdata("neuroscope/dataset_1_YutaMouse42");
const BUZCODE = () => testdata("neuroscope/buzcode_20170505_396um_0um_merge_metadata_only");

const XML_ORACLE = `
import json, sys
from xml.etree import ElementTree
r = ElementTree.parse(sys.argv[1]).getroot()
a = r.find("acquisitionSystem")
groups = [[(int(c.text), c.get("skip") == "1") for c in g.findall("channel")] for g in r.find("anatomicalDescription/channelGroups").findall("group")]
spikes = [[int(c.text) for c in g.find("channels").findall("channel")] for g in r.find("spikeDetection/channelGroups").findall("group")]
print(json.dumps({k: float(a.find(k).text) for k in ["nBits", "nChannels", "samplingRate", "voltageRange", "amplification"]}
  | {"lfp": float(r.find("fieldPotentials/lfpSamplingRate").text), "date": r.find("generalInfo/date").text,
     "groups": groups, "spikes": spikes}))
`;

describe.skipIf(!HAVE)("NeuroScope reader on the real samples", () => {
  it.for([
    ["dataset_1_YutaMouse42", "YutaMouse42-151117.xml"],
    ["buzcode_20170505_396um_0um_merge_metadata_only", "20170505_396um_0um_merge.xml"],
  ] as const)("parses %s's .xml as ElementTree does", ([folder, file], context) => {
    if (!neoAvailable()) return context.skip();
    const path = testdata("neuroscope", folder, file);
    const expected = JSON.parse(python(XML_ORACLE, path));
    const session = readNeuroScopeSession(path);
    expect(session.nChannels).toBe(expected.nChannels);
    expect(session.nBits).toBe(expected.nBits);
    expect(session.samplingRate).toBe(expected.samplingRate);
    expect(session.lfpSamplingRate).toBe(expected.lfp);
    expect(session.date).toBe(expected.date);
    expect(session.groups.map((g) => g.channels.map((c, i) => [c, g.skipped[i]]))).toEqual(expected.groups);
    expect(session.spikeGroups.map((g) => g.channels)).toEqual(expected.spikes);
    // voltageRange in volts over 2^nBits codes, divided by the amplifier gain
    expect(session.gainToVolts).toBeCloseTo(
      expected.voltageRange / 2 ** expected.nBits / expected.amplification,
      20,
    );
  });

  it("reads the buzcode .xml's <files> rates", () => {
    const session = readNeuroScopeSession(join(BUZCODE(), "20170505_396um_0um_merge.xml"));
    expect(session.fileRates.get("lfp")).toBe(1250);
    expect(session.groups).toHaveLength(12);
  });

  it.for(["YutaMouse42-151117.lfp", "YutaMouse42-151117.eeg"])(
    "reads %s as numpy and neo do",
    async (file, context) => {
      if (!neoAvailable()) return context.skip();
      const path = join(YUTA(), file);
      const xml = join(YUTA(), "YutaMouse42-151117.xml");
      const expected = JSON.parse(
        python(
          `
import json, sys, numpy as np
from neo.rawio import NeuroScopeRawIO
raw = np.fromfile(sys.argv[1], dtype="<i2").reshape(-1, 80)
from pathlib import Path
io = NeuroScopeRawIO(filename=sys.argv[2], binary_file=Path(sys.argv[1])); io.parse_header()
chunk = io.get_analogsignal_chunk(0, 0, 2, 9, 0, [5, 79, 0])
print(json.dumps({"all": raw.tolist(), "neo": chunk.tolist()}))
`,
          path,
          xml,
        ),
      );
      const session = readNeuroScopeSession(xml);
      const binary = openNeuroScopeBinary(path, session);
      expect(binary.trailingBytes).toBe(0);
      expect(binary.file.numSamples).toBe(expected.all.length);
      const all = await binary.file.readRows(0, binary.file.numSamples);
      expect(Array.from(all as Int16Array)).toEqual(expected.all.flat());
      const picked = await binary.file.source([5, 79, 0]).readRows(2, 9);
      expect(Array.from(picked as Int16Array)).toEqual(expected.neo.flat());
    },
  );

  it("pairs .res and .clu lines as numpy reads them (the shortened sample's files)", (context) => {
    if (!neoAvailable()) return context.skip();
    const files = findClusterFiles(YUTA(), "YutaMouse42-151117");
    expect(files.map((f) => f.shank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const expected = JSON.parse(
      python(
        `
import json, sys, numpy as np
out = []
for n in range(1, 9):
  res = np.loadtxt(f"{sys.argv[1]}/YutaMouse42-15111710.res.{n}", dtype=np.int64, ndmin=1)
  clu = np.loadtxt(f"{sys.argv[1]}/YutaMouse42-15111710.clu.{n}", dtype=np.int64, ndmin=1)
  k = min(len(res), len(clu) - 1)
  out.append({"count": int(clu[0]), "res": res[:k].tolist(), "clu": clu[1:k + 1].tolist(), "extra": len(res) - k})
print(json.dumps(out))
`,
        YUTA(),
      ),
    );
    for (const [i, file] of files.entries()) {
      const spikes = readShankSpikes(file);
      expect(spikes.clusterCount).toBe(expected[i].count);
      expect(Array.from(spikes.frames)).toEqual(expected[i].res);
      expect(Array.from(spikes.clusters)).toEqual(expected[i].clu);
      expect(spikes.unpaired?.lines ?? 0).toBe(expected[i].extra);
    }
    // shanks 5-8 of the shortened sample lost their last .clu line
    expect(readShankSpikes(files[4]!).unpaired?.file).toBe(files[4]!.resPath);
  });

  it("finds the .xml beside a data file and in a folder", () => {
    expect(findSessionXml(join(YUTA(), "YutaMouse42-151117.lfp"), false)).toBe(
      join(YUTA(), "YutaMouse42-151117.xml"),
    );
    expect(findSessionXml(YUTA(), true)).toBe(join(YUTA(), "YutaMouse42-151117.xml"));
  });
});

describe.skipIf(!HAVE)("NeuroScope reader errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "neuroscope-"));

  it("names a missing, wrong or incomplete .xml", () => {
    expect(() => readNeuroScopeSession(join(dir, "none.xml"))).toThrow(/does not exist/);
    writeFileSync(join(dir, "other.xml"), "<settings><a>1</a></settings>");
    expect(() => readNeuroScopeSession(join(dir, "other.xml"))).toThrow(/not a NeuroScope parameter file/);
    writeFileSync(
      join(dir, "bits.xml"),
      "<parameters><acquisitionSystem><nBits>12</nBits><nChannels>2</nChannels><samplingRate>1</samplingRate><voltageRange>1</voltageRange><amplification>1</amplification></acquisitionSystem></parameters>",
    );
    expect(() => readNeuroScopeSession(join(dir, "bits.xml"))).toThrow(/nBits 12/);
    writeFileSync(
      join(dir, "rate.xml"),
      "<parameters><acquisitionSystem><nBits>16</nBits></acquisitionSystem></parameters>",
    );
    expect(() => readNeuroScopeSession(join(dir, "rate.xml"))).toThrow(SourceDataError);
  });

  it("refuses a data file smaller than one time point and keeps whole rows of a cut one", () => {
    const session = readNeuroScopeSession(join(YUTA(), "YutaMouse42-151117.xml"));
    writeFileSync(join(dir, "tiny.lfp"), Buffer.alloc(100));
    expect(() => openNeuroScopeBinary(join(dir, "tiny.lfp"), session)).toThrow(/less than one time point/);
    writeFileSync(join(dir, "cut.lfp"), Buffer.alloc(160 * 3 + 7));
    const cut = openNeuroScopeBinary(join(dir, "cut.lfp"), session);
    expect([cut.file.numSamples, cut.trailingBytes]).toEqual([3, 7]);
  });

  it("names a .res without its .clu, an empty .clu and a folder without clusters", () => {
    const folder = mkdtempSync(join(dir, "clu-"));
    expect(() => findClusterFiles(folder)).toThrow(/no \.res\.N\/\.clu\.N/);
    writeFileSync(join(folder, "s.res.1"), "10\n20\n");
    expect(() => findClusterFiles(folder)).toThrow(/has no s\.clu\.1/);
    writeFileSync(join(folder, "s.clu.1"), "");
    expect(() => readShankSpikes(findClusterFiles(folder)[0]!)).toThrow(
      /first line must be the number of clusters/,
    );
    writeFileSync(join(folder, "s.clu.1"), "2\n1\nx\n");
    expect(() => readShankSpikes(findClusterFiles(folder)[0]!)).toThrow(/value 3 is 'x'/);
  });
});
