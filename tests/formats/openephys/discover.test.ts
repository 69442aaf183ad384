/**
 * Finding recordings and streams from any folder level, block numbering over non-contiguous experiments,
 * stream names as neo/NeuroConv spell them, and choosing a stream.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNeuroconvError } from "../../../src/errors.js";
import {
  detectOpenEphysFormat,
  discoverOpenEphysRecordings,
  getOpenEphysStreamNames,
  openOpenEphysBinaryStream,
} from "../../../src/formats/openephys/index.js";
import { caught } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const CLIPPED = testdata("openephys_binary", "v0.6.0_neuropixels_clipped");
const MULTI = testdata("openephys_binary", "v0.6.x_neuropixels_multiexp_multistream");
const NODE = join(MULTI, "Record Node 101");
const NAMES = [
  "Record Node 101#NI-DAQmx-103.PXIe-6341",
  "Record Node 101#Neuropix-PXI-100.ProbeB",
  "Record Node 101#Neuropix-PXI-100.ProbeC",
];

describe.skipIf(!HAVE)("Open Ephys binary discovery", () => {
  it("accepts the session, Record Node, experiment and recording folders", () => {
    const levels: [string, [number, number][]][] = [
      [
        MULTI,
        [
          [1, 1],
          [3, 1],
          [6, 1],
        ],
      ],
      [
        NODE,
        [
          [1, 1],
          [3, 1],
          [6, 1],
        ],
      ],
      [join(NODE, "experiment3"), [[3, 1]]],
      [join(NODE, "experiment6", "recording1"), [[6, 1]]],
    ];
    for (const [folder, expected] of levels) {
      expect(detectOpenEphysFormat(folder)).toBe("binary");
      const blocks = discoverOpenEphysRecordings(folder);
      expect(blocks.map((b) => [b.experiment, b.recording])).toEqual(expected);
      expect(blocks.map((b) => b.blockIndex)).toEqual(expected.map((_, i) => i));
      expect(blocks.every((b) => b.recordNode === "Record Node 101" && b.recordNodePath === NODE)).toBe(true);
      expect(getOpenEphysStreamNames(folder)).toEqual(NAMES);
    }
  });

  it("lists streams, event folders and the experiment's settings file per block", () => {
    const blocks = discoverOpenEphysRecordings(MULTI);
    expect(blocks.map((b) => b.settingsPath?.slice(NODE.length + 1))).toEqual([
      "settings.xml",
      "settings_3.xml",
      "settings_6.xml",
    ]);
    const b = blocks[1]!;
    expect(b.guiVersion).toBe("0.6.0");
    expect(b.folderPath).toBe(join(NODE, "experiment3", "recording1"));
    expect(
      b.streams.map((s) => [
        s.folderName,
        s.sourceProcessorName,
        s.sourceProcessorId,
        s.streamName,
        s.numChannels,
      ]),
    ).toEqual([
      ["Neuropix-PXI-100.ProbeB", "Neuropix-PXI", 100, "ProbeB", 384],
      ["Neuropix-PXI-100.ProbeC", "Neuropix-PXI", 100, "ProbeC", 384],
      ["NI-DAQmx-103.PXIe-6341", "NI-DAQmx", 103, "PXIe-6341", 8],
    ]);
    expect(b.eventStreams.map((e) => [e.folderName, e.isTtl])).toEqual([
      ["Neuropix-PXI-100.ProbeB/TTL", true],
      ["Neuropix-PXI-100.ProbeC/TTL", true],
      ["NI-DAQmx-103.PXIe-6341/TTL", true],
      ["MessageCenter", false],
    ]);
  });

  it("orders recordings within an experiment", () => {
    const blocks = discoverOpenEphysRecordings(CLIPPED);
    expect(blocks.map((b) => [b.blockIndex, b.experiment, b.recording])).toEqual([
      [0, 1, 1],
      [1, 1, 2],
    ]);
  });

  it("opens a stream by its full name or its folder name; blockIndex is the position in the list", () => {
    const full = openOpenEphysBinaryStream(MULTI, { streamName: NAMES[2], blockIndex: 2 });
    const short = openOpenEphysBinaryStream(NODE, { streamName: "Neuropix-PXI-100.ProbeC", blockIndex: 2 });
    expect([full.name, full.experiment, full.blockIndex]).toEqual([NAMES[2], 6, 2]);
    expect([short.name, short.experiment, short.datPath]).toEqual([full.name, 6, full.datPath]);
    // Default: the first block.
    expect(openOpenEphysBinaryStream(NODE, { streamName: NAMES[0] }).experiment).toBe(1);
    // From an experiment folder, block 0 is that experiment.
    expect(openOpenEphysBinaryStream(join(NODE, "experiment6"), { streamName: NAMES[0] }).experiment).toBe(6);
  });

  it("an unknown stream name, a missing choice and a bad block index list the choices", () => {
    const unknown = caught(() => openOpenEphysBinaryStream(MULTI, { streamName: "ProbeZ" }));
    expect(isNeuroconvError(unknown, "SourceDataError")).toBe(true);
    expect(unknown.message).toContain(MULTI);
    expect(unknown.message).toContain(
      `has no stream named 'ProbeZ'; the streams are: ${NAMES.map((n) => `'${n}'`).join(", ")}`,
    );
    const none = caught(() => openOpenEphysBinaryStream(MULTI));
    expect(none.message).toMatch(
      /holds 3 streams; choose one with streamName: 'Record Node 101#NI-DAQmx-103\.PXIe-6341'/,
    );
    const block = caught(() => openOpenEphysBinaryStream(MULTI, { streamName: NAMES[0], blockIndex: 3 }));
    expect(block.message).toMatch(
      /blockIndex 3 does not exist; there are 3 blocks \(0: experiment 1 recording 1; 1: experiment 3 recording 1; 2: experiment 6 recording 1\)/,
    );
  });
});

describe.skipIf(!HAVE)("Open Ephys binary discovery: two Record Nodes", () => {
  const session = mkdtempSync(join(tmpdir(), "neuroconv-openephys-nodes-"));
  afterAll(() => rmSync(session, { recursive: true, force: true }));
  beforeAll(() => {
    // Two Record Nodes recording the NI-DAQ stream (copied from the sample; only its files are needed).
    for (const node of ["Record Node 102", "Record Node 101"]) {
      const rec = join(session, node, "experiment1", "recording1");
      const stream = join(rec, "continuous", "NI-DAQmx-103.PXIe-6341");
      mkdirSync(stream, { recursive: true });
      const source = join(NODE, "experiment1", "recording1");
      const oebin = JSON.parse(readFileSync(join(source, "structure.oebin"), "utf8"));
      oebin.continuous = oebin.continuous.filter((c: { folder_name: string }) =>
        c.folder_name.startsWith("NI-DAQ"),
      );
      oebin.events = [];
      writeFileSync(join(rec, "structure.oebin"), JSON.stringify(oebin));
      for (const f of ["continuous.dat", "sample_numbers.npy", "timestamps.npy"]) {
        copyFileSync(join(source, "continuous", "NI-DAQmx-103.PXIe-6341", f), join(stream, f));
      }
    }
  });

  it("names streams with their node, orders nodes by number, and refuses an ambiguous folder name", () => {
    expect(getOpenEphysStreamNames(session)).toEqual([
      "Record Node 101#NI-DAQmx-103.PXIe-6341",
      "Record Node 102#NI-DAQmx-103.PXIe-6341",
    ]);
    expect(discoverOpenEphysRecordings(session).map((b) => b.recordNode)).toEqual([
      "Record Node 101",
      "Record Node 102",
    ]);
    const ambiguous = caught(() =>
      openOpenEphysBinaryStream(session, { streamName: "NI-DAQmx-103.PXIe-6341" }),
    );
    expect(ambiguous.message).toMatch(
      /'NI-DAQmx-103\.PXIe-6341' is ambiguous: it matches 'Record Node 101#NI-DAQmx-103\.PXIe-6341', 'Record Node 102#/,
    );
    const second = openOpenEphysBinaryStream(session, {
      streamName: "Record Node 102#NI-DAQmx-103.PXIe-6341",
    });
    expect(second.blockIndex).toBe(1);
    const wrongBlock = caught(() =>
      openOpenEphysBinaryStream(session, {
        streamName: "Record Node 102#NI-DAQmx-103.PXIe-6341",
        blockIndex: 0,
      }),
    );
    expect(wrongBlock.message).toMatch(
      /block 0 \(experiment 1 recording 1\) has no stream 'Record Node 102#NI-DAQmx-103\.PXIe-6341'; it is in block\(s\) 1/,
    );
  });
});

describe("Open Ephys format detection", () => {
  const empty = mkdtempSync(join(tmpdir(), "neuroconv-openephys-empty-"));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it("a folder with no recording gives a SourceDataError naming it", () => {
    mkdirSync(join(empty, "Record Node 101", "experiment1"), { recursive: true });
    writeFileSync(join(empty, "notes.txt"), "nothing here");
    for (const call of [
      () => detectOpenEphysFormat(empty),
      () => discoverOpenEphysRecordings(empty),
      () => getOpenEphysStreamNames(empty),
    ]) {
      const error = caught(call);
      expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
      expect(error.file).toBe(empty);
      expect(error.message).toMatch(/no Open Ephys recording found/);
    }
  });

  it("a file or a missing path is not a folder", () => {
    expect(caught(() => detectOpenEphysFormat(join(empty, "notes.txt"))).message).toMatch(/is not a folder/);
    expect(caught(() => detectOpenEphysFormat(join(empty, "missing"))).message).toMatch(
      /cannot open the folder.*ENOENT/,
    );
  });
});
