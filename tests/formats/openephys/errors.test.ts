/**
 * Broken sources give a SourceDataError that names the file, says what is wrong and what to do. Binary
 * cases use temporary copies of the real sample; legacy cases use generated folders.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isNeuroconvError, type SourceDataError } from "../../../src/errors.js";
import {
  discoverOpenEphysRecordings,
  openOpenEphysBinaryStream,
  openOpenEphysLegacyStream,
} from "../../../src/formats/openephys/index.js";
import { caught } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { type LegacyFolderSpec, RECORD_BYTES, writeLegacyFolder } from "./legacyGenerator.js";

const HAVE = hasTestdata();
const SOURCE = testdata(
  "openephys_binary",
  "v0.6.0_neuropixels_clipped",
  "Record Node 104",
  "experiment1",
  "recording1",
);
const STREAM = "Neuropix-PXI-100.ProbeA-AP";
const root = mkdtempSync(join(tmpdir(), "neuroconv-openephys-errors-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sourceError(call: () => unknown): SourceDataError {
  const error = caught(call);
  expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
  return error as SourceDataError;
}

async function sourceErrorAsync(call: () => Promise<unknown>): Promise<SourceDataError> {
  try {
    await call();
  } catch (error) {
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    return error as SourceDataError;
  }
  throw new Error("the call should have failed");
}

/** A copy of the sample's recording1 (new files, so they can be changed) under `<name>/Record Node 104`. */
function copyRecording(name: string, change: (recording: string) => void = () => {}): string {
  const session = join(root, name);
  const rec = join(session, "Record Node 104", "experiment1", "recording1");
  const stream = join(rec, "continuous", STREAM);
  mkdirSync(stream, { recursive: true });
  writeFileSync(join(rec, "structure.oebin"), readFileSync(join(SOURCE, "structure.oebin")));
  for (const f of ["continuous.dat", "sample_numbers.npy", "timestamps.npy"]) {
    writeFileSync(join(stream, f), readFileSync(join(SOURCE, "continuous", STREAM, f)));
  }
  change(rec);
  return session;
}

describe.skipIf(!HAVE)("Open Ephys binary source errors", () => {
  it("a continuous.dat one byte short of a whole number of samples", () => {
    const session = copyRecording("truncated", (rec) => {
      const dat = join(rec, "continuous", STREAM, "continuous.dat");
      const bytes = readFileSync(dat);
      writeFileSync(dat, bytes.subarray(0, bytes.length - 1));
    });
    const dat = join(
      session,
      "Record Node 104",
      "experiment1",
      "recording1",
      "continuous",
      STREAM,
      "continuous.dat",
    );
    const error = sourceError(() => openOpenEphysBinaryStream(session));
    expect(error.file).toBe(dat);
    expect(error.message).toContain(dat);
    expect(error.message).toMatch(/size 769999 bytes is not a whole number of samples/);
    expect(error.message).toMatch(
      /385 channels x 2 bytes = 770 bytes each; 769 bytes left over\): truncated\?/,
    );
  });

  it("a continuous.dat one sample short of its sample numbers", () => {
    const session = copyRecording("short", (rec) => {
      const dat = join(rec, "continuous", STREAM, "continuous.dat");
      writeFileSync(dat, readFileSync(dat).subarray(0, 999 * 770));
    });
    const error = sourceError(() => openOpenEphysBinaryStream(session));
    expect(error.file.endsWith("sample_numbers.npy")).toBe(true);
    expect(error.message).toMatch(
      /holds 1000 values but .*continuous\.dat holds 999 samples; one of the files is truncated/,
    );
  });

  it("a stream listed in structure.oebin without its continuous.dat", () => {
    const session = copyRecording("missing", (rec) =>
      rmSync(join(rec, "continuous", STREAM, "continuous.dat")),
    );
    const error = sourceError(() => openOpenEphysBinaryStream(session));
    expect(error.message).toMatch(
      /cannot read the stream's data file .*ENOENT.*its continuous\.dat is missing/,
    );
  });

  it("a structure.oebin that is not JSON", () => {
    const session = copyRecording("badjson", (rec) =>
      writeFileSync(join(rec, "structure.oebin"), "{ not json"),
    );
    const error = sourceError(() => discoverOpenEphysRecordings(session));
    expect(error.file.endsWith("structure.oebin")).toBe(true);
    expect(error.message).toMatch(/is not valid JSON/);
  });

  it("a structure.oebin whose channel count disagrees with its channel list", () => {
    const session = copyRecording("badcount", (rec) => {
      const path = join(rec, "structure.oebin");
      const oebin = JSON.parse(readFileSync(path, "utf8"));
      oebin.continuous[0].num_channels = 384;
      writeFileSync(path, JSON.stringify(oebin));
    });
    expect(sourceError(() => discoverOpenEphysRecordings(session)).message).toMatch(
      /continuous\[0\] \(Neuropix-PXI-100\.ProbeA-AP\/\): num_channels is 384 but 385 channels are described/,
    );
  });

  it("a recording folder that was renamed", () => {
    const session = copyRecording("renamed", (rec) => renameSync(rec, join(rec, "..", "rec1")));
    const error = sourceError(() => discoverOpenEphysRecordings(session));
    expect(error.file.endsWith("rec1")).toBe(true);
    expect(error.message).toMatch(/is not a 'recording<M>' folder inside an 'experiment<N>' folder/);
  });
});

const SPEC: LegacyFolderSpec = {
  channels: [
    { name: "CH1", bitVolts: 0.195 },
    { name: "CH2", bitVolts: 0.195 },
    { name: "CH3", bitVolts: 0.195 },
  ],
  experiments: [
    {
      number: 1,
      recordings: [{ recordingNumber: 0, firstTimestamp: 0, records: 3 }],
      events: [
        { sampleNumber: 10, eventType: 3, processorId: 100, eventId: 1, channel: 0, recordingNumber: 0 },
      ],
    },
  ],
};

describe("Open Ephys legacy source errors", () => {
  const legacy = (name: string, spec: LegacyFolderSpec = SPEC) => {
    const folder = join(root, name);
    writeLegacyFolder(folder, spec);
    return folder;
  };
  let folder: string;
  beforeAll(() => {
    folder = legacy("base");
  });

  it("a header that declares an unsupported format version", () => {
    for (const version of ["0.3", "0.7", "1.0"]) {
      const f = legacy(`version-${version}`, { ...SPEC, version });
      const error = sourceError(() => openOpenEphysLegacyStream(f));
      expect(error.file).toBe(join(f, "100_CH1.continuous"));
      expect(error.message).toContain(join(f, "100_CH1.continuous"));
      expect(error.message).toContain(`header declares format version '${version}', which is not supported`);
      expect(error.message).toMatch(/follows versions 0\.4, 0\.5, 0\.6 of the Open Ephys data format/);
    }
  });

  it("a file whose header is not an Open Ephys header", () => {
    const f = legacy("notopenephys");
    const path = join(f, "100_CH2.continuous");
    const bytes = readFileSync(path);
    bytes.write("header.format = 'Something Else';", 0, "latin1");
    writeFileSync(path, bytes);
    const error = sourceError(() => openOpenEphysLegacyStream(f));
    expect(error.file).toBe(path);
    expect(error.message).toMatch(/is not an Open Ephys data file: header\.format is 'Something Else'/);
  });

  it("a .continuous file cut inside a record", () => {
    const f = legacy("cut");
    const path = join(f, "100_CH3.continuous");
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 1));
    const error = sourceError(() => openOpenEphysLegacyStream(f));
    expect(error.file).toBe(path);
    expect(error.message).toMatch(
      /size 7233 bytes is not the 1024-byte header plus whole 2070-byte records \(2069 bytes left over after 2 records\): truncated\?/,
    );
  });

  it("a file shorter than its header", () => {
    const f = legacy("tiny");
    writeFileSync(join(f, "100_CH1.continuous"), "header.format = 'Open Ephys Data Format';");
    expect(sourceError(() => openOpenEphysLegacyStream(f)).message).toMatch(
      /is 41 bytes long, shorter than the 1024-byte header/,
    );
  });

  it("a record that does not hold 1024 samples, and one without its marker", () => {
    const f = legacy("badrecord");
    const path = join(f, "100_CH1.continuous");
    const bytes = readFileSync(path);
    bytes.writeUInt16LE(512, 1024 + 2 * RECORD_BYTES + 8);
    writeFileSync(path, bytes);
    expect(sourceError(() => openOpenEphysLegacyStream(f)).message).toMatch(/record 2 declares 512 samples/);
    bytes.writeUInt16LE(1024, 1024 + 2 * RECORD_BYTES + 8);
    bytes[1024 + RECORD_BYTES - 1] = 0;
    writeFileSync(path, bytes);
    expect(sourceError(() => openOpenEphysLegacyStream(f)).message).toMatch(
      /record 0 does not end with the record marker 0 1 2 3 4 5 6 7 8 255/,
    );
  });

  it("records whose timestamps jump inside a recording", () => {
    const f = legacy("gap");
    const path = join(f, "100_CH2.continuous");
    const bytes = readFileSync(path);
    bytes.writeBigInt64LE(5000n, 1024 + 2 * RECORD_BYTES);
    writeFileSync(path, bytes);
    const error = sourceError(() => openOpenEphysLegacyStream(f));
    expect(error.file).toBe(path);
    expect(error.message).toMatch(
      /recording 0 \(records 0 to 2\) is not continuous: its timestamps run from 0 to 5000/,
    );
  });

  it("an .events file cut inside a record", async () => {
    const f = legacy("cutevents");
    const path = join(f, "all_channels.events");
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    const stream = openOpenEphysLegacyStream(f);
    const error = await sourceErrorAsync(() => stream.ttlEvents());
    expect(error.file).toBe(path);
    expect(error.message).toMatch(
      /is not the 1024-byte header plus whole 16-byte event records \(13 bytes left over\)/,
    );
  });

  it("an unknown legacy stream name lists the names", () => {
    const error = sourceError(() => openOpenEphysLegacyStream(folder, { streamName: "Signals AUX" }));
    expect(error.message).toContain("has no stream named 'Signals AUX'; the streams are: 'Signals CH'");
  });
});
