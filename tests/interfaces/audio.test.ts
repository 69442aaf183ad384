import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { AudioInterface } from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { scipyAvailable } from "../helpers/python.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && scipyAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-audio-"));
const metadata = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };
const WAV_02 = testdata("audio/usv_250kHz/02.wav");
const WAV_18 = testdata("audio/usv_250kHz/18.wav");

/** h5py's view of an AcousticWaveformSeries: type, data, rate and starting time. */
function series(
  path: string,
  location: string,
): { type: string; data: number[]; rate: number; start: number } {
  return JSON.parse(
    python(
      `
import json, sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    s = f[sys.argv[2]]
    t = s["starting_time"]
    print(json.dumps({"type": s.attrs["neurodata_type"], "data": s["data"][()].tolist(), "rate": float(t.attrs["rate"]), "start": float(t[()])}))
`,
      path,
      location,
    ),
  );
}

describe.skipIf(!HAVE)("AudioInterface on the real ultrasonic vocalization files", () => {
  const written: string[] = [];

  it("writes the samples NeuroConv writes (equal to scipy's reading), as ndx-sound", async () => {
    const path = join(dir, "one.nwb");
    await new AudioInterface({ filePaths: [WAV_02] }).runConversion({ nwbfilePath: path, metadata });
    written.push(path);
    const ours = series(path, "/stimulus/presentation/AcousticWaveformSeries");
    const reference = series(
      testdata("audio/reference_neuroconv/usv_250kHz_02.nwb"),
      "/stimulus/presentation/AcousticWaveformSeries",
    );
    const scipy = JSON.parse(
      python(
        "import json,sys; from scipy.io import wavfile; print(json.dumps(wavfile.read(sys.argv[1])[1].tolist()))",
        WAV_02,
      ),
    );
    expect(ours.type).toBe("AcousticWaveformSeries");
    expect(ours.data).toEqual(scipy);
    expect(ours.data).toEqual(reference.data);
    expect([ours.rate, ours.start]).toEqual([reference.rate, reference.start]);
  });

  it("writes several files one after another, in acquisition when asked, and passes the interface check", async () => {
    const audio = new AudioInterface({ filePaths: [WAV_02, WAV_18] });
    expect(audio.getSegmentStartingTimes()).toEqual([0, 14061 / 250000]);
    const path = join(dir, "two.nwb");
    await audio.runConversion({ nwbfilePath: path, metadata, writeAs: "acquisition" });
    written.push(path);
    expect(series(path, "/acquisition/AcousticWaveformSeries1").start).toBe(14061 / 250000);
    audio.setAlignedSegmentStartingTimes([5, 60]);
    await checkDataInterface(audio, { outputDir: dir, metadata });
  });

  it("converts from the command line under its alias", async () => {
    const output = join(dir, "cli.nwb");
    const metadataPath = join(dir, "metadata.yaml");
    writeFileSync(metadataPath, "NWBFile:\n  session_start_time: '2024-01-01T12:00:00-05:00'\n");
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => err.push(t), terminal: false };
    expect(await runCli(["convert", "audio", WAV_18, "-o", output, "--metadata", metadataPath], io)).toBe(0);
    expect(err.filter((line) => !line.startsWith("writing:"))).toEqual([]);
    written.push(output, join(dir, "AudioInterface.nwb"));
  });

  it("the files pass nwbcheck with the cached ndx-sound", () => {
    const result = nwbcheck(...written);
    expect(result.passed, result.output).toBe(true);
    expect(result.output).toContain("ndx-sound");
  });
});
