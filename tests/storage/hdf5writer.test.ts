/**
 * Failure paths of the HDF5 writer and the byte sinks: a sink that fails (full disk) surfaces a StorageError
 * naming the file and the writer can be aborted, leaving nothing behind; bad requests fail naming the object.
 * (What the writer writes is checked by the property test against h5py, h5wasm and h5dump.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isNeuroconvError } from "../../src/errors.js";
import { Hdf5Writer } from "../../src/storage/hdf5/writer/index.js";
import { type ByteSink, createFileSink, createMemorySink } from "../../src/storage/sink.js";
import { objectReference } from "../../src/storage/types.js";

const dir = mkdtempSync(join(tmpdir(), "hdf5writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file sink that fails like a full disk once `capacity` bytes have been written. */
function fullDisk(sink: ByteSink, capacity: number): ByteSink {
  let written = 0;
  return {
    name: sink.name,
    async write(position, bytes) {
      if (written + bytes.length > capacity) {
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      }
      written += bytes.length;
      await sink.write(position, bytes);
    },
    close: () => sink.close(),
    abort: () => sink.abort(),
  };
}

async function expectStorageError(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNeuroconvError(error, "StorageError"), String(error)).toBe(true);
  for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
}

describe("Hdf5Writer on a failing sink", () => {
  it("surfaces a full disk during chunk writes, refuses further work, and aborts leaving no file", async () => {
    const file = join(dir, "full-during-chunks.h5");
    const writer = Hdf5Writer.create(fullDisk(await createFileSink(file), 2500));
    const data = writer.createChunkedDataset("/data", {
      dtype: "int16",
      shape: [4000],
      chunks: [500],
      filters: [],
    });
    await data.writeChunk([0], new Uint8Array(1000));
    await data.writeChunk([1], new Uint8Array(1000));
    await expectStorageError(data.writeChunk([2], new Uint8Array(1000)), file, "/data", "ENOSPC");
    await expectStorageError(data.writeChunk([3], new Uint8Array(1000)), file, "ENOSPC");
    expect(() => writer.createGroup("/more")).toThrow(/ENOSPC/);
    await expectStorageError(writer.close(), file, "ENOSPC");
    expect(existsSync(file)).toBe(true);
    await writer.abort();
    expect(existsSync(file)).toBe(false);
  });

  it("surfaces a full disk while writing the metadata at close, then aborts leaving no file", async () => {
    const file = join(dir, "full-at-close.h5");
    const writer = Hdf5Writer.create(fullDisk(await createFileSink(file), 1000));
    writer.createGroup("/acquisition");
    writer.setAttribute("/acquisition", "description", "utf8", [], "x".repeat(2000));
    await expectStorageError(writer.close(), file, "ENOSPC");
    await writer.abort();
    expect(existsSync(file)).toBe(false);
  });

  it("aborts a healthy file mid-way, waiting for writes in flight", async () => {
    const file = join(dir, "cancelled.h5");
    const writer = Hdf5Writer.create(await createFileSink(file));
    const data = writer.createChunkedDataset("/data", {
      dtype: "uint8",
      shape: [1 << 20],
      chunks: [1 << 16],
      filters: [],
    });
    const writes = Array.from({ length: 16 }, (_, i) => data.writeChunk([i], new Uint8Array(1 << 16)));
    await writer.abort();
    await Promise.allSettled(writes);
    expect(existsSync(file)).toBe(false);
    await expectStorageError(writer.close(), "aborted");
  });
});

describe("createFileSink", () => {
  it("refuses an existing file unless asked to overwrite, and leaves it intact", async () => {
    const file = join(dir, "existing.h5");
    writeFileSync(file, "keep me");
    await expect(createFileSink(file)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(file, "utf8")).toBe("keep me");
    const sink = await createFileSink(file, { overwrite: true });
    await sink.write(2, new Uint8Array([65, 66]));
    await sink.write(0, new Uint8Array([67, 68]));
    await sink.close();
    expect(readFileSync(file, "latin1")).toBe("CDAB");
  });
});

describe("Hdf5Writer request errors name the object", () => {
  const writer = () => Hdf5Writer.create(createMemorySink("mem.h5"));

  it("refuses missing parents, existing names and malformed paths", () => {
    const w = writer();
    expect(() => w.createGroup("/a/b")).toThrow(/mem\.h5: \/a\/b: parent group "\/a" does not exist/);
    w.createGroup("/a");
    expect(() => w.createGroup("/a")).toThrow(/"\/a" already exists/);
    expect(() => w.createSoftLink("a", "/x")).toThrow(/absolute/);
    expect(() => w.setAttribute("/nowhere", "x", "int8", [], 1)).toThrow(
      /no group or dataset at "\/nowhere"/,
    );
  });

  it("refuses values that do not match their dtype or shape", () => {
    const w = writer();
    expect(() => w.createDataset("/x", { dtype: "float32", shape: [3], value: [1, 2] })).toThrow(
      /\/x: expected 3 elements/,
    );
    expect(() => w.setAttribute("/", "s", "ascii", [], "µ")).toThrow(/\/@s: non-ASCII/);
    expect(() => w.setAttribute("/", "f", { fixedString: 2 }, [], "abc")).toThrow(/does not fit/);
    expect(() => w.setAttribute("/", "big", "float64", [10000], new Float64Array(10000))).toThrow(
      /store it as a dataset/,
    );
  });

  it("checks chunks: rank, range, size, duplicates, and HDF5's chunk <= fixed max extent rule", async () => {
    const w = writer();
    expect(() =>
      w.createChunkedDataset("/e", { dtype: "int16", shape: [0], chunks: [10], filters: [] }),
    ).toThrow(/make the dimension unlimited/);
    const d = w.createChunkedDataset("/d", { dtype: "int16", shape: [10, 3], chunks: [4, 3], filters: [] });
    await expectStorageError(d.writeChunk([0], new Uint8Array(24)), "/d", "rank 2");
    await expectStorageError(d.writeChunk([3, 0], new Uint8Array(24)), "outside");
    await expectStorageError(d.writeChunk([0, 0], new Uint8Array(10)), "must be 24 bytes");
    await d.writeChunk([0, 0], new Uint8Array(24));
    await expectStorageError(d.writeChunk([0, 0], new Uint8Array(24)), "already written");
    expect(() => d.resize([11, 3])).toThrow(/exceeds the maximum shape/);
  });

  it("fails at close on a reference to nothing, naming the referring object", async () => {
    const w = writer();
    w.createGroup("/g");
    w.setAttribute("/g", "target", "objectref", [], objectReference("/missing"));
    await expectStorageError(w.close(), "/g@target", '"/missing"');
  });
});
