/** A small .plx file written per the Plexon SDK header, for tests of continuous channels (the samples have none). */
import { writeFileSync } from "node:fs";

/** A version 106 .plx: 1 spike channel, Strobed and Start events, 2 continuous channels at 1 kHz. */
export function writePlx(path: string): { continuous: number[][]; segments: [number, number, number][] } {
  const header = Buffer.alloc(7504 + 1020 + 2 * 296 + 2 * 296);
  header.write("PLEX", 0, "latin1");
  header.writeInt32LE(106, 4);
  header.write("generated", 8, "latin1");
  [40000, 1, 2, 2, 32, 8, 2021, 6, 15, 14, 30, 5].forEach((v, i) => {
    header.writeInt32LE(v, 136 + 4 * i);
  });
  header.writeInt32LE(40000, 188);
  header.writeUInt8(12, 202);
  header.writeUInt8(12, 203);
  header.writeUInt16LE(3000, 204);
  header.writeUInt16LE(5000, 206);
  header.writeUInt16LE(1000, 208);
  const spike = 7504;
  header.write("sig001", spike, "latin1");
  header.writeInt32LE(1, spike + 64);
  header.writeInt32LE(32, spike + 80); // gain
  const events = spike + 1020;
  header.write("Strobed", events, "latin1");
  header.writeInt32LE(257, events + 32);
  header.write("Start", events + 296, "latin1");
  header.writeInt32LE(258, events + 296 + 32);
  const slow = events + 2 * 296;
  ["FP01", "FP02"].forEach((name, k) => {
    const at = slow + k * 296;
    header.write(name, at, "latin1");
    header.writeInt32LE(k, at + 32);
    header.writeInt32LE(1000, at + 36);
    header.writeInt32LE(k + 1, at + 40);
    header.writeInt32LE(1, at + 44);
    header.writeInt32LE(1000, at + 48);
  });
  const block = (type: number, tick: number, channel: number, unit: number, values: number[]) => {
    const b = Buffer.alloc(16 + 2 * values.length);
    b.writeUInt16LE(type, 0);
    b.writeUInt16LE(Math.floor(tick / 2 ** 32), 2);
    b.writeUInt32LE(tick % 2 ** 32, 4);
    b.writeUInt16LE(channel, 8);
    b.writeUInt16LE(unit, 10);
    b.writeUInt16LE(values.length ? 1 : 0, 12);
    b.writeUInt16LE(values.length, 14);
    values.forEach((v, i) => {
      b.writeInt16LE(v, 16 + 2 * i);
    });
    return b;
  };
  const blocks: Buffer[] = [block(4, 100, 258, 0, [])];
  const continuous: number[][] = [];
  // three blocks of 10 samples: the first two contiguous (400 ticks apart), then a gap
  for (const [b, tick] of [200, 600, 5000].entries()) {
    const rows = Array.from({ length: 10 }, (_, r) => [b * 100 + r, -(b * 100 + r) * 3 || 0]);
    continuous.push(...rows);
    for (const k of [0, 1])
      blocks.push(
        block(
          5,
          tick,
          k,
          0,
          rows.map((row) => row[k]!),
        ),
      );
    blocks.push(
      block(
        1,
        tick + 50,
        1,
        b % 2,
        Array.from({ length: 32 }, (_, s) => (s - 16) * (b + 1)),
      ),
    );
    blocks.push(block(4, tick + 60, 257, 1000 + b, []));
  }
  writeFileSync(path, Buffer.concat([header, ...blocks]));
  return {
    continuous,
    segments: [
      [0, 20, 200 / 40000],
      [20, 10, 5000 / 40000],
    ] as [number, number, number][],
  };
}
