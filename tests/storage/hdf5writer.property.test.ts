/**
 * Property test of the TypeScript HDF5 writer: random trees of groups, links, attributes and datasets of
 * every dtype and shape are written, then read back by two independent readers, Debian's h5py (HDF5 1.10)
 * and h5wasm (HDF5 compiled to wasm), which must see exactly what was written; `h5dump -p -H` must parse
 * every file. Set HDF5_PROPERTY_SEED to replay a run; the seed is printed on failure.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  type CompoundField,
  elementCount,
  isTypedArray,
  type NumericDtype,
  typedArrayFor,
} from "../../src/data/dtype.js";
import { hdf5Backend } from "../../src/storage/hdf5/index.js";
import { type Hdf5Dtype, type Hdf5Filter, Hdf5Writer } from "../../src/storage/hdf5/writer/index.js";
import { createFileSink } from "../../src/storage/sink.js";
import { type ObjectReference, objectReference, type StoredValue } from "../../src/storage/types.js";

const PYTHON = "/usr/bin/python3";
const ORACLE = join(import.meta.dirname, "hdf5writer_oracle.py");
const TREES = 200;

function pythonEnv(): NodeJS.ProcessEnv {
  const { PYTHONPATH: _path, PYTHONHOME: _home, ...env } = process.env;
  return env;
}

const h5pyAvailable = spawnSync(PYTHON, ["-c", "import h5py"], { env: pythonEnv() }).status === 0;
const h5dumpAvailable = spawnSync("h5dump", ["--version"]).status === 0;
if (!(h5pyAvailable && h5dumpAvailable)) {
  if (process.env.CI)
    throw new Error("CI needs Debian's h5py (/usr/bin/python3 -c 'import h5py') and h5dump");
  console.warn(
    `\n!!! SKIPPING the h5py/h5dump half of the HDF5 writer property test (h5py: ${h5pyAvailable}, h5dump: ${h5dumpAvailable}) !!!\n`,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Random generation

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const NUMERIC: readonly NumericDtype[] = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
];
const FIELD_DTYPES = ["int32", "float64", "utf8", "objectref", "uint8", "int64", "bool"] as const;
const TEXT = ["a", "Z", "0", " ", "é", "ü", "ß", "中", "文", "😀", "µV", "-", "_"];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A value as both the writer and the oracles see it. */
interface ValueSpec {
  readonly dtype: Hdf5Dtype;
  readonly shape: number[];
  readonly value: StoredValue;
  /** Flattened row-major values as JSON (64-bit integers as strings, references as {ref}). */
  readonly expected: Json[];
}

function describeDtype(dtype: Hdf5Dtype): Json {
  if (typeof dtype === "string") return dtype;
  if ("fixedString" in dtype) return `fixed:${dtype.fixedString}:${dtype.charset ?? "utf8"}`;
  return { compound: dtype.compound.map((f) => [f.name, f.dtype]) };
}

function randomText(r: Random, ascii: boolean, maxLength = 8): string {
  let s = "";
  const length = r.int(0, maxLength);
  for (let i = 0; i < length; i++) s += ascii ? String.fromCharCode(r.int(32, 126)) : r.pick(TEXT);
  return s;
}

function randomNumber(r: Random, dtype: NumericDtype): number | bigint {
  switch (dtype) {
    case "float32":
      return Math.fround((r.next() - 0.5) * 10 ** r.int(-3, 6));
    case "float64":
      return (r.next() - 0.5) * 10 ** r.int(-8, 12);
    case "int64":
      return BigInt.asIntN(64, (BigInt(r.int(0, 2 ** 31)) << 33n) ^ BigInt(r.int(0, 2 ** 31)));
    case "uint64":
      return BigInt.asUintN(64, (BigInt(r.int(0, 2 ** 31)) << 33n) ^ BigInt(r.int(0, 2 ** 31)));
    default: {
      const bits = Number.parseInt(dtype.replace(/^u?int/, ""), 10);
      const signed = dtype.startsWith("int");
      const lo = signed ? -(2 ** (bits - 1)) : 0;
      return r.int(lo, lo + 2 ** bits - 1);
    }
  }
}

function numberJson(value: number | bigint): Json {
  return typeof value === "bigint" ? value.toString() : value;
}

/** One random element of a scalar dtype, and its JSON. */
function randomElement(r: Random, dtype: string, targets: readonly string[]): [unknown, Json] {
  if (dtype === "utf8" || dtype === "ascii") {
    const s = randomText(r, dtype === "ascii");
    return [s, s];
  }
  if (dtype === "bool") {
    const b = r.chance(0.5);
    return [b, b];
  }
  if (dtype === "objectref") {
    const path = r.pick(targets);
    return [objectReference(path), { ref: path }];
  }
  const n = randomNumber(r, dtype as NumericDtype);
  return [n, numberJson(n)];
}

function randomDtype(r: Random, allowCompound: boolean): Hdf5Dtype {
  const roll = r.next();
  if (roll < 0.45) return r.pick(NUMERIC);
  if (roll < 0.55) return "bool";
  if (roll < 0.67) return r.pick(["utf8", "ascii"] as const);
  if (roll < 0.75) return { fixedString: r.int(1, 10), charset: r.pick(["utf8", "ascii"] as const) };
  if (roll < 0.85 || !allowCompound) return "objectref";
  const fields: CompoundField[] = [];
  const count = r.int(1, 4);
  for (let i = 0; i < count; i++)
    fields.push({ name: `f${i}_${r.pick(["x", "é", "ref"])}`, dtype: r.pick(FIELD_DTYPES) });
  return { compound: fields };
}

function randomValue(r: Random, dtype: Hdf5Dtype, shape: number[], targets: readonly string[]): ValueSpec {
  const count = elementCount(shape);
  const expected: Json[] = [];
  const items: unknown[] = [];
  for (let i = 0; i < count; i++) {
    if (typeof dtype === "string") {
      const [v, j] = randomElement(r, dtype, targets);
      items.push(v);
      expected.push(j);
    } else if ("fixedString" in dtype) {
      const s = randomText(r, true, dtype.fixedString).trimEnd();
      items.push(s);
      expected.push(s);
    } else {
      const record: Record<string, unknown> = {};
      const json: Record<string, Json> = {};
      for (const field of dtype.compound) {
        const [v, j] = randomElement(r, field.dtype, targets);
        record[field.name] = v;
        json[field.name] = j;
      }
      items.push(record);
      expected.push(json);
    }
  }
  let value: StoredValue;
  if (typeof dtype === "string" && (NUMERIC as readonly string[]).includes(dtype) && r.chance(0.6)) {
    const Ctor = typedArrayFor(dtype as NumericDtype);
    value = new Ctor(items as never) as StoredValue;
  } else if (shape.length === 0 && !(typeof dtype === "object" && "compound" in dtype)) {
    value = items[0] as StoredValue;
  } else {
    value = items as StoredValue;
  }
  return { dtype, shape, value, expected };
}

function randomShape(r: Random, large: boolean): number[] {
  const roll = r.next();
  if (roll < 0.2) return [];
  if (roll < 0.3) return [0];
  if (roll < 0.75) return [r.int(1, large ? 300 : 6)];
  return [r.int(1, large ? 40 : 4), r.int(1, large ? 12 : 4)];
}

// ---------------------------------------------------------------------------------------------------------
// Chunked datasets: the test encodes chunks itself (shuffle written here, deflate from node:zlib)

function shuffle(bytes: Uint8Array, size: number): Uint8Array {
  const count = bytes.length / size;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < count; i++) for (let j = 0; j < size; j++) out[j * count + i] = bytes[i * size + j]!;
  return out;
}

const FILTER_SETS: readonly (readonly string[])[] = [[], ["deflate"], ["shuffle", "deflate"], ["shuffle"]];

interface ChunkedSpec {
  readonly dtype: NumericDtype | "bool";
  readonly shape: number[];
  readonly chunks: number[];
  readonly maxShape: (number | null)[];
  readonly filters: readonly string[];
  readonly level: number;
  /** Full data, row-major, as stored bytes (bool as int8). */
  readonly data: Uint8Array;
  readonly expected: Json[];
  /** Chunk grid coordinates left unwritten (read back as zeros). */
  readonly skipped: Set<string>;
}

function* chunkGrid(shape: readonly number[], chunks: readonly number[]): Generator<number[]> {
  const grid = shape.map((n, d) => Math.ceil(n / chunks[d]!));
  if (grid.some((g) => g === 0)) return;
  const index = grid.map(() => 0);
  for (;;) {
    yield [...index];
    let d = grid.length - 1;
    while (d >= 0 && ++index[d]! === grid[d]) index[d--] = 0;
    if (d < 0) return;
  }
}

/** The full-chunk-shape bytes of one chunk (edge chunks padded with zeros). */
function chunkBytes(spec: ChunkedSpec, index: readonly number[], size: number): Uint8Array {
  const { shape, chunks } = spec;
  const out = new Uint8Array(elementCount(chunks) * size);
  const strides = shape.map((_, d) => elementCount(shape.slice(d + 1)));
  for (const local of chunkGrid(
    chunks,
    chunks.map(() => 1),
  )) {
    const global = local.map((l, d) => index[d]! * chunks[d]! + l);
    if (global.some((g, d) => g >= shape[d]!)) continue;
    const source = global.reduce((sum, g, d) => sum + g * strides[d]!, 0);
    const target = local.reduce((sum, l, d) => sum + l * elementCount(chunks.slice(d + 1)), 0);
    out.set(spec.data.subarray(source * size, (source + 1) * size), target * size);
  }
  return out;
}

function randomChunked(r: Random): ChunkedSpec {
  const dtype = r.chance(0.1) ? "bool" : r.pick(NUMERIC);
  const rank = r.int(1, 3);
  const shape = Array.from({ length: rank }, () => r.int(1, rank === 1 ? 60 : 9));
  const chunks = shape.map((n) => r.int(1, n));
  const maxShape = shape.map((n) => (r.chance(0.3) ? null : r.chance(0.2) ? n + r.int(0, 5) : n));
  const count = elementCount(shape);
  const size = dtype === "bool" ? 1 : (typedArrayFor(dtype).BYTES_PER_ELEMENT as number);
  const data = new Uint8Array(count * size);
  const view = new DataView(data.buffer);
  const expected: Json[] = [];
  for (let i = 0; i < count; i++) {
    if (dtype === "bool") {
      const b = r.chance(0.5);
      view.setInt8(i, b ? 1 : 0);
      expected.push(b);
      continue;
    }
    const v = randomNumber(r, dtype);
    const setter = {
      int8: "setInt8",
      uint8: "setUint8",
      int16: "setInt16",
      uint16: "setUint16",
      int32: "setInt32",
      uint32: "setUint32",
      int64: "setBigInt64",
      uint64: "setBigUint64",
      float32: "setFloat32",
      float64: "setFloat64",
    }[dtype] as "setFloat64";
    (view[setter] as (at: number, value: number | bigint, le: boolean) => void).call(view, i * size, v, true);
    expected.push(numberJson(v));
  }
  const skipped = new Set<string>();
  for (const index of chunkGrid(shape, chunks)) if (r.chance(0.1)) skipped.add(index.join(","));
  // Unwritten chunks read back as the fill value, zero.
  const strides = shape.map((_, d) => elementCount(shape.slice(d + 1)));
  for (const position of chunkGrid(
    shape,
    shape.map(() => 1),
  )) {
    const index = position.map((p, d) => Math.floor(p / chunks[d]!));
    if (!skipped.has(index.join(","))) continue;
    const flat = position.reduce((sum, p, d) => sum + p * strides[d]!, 0);
    expected[flat] = dtype === "bool" ? false : typeof expected[flat] === "string" ? "0" : 0;
  }
  return {
    dtype,
    shape,
    chunks,
    maxShape,
    filters: r.pick(FILTER_SETS),
    level: r.int(0, 9),
    data,
    expected,
    skipped,
  };
}

// ---------------------------------------------------------------------------------------------------------
// One tree: built into the writer and described for both oracles

interface NodeManifest {
  path: string;
  kind: "group" | "dataset";
  children?: Record<string, string>;
  attrs: Record<string, { dtype: Json; shape: number[]; value: Json[] }>;
  dtype?: Json;
  shape?: number[];
  maxshape?: (number | null)[] | null;
  chunks?: number[] | null;
  filters?: [number, number[]][];
  value?: Json[];
}

interface FileManifest {
  file: string;
  nodes: NodeManifest[];
}

function childPath(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

async function writeRandomTree(r: Random, file: string): Promise<FileManifest> {
  const groups = ["/"];
  const nodes = new Map<string, NodeManifest>();
  nodes.set("/", { path: "/", kind: "group", children: {}, attrs: {} });
  let counter = 0;
  const newName = (): string => `${r.pick(["g", "d", "obj", "é", "data"])}${counter++}`;

  // Plan the tree first so that references can point anywhere in it.
  type Planned =
    | { kind: "group"; path: string }
    | { kind: "dataset"; path: string; spec?: ValueSpec }
    | { kind: "chunked"; path: string; chunked: ChunkedSpec };
  const planned: Planned[] = [];
  const groupCount = r.int(0, 6);
  for (let i = 0; i < groupCount; i++) {
    const path = childPath(r.pick(groups), newName());
    groups.push(path);
    planned.push({ kind: "group", path });
  }
  const datasetCount = r.int(0, 6);
  for (let i = 0; i < datasetCount; i++)
    planned.push({ kind: "dataset", path: childPath(r.pick(groups), newName()) });
  const chunkedCount = r.int(0, 3);
  for (let i = 0; i < chunkedCount; i++) {
    planned.push({ kind: "chunked", path: childPath(r.pick(groups), newName()), chunked: randomChunked(r) });
  }
  // Objects reachable through a second hard link are not referenced: a reader names a reference's target by any
  // of its paths. A group is never linked into its own subtree.
  const hardLinks: [string, string][] = [];
  const hardLinkCount = planned.length > 0 ? r.int(0, 2) : 0;
  for (let i = 0; i < hardLinkCount; i++) {
    const target = r.pick(planned).path;
    const parent = r.pick(groups.filter((g) => g !== target && !g.startsWith(`${target}/`)));
    hardLinks.push([childPath(parent, `hardlink${counter++}`), target]);
  }
  const linked = new Set(hardLinks.map(([, target]) => target));
  const reachableTwice = (path: string) => [...linked].some((t) => path === t || path.startsWith(`${t}/`));
  const targets = ["/", ...planned.map((p) => p.path).filter((p) => !reachableTwice(p))];

  const writer = Hdf5Writer.create(await createFileSink(file));
  const pendingChunks: { write: () => Promise<void> }[] = [];
  for (const item of planned) {
    const parent = item.path.slice(0, item.path.lastIndexOf("/")) || "/";
    const name = item.path.slice(item.path.lastIndexOf("/") + 1);
    const parentNode = nodes.get(parent)!;
    parentNode.children![name] = "hard";
    if (item.kind === "group") {
      writer.createGroup(item.path);
      nodes.set(item.path, { path: item.path, kind: "group", children: {}, attrs: {} });
    } else if (item.kind === "dataset") {
      const spec = randomValue(r, randomDtype(r, true), randomShape(r, r.chance(0.4)), targets);
      writer.createDataset(item.path, { dtype: spec.dtype, shape: spec.shape, value: spec.value });
      nodes.set(item.path, {
        path: item.path,
        kind: "dataset",
        attrs: {},
        dtype: describeDtype(spec.dtype),
        shape: spec.shape,
        maxshape: null,
        chunks: null,
        filters: [],
        value: spec.expected,
      });
    } else {
      const c = item.chunked;
      const size = c.dtype === "bool" ? 1 : typedArrayFor(c.dtype).BYTES_PER_ELEMENT;
      const filters: Hdf5Filter[] = c.filters.map((name) =>
        name === "shuffle"
          ? { id: 2, name: "shuffle", clientData: [size] }
          : { id: 1, name: "deflate", optional: true, clientData: [c.level] },
      );
      // Growable datasets start smaller and are resized to their final extent.
      const grows = c.maxShape.some((m, d) => m === null || m > c.shape[d]!);
      const initial = grows ? c.shape.map((n) => r.int(0, n)) : c.shape;
      const dataset = writer.createChunkedDataset(item.path, {
        dtype: c.dtype,
        shape: initial,
        chunks: c.chunks,
        filters,
        maxShape: c.maxShape,
      });
      if (grows) dataset.resize(c.shape);
      for (const index of chunkGrid(c.shape, c.chunks)) {
        if (c.skipped.has(index.join(","))) continue;
        let bytes = chunkBytes(c, index, size);
        // Now and then a chunk skips its (optional) deflate filter, as HDF5 does when deflate does not pay:
        // filter mask bit i set = filter i not applied.
        let filterMask = 0;
        c.filters.forEach((f, i) => {
          if (f === "shuffle") bytes = shuffle(bytes, size);
          else if (r.chance(0.15)) filterMask |= 1 << i;
          else bytes = deflateSync(bytes, { level: c.level });
        });
        pendingChunks.push({ write: () => dataset.writeChunk(index, bytes, filterMask) });
      }
      nodes.set(item.path, {
        path: item.path,
        kind: "dataset",
        attrs: {},
        dtype: c.dtype,
        shape: c.shape,
        maxshape: c.maxShape,
        chunks: c.chunks,
        filters: filters.map((f) => [f.id, [...f.clientData]]),
        value: c.expected,
      });
    }
  }
  // Chunks arrive in random order, several in flight at once.
  for (let i = pendingChunks.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [pendingChunks[i], pendingChunks[j]] = [pendingChunks[j]!, pendingChunks[i]!];
  }
  await Promise.all(pendingChunks.map((c) => c.write()));

  for (const node of nodes.values()) {
    const attributeCount = r.int(0, 5);
    for (let i = 0; i < attributeCount; i++) {
      const name = `${r.pick(["a", "unit", "ä", "neurodata_type"])}${i}`;
      const spec = randomValue(r, randomDtype(r, true), randomShape(r, false), targets);
      writer.setAttribute(node.path, name, spec.dtype, spec.shape, spec.value);
      node.attrs[name] = { dtype: describeDtype(spec.dtype), shape: spec.shape, value: spec.expected };
    }
  }
  for (const [path, target] of hardLinks) {
    writer.createHardLink(path, target);
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    nodes.get(parent)!.children![path.slice(path.lastIndexOf("/") + 1)] = "hard";
  }
  const linkCount = r.int(0, 3);
  for (let i = 0; i < linkCount; i++) {
    const parent = r.pick(groups);
    const name = `link${counter++}`;
    if (r.chance(0.6)) {
      const target = r.pick(targets);
      writer.createSoftLink(childPath(parent, name), target);
      nodes.get(parent)!.children![name] = `soft:${target}`;
    } else {
      writer.createExternalLink(childPath(parent, name), "other file.nwb", "/acquisition/ts");
      nodes.get(parent)!.children![name] = "external:other file.nwb:/acquisition/ts";
    }
  }
  await writer.close();
  return { file, nodes: [...nodes.values()] };
}

/**
 * Structures past the simple cases: a group with thousands of links and an object with hundreds of
 * attributes (object header continuation blocks), and thousands of chunks (a multi-level chunk B-tree).
 */
async function writeLargeTree(file: string): Promise<FileManifest> {
  const writer = Hdf5Writer.create(await createFileSink(file));
  const root: NodeManifest = { path: "/", kind: "group", children: {}, attrs: {} };
  const nodes: NodeManifest[] = [root];
  writer.createGroup("/specifications");
  const wide: NodeManifest = { path: "/specifications", kind: "group", children: {}, attrs: {} };
  nodes.push(wide);
  root.children!.specifications = "hard";
  for (let i = 0; i < 3000; i++) {
    const path = `/specifications/namespace_${i}`;
    writer.createGroup(path);
    wide.children![`namespace_${i}`] = "hard";
  }
  for (let i = 0; i < 600; i++) {
    const text = `attribute ${i} ${"é".repeat(i % 50)}`;
    writer.setAttribute("/", `attr_${i}`, "utf8", [], text);
    root.attrs[`attr_${i}`] = { dtype: "utf8", shape: [], value: [text] };
  }
  // More strings than one global heap collection holds, and one string larger than a collection.
  const strings = Array.from({ length: 20000 }, (_, i) => `row ${i}: ${"µV".repeat(i % 40)}`);
  writer.createDataset("/strings", { dtype: "utf8", shape: [strings.length], value: strings });
  root.children!.strings = "hard";
  nodes.push({
    path: "/strings",
    kind: "dataset",
    attrs: {},
    dtype: "utf8",
    shape: [strings.length],
    maxshape: null,
    chunks: null,
    filters: [],
    value: strings,
  });
  const huge = "ü".repeat(1_500_000);
  writer.setAttribute("/", "huge", "utf8", [], huge);
  root.attrs.huge = { dtype: "utf8", shape: [], value: [huge] };
  const chunkCount = 5000;
  const values = new Int32Array(chunkCount * 4 - 3).map((_, i) => i * 7 - 1000);
  const dataset = writer.createChunkedDataset("/many_chunks", {
    dtype: "int32",
    shape: [values.length],
    chunks: [4],
    filters: [],
  });
  root.children!.many_chunks = "hard";
  const writes: Promise<void>[] = [];
  for (let c = chunkCount - 1; c >= 0; c--) {
    const chunk = new Int32Array(4);
    chunk.set(values.subarray(c * 4, c * 4 + 4));
    writes.push(dataset.writeChunk([c], new Uint8Array(chunk.buffer)));
  }
  await Promise.all(writes);
  nodes.push({
    path: "/many_chunks",
    kind: "dataset",
    attrs: {},
    dtype: "int32",
    shape: [values.length],
    maxshape: [values.length],
    chunks: [4],
    filters: [],
    value: Array.from(values),
  });
  await writer.close();
  return { file, nodes };
}

// ---------------------------------------------------------------------------------------------------------
// h5wasm half of the check

function flat(value: StoredValue | undefined): unknown[] {
  if (value === undefined) return [];
  if (isTypedArray(value)) return Array.from(value as ArrayLike<unknown>);
  if (Array.isArray(value)) return value;
  return [value];
}

function jsonOf(value: unknown, dtype: Json): Json {
  if (typeof dtype === "object" && dtype !== null && "compound" in dtype) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      (dtype.compound as [string, string][]).map(([name, sub]) => [name, jsonOf(record[name], sub)]),
    );
  }
  if (dtype === "objectref") return { ref: (value as ObjectReference).path };
  if (dtype === "bool" && typeof value === "number") return value !== 0;
  if (typeof value === "bigint") return value.toString();
  if ((dtype === "int64" || dtype === "uint64") && typeof value === "number") return String(value);
  return value as Json;
}

/** What h5wasm's dtype reading reports for our descriptor (fixed-length strings read as strings). */
function h5wasmDtype(dtype: Json): Json {
  if (typeof dtype === "string" && dtype.startsWith("fixed:"))
    return dtype.endsWith("ascii") ? "ascii" : "utf8";
  if (typeof dtype === "object" && dtype !== null && "compound" in dtype) {
    return { compound: (dtype.compound as [string, string][]).map(([name, sub]) => ({ name, dtype: sub })) };
  }
  return dtype;
}

async function checkWithH5wasm(manifest: FileManifest): Promise<void> {
  const h5wasm = await import("h5wasm/node");
  await h5wasm.ready;
  const reader = await hdf5Backend.open(manifest.file);
  const raw = new h5wasm.File(manifest.file, "r");
  try {
    for (const node of manifest.nodes) {
      const where = `${manifest.file}:${node.path}`;
      expect(reader.kind(node.path), where).toBe(node.kind);
      expect(reader.attributeNames(node.path).sort(), where).toEqual(Object.keys(node.attrs).sort());
      for (const [name, attr] of Object.entries(node.attrs)) {
        const values = flat(reader.getAttribute(node.path, name)).map((v) => jsonOf(v, attr.dtype));
        expect(values, `${where}@${name}`).toEqual(attr.value);
      }
      if (node.kind === "group") {
        expect(reader.children(node.path), where).toEqual(Object.keys(node.children!).sort());
        for (const [name, link] of Object.entries(node.children!)) {
          const path = childPath(node.path, name);
          if (link.startsWith("soft:")) expect(reader.softLinkTarget(path), path).toBe(link.slice(5));
          if (link.startsWith("external:")) {
            expect((raw.get(node.path) as InstanceType<typeof h5wasm.Group>).get_external_link(path)).toEqual(
              {
                filename: "other file.nwb",
                obj_path: "/acquisition/ts",
              },
            );
          }
        }
        continue;
      }
      const info = reader.datasetInfo(node.path);
      expect(info.dtype, where).toEqual(h5wasmDtype(node.dtype!));
      expect(info.shape, where).toEqual(node.shape);
      expect(info.chunks, where).toEqual(node.chunks);
      const dataset = raw.get(node.path) as InstanceType<typeof h5wasm.Dataset>;
      expect(
        dataset.filters.map((f) => [f.id, [...f.cd_values]]),
        where,
      ).toEqual(node.filters);
      if (node.maxshape) {
        // h5wasm reports an unlimited extent as H5S_UNLIMITED (2^64 - 1) converted to a number.
        const maxShape = dataset.metadata.maxshape?.map((m) => (m >= 2 ** 63 ? null : m));
        expect(maxShape, where).toEqual(node.maxshape);
      }
      const values = flat(reader.readDataset(node.path)).map((v) => jsonOf(v, node.dtype!));
      expect(values, where).toEqual(node.value);
    }
  } finally {
    raw.close();
    reader.close();
  }
}

// ---------------------------------------------------------------------------------------------------------

const seed = Number(process.env.HDF5_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const dir = mkdtempSync(join(tmpdir(), "hdf5writer-property-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`HDF5 writer property test (HDF5_PROPERTY_SEED=${seed})`, () => {
  const manifests: FileManifest[] = [];

  it(`writes ${TREES} random trees that h5wasm reads back exactly`, async () => {
    const r = new Random(prng(seed));
    for (let i = 0; i < TREES; i++) {
      const manifest = await writeRandomTree(r, join(dir, `tree${i}.h5`));
      manifests.push(manifest);
      try {
        await checkWithH5wasm(manifest);
      } catch (error) {
        throw new Error(`tree ${i} (HDF5_PROPERTY_SEED=${seed}): ${(error as Error).message}`);
      }
    }
  });

  it("writes large groups, many attributes and many chunks that h5wasm reads back", async () => {
    const manifest = await writeLargeTree(join(dir, "large.h5"));
    manifests.push(manifest);
    await checkWithH5wasm(manifest);
  });

  it.runIf(h5pyAvailable && h5dumpAvailable)(
    "h5py reads back every file exactly and h5dump parses each",
    () => {
      expect(manifests.length).toBe(TREES + 1);
      // Controls: the oracle must notice a wrong expectation and a damaged file.
      const hasChunkedData = (n: NodeManifest) => n.kind === "dataset" && n.chunks && n.value!.length > 0;
      const victim = manifests.find((m) => m.nodes.some(hasChunkedData))!;
      const wrong = structuredClone(victim);
      const dataset = wrong.nodes.find(hasChunkedData)!;
      dataset.chunks = dataset.chunks!.map((c) => c + 1);
      dataset.filters = [[32001, []]];
      dataset.value![0] = typeof dataset.value![0] === "boolean" ? !dataset.value![0] : "12345";
      dataset.attrs.not_written = { dtype: "int8", shape: [], value: [1] };
      const damaged = join(dir, "damaged.h5");
      const bytes = readFileSync(victim.file);
      writeFileSync(damaged, bytes.subarray(0, bytes.length - 200));
      const manifestFile = join(dir, "manifest.json");
      writeFileSync(manifestFile, JSON.stringify([...manifests, wrong, { ...victim, file: damaged }]));

      const run = spawnSync(PYTHON, [ORACLE, manifestFile], { env: pythonEnv(), encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { errors: string[]; files: number };
      expect(result.files).toBe(TREES + 3);
      const isControl = (e: string) =>
        e.startsWith(damaged) || (e.startsWith(victim.file) && e.includes(`${dataset.path}`));
      expect(
        result.errors.filter((e) => !isControl(e)),
        `HDF5_PROPERTY_SEED=${seed}`,
      ).toEqual([]);
      const reported = (file: string, what: string) =>
        result.errors.some((e) => e.startsWith(file) && e.includes(what));
      expect(reported(victim.file, "chunks")).toBe(true);
      expect(reported(victim.file, "filters")).toBe(true);
      expect(reported(victim.file, "[0]")).toBe(true);
      expect(reported(victim.file, "attributes")).toBe(true);
      expect(reported(damaged, "h5dump -p -H failed")).toBe(true);
    },
  );
});
