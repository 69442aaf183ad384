/**
 * Benchmark: convert a generated 512×512 uint16 TIFF stack (BigTIFF, one page per frame) with the command
 * line's code path (`neuroconv convert tiff ...`), and report MB/s and peak RSS. Each size runs in a fresh
 * process.
 *
 *   npm run bench:tiff                 # 2 GB
 *   npm run bench:tiff -- --gb 0.2 --gb 2
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runCli } from "../src/cli/main.js";

const SIDE = 512;
const PAGE_BYTES = SIDE * SIDE * 2;

/** One IFD entry of a little-endian BigTIFF: tag, type, count 1, value. */
function entry(view: DataView, at: number, tag: number, type: number, value: number): void {
  view.setUint16(at, tag, true);
  view.setUint16(at + 2, type, true);
  view.setBigUint64(at + 4, 1n, true);
  view.setBigUint64(at + 12, BigInt(value), true);
}

/** Writes `pages` frames of smooth structure plus noise (compresses about like real two-photon data). */
function writeStack(path: string, pages: number): void {
  const fd = openSync(path, "w");
  try {
    const header = Buffer.alloc(16);
    header.write("II", 0, "latin1");
    header.writeUInt16LE(43, 2);
    header.writeUInt16LE(8, 4);
    header.writeBigUInt64LE(16n, 8);
    writeSync(fd, header, 0, 16, 0);
    const tags: [number, number, number][] = [
      [256, 4, SIDE],
      [257, 4, SIDE],
      [258, 3, 16],
      [259, 3, 1],
      [262, 3, 1],
      [273, 16, 0],
      [277, 3, 1],
      [278, 4, SIDE],
      [279, 16, PAGE_BYTES],
      [339, 3, 1],
    ];
    const ifdBytes = 8 + tags.length * 20 + 8;
    const frame = new Uint16Array(SIDE * SIDE);
    let seed = 12345;
    let position = 16;
    for (let p = 0; p < pages; p++) {
      // the IFD first, then the page's pixels; the previous header or IFD points here
      const ifd = new DataView(new ArrayBuffer(ifdBytes));
      ifd.setBigUint64(0, BigInt(tags.length), true);
      const dataAt = position + ifdBytes;
      for (const [i, [tag, type, value]] of tags.entries()) {
        entry(ifd, 8 + i * 20, tag, type, tag === 273 ? dataAt : value);
      }
      const next = p + 1 < pages ? dataAt + PAGE_BYTES : 0;
      ifd.setBigUint64(8 + tags.length * 20, BigInt(next), true);
      writeSync(fd, new Uint8Array(ifd.buffer), 0, ifdBytes, position);
      for (let i = 0; i < frame.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const x = i % SIDE;
        const y = (i / SIDE) | 0;
        frame[i] = 1000 + ((x * y + p * 7) & 255) + (seed >>> 24);
      }
      writeSync(fd, new Uint8Array(frame.buffer), 0, PAGE_BYTES, dataAt);
      position = dataAt + PAGE_BYTES;
    }
  } finally {
    closeSync(fd);
  }
}

async function child(gb: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "neuroconv-bench-tiff-"));
  try {
    const tiff = join(dir, "stack.tif");
    writeStack(tiff, Math.round((gb * 1e9) / PAGE_BYTES));
    const output = join(dir, "stack.nwb");
    const started = performance.now();
    const quiet = { out: () => {}, err: (t: string) => process.stderr.write(`${t}\n`), progress: false };
    const metadata = join(dir, "metadata.yaml");
    writeFileSync(metadata, "NWBFile:\n  session_start_time: '2024-01-01T12:00:00+00:00'\n");
    const argv = [
      "convert",
      "tiff",
      tiff,
      "-o",
      output,
      "--metadata",
      metadata,
      "--sampling-frequency",
      "30",
    ];
    const code = await runCli(argv, quiet);
    if (code !== 0) throw new Error("conversion failed");
    const elapsed = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        gb,
        seconds: elapsed,
        mbPerSecond: statSync(tiff).size / 1e6 / elapsed,
        peakRssMB: process.resourceUsage().maxRSS / 1024,
        fileMB: statSync(output).size / 1e6,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { gb: { type: "string", multiple: true }, child: { type: "boolean" } },
});
const sizes = (values.gb ?? ["2"]).map(Number);
if (values.child) {
  await child(sizes[0]!);
} else {
  console.log("512×512 uint16 TIFF stack -> NWB TwoPhotonSeries (gzip 4)");
  console.log(
    `${"input".padEnd(8)} ${"seconds".padStart(8)} ${"MB/s".padStart(8)} ${"peak RSS MB".padStart(12)} ${"NWB MB".padStart(8)}`,
  );
  for (const gb of sizes) {
    const out = execFileSync(process.execPath, [import.meta.filename, "--child", "--gb", String(gb)], {
      encoding: "utf8",
    });
    const r = JSON.parse(out.trim().split("\n").at(-1)!);
    console.log(
      `${`${gb} GB`.padEnd(8)} ${r.seconds.toFixed(1).padStart(8)} ${r.mbPerSecond.toFixed(1).padStart(8)} ${r.peakRssMB
        .toFixed(0)
        .padStart(12)} ${r.fileMB.toFixed(0).padStart(8)}`,
    );
  }
}
