/**
 * A synthetic int16 recording (time × channels) produced block by block: a slow oscillation plus
 * hash-based noise, so that it compresses like real voltage traces rather than like zeros.
 * `bench/h5pyWrite.py` computes exactly the same values with numpy.
 */
import type { ChunkSource } from "../src/index.js";

/** Sample (t, c) of the synthetic recording. */
export function syntheticSample(t: number, c: number): number {
  let x = (Math.imul(t, 0x9e3779b1) + Math.imul(c, 0x85ebca6b)) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d) >>> 0;
  x ^= x >>> 13;
  return (x & 255) - 128 + Math.round(200 * Math.sin(t / 50 + c / 8));
}

export function syntheticRecording(frames: number, channels: number): ChunkSource {
  return {
    dtype: "int16",
    shape: [frames, channels],
    readRows(start, end) {
      const out = new Int16Array((end - start) * channels);
      let i = 0;
      for (let t = start; t < end; t++) for (let c = 0; c < channels; c++) out[i++] = syntheticSample(t, c);
      return out;
    },
  };
}
