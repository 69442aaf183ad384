import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWavHeader, wavSamples } from "../../../src/formats/wav/index.js";
import { isNeuroconvError } from "../../../src/index.js";
import { caught, python } from "../../helpers/nwbcheck.js";
import { scipyAvailable } from "../../helpers/python.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE_SCIPY = scipyAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-wav-"));

/** scipy.io.wavfile's reading: rate and samples (24-bit shifted back from scipy's left-justified int32). */
function scipyRead(path: string): { rate: number; samples: number[] } {
  return JSON.parse(
    python(
      `
import json, sys, numpy as np
from scipy.io import wavfile
rate, data = wavfile.read(sys.argv[1])
if sys.argv[2] == "24": data = data >> 8
print(json.dumps({"rate": rate, "samples": data.astype(np.float64).ravel().tolist()}))
`,
      path,
      path.includes("24bit") ? "24" : "",
    ),
  );
}

describe.skipIf(!HAVE_SCIPY)("WAV files against scipy.io.wavfile", () => {
  it.skipIf(!hasTestdata())("reads the real 250 kHz recordings", async () => {
    for (const name of ["02.wav", "18.wav"]) {
      const path = testdata("audio/usv_250kHz", name);
      const header = readWavHeader(path);
      const truth = scipyRead(path);
      expect([header.sampleRate, header.channels, header.dtype]).toEqual([truth.rate, 1, "int16"]);
      const samples = wavSamples(header);
      const all = [...(await samples.readRows(0, header.frameCount))];
      expect(all).toEqual(truth.samples);
      expect([...(await samples.readRows(100, 103))]).toEqual(truth.samples.slice(100, 103));
    }
  });

  it("reads PCM 8/16/24/32-bit, float 32/64 and WAVE_FORMAT_EXTENSIBLE, mono and stereo", async () => {
    python(
      `
import sys, os, struct, numpy as np
from scipy.io import wavfile
d = sys.argv[1]
rng = np.random.default_rng(5)
wavfile.write(os.path.join(d, "8bit.wav"), 8000, rng.integers(0, 256, 300, dtype=np.uint8))
wavfile.write(os.path.join(d, "16bit_stereo.wav"), 44100, rng.integers(-32768, 32767, (300, 2), dtype=np.int16))
wavfile.write(os.path.join(d, "32bit.wav"), 96000, rng.integers(-2**31, 2**31 - 1, 300, dtype=np.int32))
wavfile.write(os.path.join(d, "float32_stereo.wav"), 48000, rng.standard_normal((300, 2)).astype(np.float32))
wavfile.write(os.path.join(d, "float64.wav"), 48000, rng.standard_normal(300))
# 24-bit packed PCM in WAVE_FORMAT_EXTENSIBLE (scipy reads it, but cannot write it)
values = rng.integers(-2**23, 2**23 - 1, (300, 2))
data = b"".join(int(v).to_bytes(3, "little", signed=True) for v in values.ravel())
guid = struct.pack("<H", 1) + bytes.fromhex("000000001000800000aa00389b71")
fmt = struct.pack("<HHIIHHHHI", 0xFFFE, 2, 192000, 192000 * 6, 6, 24, 22, 24, 3) + guid
with open(os.path.join(d, "24bit_extensible.wav"), "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE")
    f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data)
`,
      dir,
    );
    const expected: Record<string, [string, number]> = {
      "8bit.wav": ["uint8", 1],
      "16bit_stereo.wav": ["int16", 2],
      "24bit_extensible.wav": ["int32", 2],
      "32bit.wav": ["int32", 1],
      "float32_stereo.wav": ["float32", 2],
      "float64.wav": ["float64", 1],
    };
    for (const [name, [dtype, channels]] of Object.entries(expected)) {
      const path = join(dir, name);
      const header = readWavHeader(path);
      const truth = scipyRead(path);
      expect([name, header.dtype, header.channels, header.sampleRate]).toEqual([
        name,
        dtype,
        channels,
        truth.rate,
      ]);
      const samples = wavSamples(header);
      expect(samples.shape).toEqual(channels === 1 ? [300] : [300, channels]);
      expect([...(await samples.readRows(0, 300))]).toEqual(truth.samples);
    }
  });
});

describe("bad WAV input", () => {
  it("names the file that is not a WAV", () => {
    const error = caught(() => readWavHeader(join(import.meta.dirname, "wav.test.ts")));
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect(error.message).toMatch(/wav\.test\.ts: not a WAV file/);
  });
});
