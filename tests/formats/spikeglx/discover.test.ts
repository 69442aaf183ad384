import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import { getSpikeGLXStreams } from "../../../src/formats/spikeglx/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

describe("SpikeGLX run folders", () => {
  const root = mkdtempSync(join(tmpdir(), "neuroconv-spikeglx-discover-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Empty .bin/.meta pairs in SpikeGLX's run/probe folder layout. */
  function touch(...parts: string[]): void {
    const path = join(root, ...parts);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(`${path}.bin`, "");
    writeFileSync(`${path}.meta`, "");
  }

  it("finds every imec AP/LF stream and the NI-DAQ stream, sorted", async () => {
    touch("run_g0", "run_g0_t0.nidq");
    touch("run_g0", "run_g0_imec1", "run_g0_t0.imec1.ap");
    touch("run_g0", "run_g0_imec0", "run_g0_t0.imec0.lf");
    touch("run_g0", "run_g0_imec0", "run_g0_t0.imec0.ap");
    touch("run_g0", "run_g0_imec0", "run_g0_t1.imec0.ap");
    writeFileSync(join(root, "run_g0", "notes.bin"), ""); // not a SpikeGLX stream name
    const streams = await getSpikeGLXStreams(join(root, "run_g0"));
    expect(streams.map((s) => [s.streamId, s.trigger])).toEqual([
      ["imec0.ap", 0],
      ["imec0.ap", 1],
      ["imec0.lf", 0],
      ["imec1.ap", 0],
      ["nidq", 0],
    ]);
    expect(streams[0]).toEqual({
      streamId: "imec0.ap",
      kind: "ap",
      probeIndex: 0,
      runName: "run",
      gate: 0,
      trigger: 0,
      binPath: join(root, "run_g0", "run_g0_imec0", "run_g0_t0.imec0.ap.bin"),
      metaPath: join(root, "run_g0", "run_g0_imec0", "run_g0_t0.imec0.ap.meta"),
    });
    expect(streams.at(-1)).toMatchObject({ kind: "nidq", probeIndex: undefined });
  });

  it("reads Phase 3A and CatGT names", async () => {
    touch("old", "test_file.imec.ap");
    touch("old", "catgt_run_g0", "run_g0_tcat.imec2.lf");
    const streams = await getSpikeGLXStreams(join(root, "old"));
    expect(streams.map((s) => [s.streamId, s.runName, s.gate, s.trigger])).toEqual([
      ["imec0.ap", "test_file", undefined, undefined],
      ["imec2.lf", "run", 0, "cat"],
    ]);
  });

  it("refuses a stream .bin without its .meta, and a missing folder", async () => {
    mkdirSync(join(root, "lonely"));
    writeFileSync(join(root, "lonely", "x_g0_t0.imec0.ap.bin"), "");
    expect(() => getSpikeGLXStreams(join(root, "lonely"))).toThrow(SourceDataError);
    expect(() => getSpikeGLXStreams(join(root, "lonely"))).toThrow(
      /x_g0_t0\.imec0\.ap\.bin: no metadata file beside it \(expected x_g0_t0\.imec0\.ap\.meta\)/,
    );
    expect(() => getSpikeGLXStreams(join(root, "nowhere"))).toThrow(/nowhere: cannot open the folder/);
  });

  it.skipIf(!hasTestdata())("finds the AP stream of the Noise4Sam sample", async () => {
    const streams = await getSpikeGLXStreams(testdata("spikeglx/Noise4Sam_g0"));
    expect(streams).toEqual([
      expect.objectContaining({
        streamId: "imec0.ap",
        binPath: testdata("spikeglx/Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.bin"),
      }),
    ]);
  });
});
