/**
 * An HDF5 file writer in TypeScript, written from the HDF5 File Format Specification (version 3.0 document
 * of the HDF Group; section numbers are cited where a layout is subtle). It writes only structures that
 * HDF5 1.8 readers understand; `docs/hdf5-writer.md` lists the choices.
 *
 * Bulk chunk bytes go to the sink as they arrive; the object tree, attributes and small datasets stay in
 * memory and all metadata is written by {@link Hdf5Writer.close}, after the raw data.
 */
import { elementCount } from "../../../data/dtype.js";
import { StorageError } from "../../../errors.js";
import type { ByteSink } from "../../sink.js";
import type { StoredValue } from "../../types.js";
import { ByteWriter, UNDEFINED_ADDRESS } from "./bytes.js";
import { buildChunkIndex, type ChunkRecord, compareChunkIndex } from "./chunkIndex.js";
import { elementSize, encodeDatatype, type Hdf5Dtype, needsResolution, validateDtype } from "./datatype.js";
import { GlobalHeap, type HeapCollection } from "./globalHeap.js";
import {
  ALLOCATION,
  attributeMessage,
  chunkedLayoutMessage,
  compactLayoutMessage,
  contiguousLayoutMessage,
  dataspaceMessage,
  FLAG_CONSTANT,
  fillValueMessage,
  filterPipelineMessage,
  groupInfoMessage,
  linkInfoMessage,
  linkMessage,
  MESSAGE,
  type Message,
} from "./messages.js";
import { encodeHeader, MAX_MESSAGE_BODY, planHeader } from "./objectHeader.js";
import { applyPatches, type EncodedValue, encodeValue } from "./values.js";

export type { FixedStringDtype, Hdf5Dtype } from "./datatype.js";

/** One entry of an HDF5 filter pipeline message (HDF5 spec IV.A.2.l): deflate = 1 [level], shuffle = 2 [elementSize]. */
export interface Hdf5Filter {
  readonly id: number;
  readonly name?: string;
  readonly optional?: boolean;
  readonly clientData: readonly number[];
}

/** A chunked dataset open for writing. */
export interface Hdf5ChunkedDataset {
  /**
   * Stores one chunk's encoded bytes. `chunkIndex` = chunk grid coordinates (element offset / chunk shape).
   * Edge chunks are full chunk-shape before filtering (HDF5 rule). `filterMask` bit i set = filter i skipped.
   * May be called in any order and concurrently (bytes are appended; the index is built at close).
   */
  writeChunk(chunkIndex: readonly number[], encoded: Uint8Array, filterMask?: number): Promise<void>;
  /** New extent (only within maxShape). */
  resize(shape: readonly number[]): void;
}

export interface ChunkedDatasetRequest {
  readonly dtype: Hdf5Dtype;
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  readonly filters: readonly Hdf5Filter[];
  /** Maximum extent per dimension; null = unlimited. Default: `shape`. */
  readonly maxShape?: readonly (number | null)[];
}

export interface DatasetRequest {
  readonly dtype: Hdf5Dtype;
  /** `[]` for a scalar. */
  readonly shape: readonly number[];
  readonly value: StoredValue;
}

/** Superblock version 0 with 8-byte offsets and lengths (spec II.A): 96 bytes at the start of the file. */
const SUPERBLOCK_SIZE = 96;
/** Datasets whose raw data are at most this many bytes are stored in their object header (compact layout). */
const COMPACT_LIMIT = 1024;
/** Chunk sizes are 32-bit in chunk B-tree keys and the layout message. */
const MAX_CHUNK_BYTES = 0xffff_ffff;

interface Attribute {
  readonly datatype: Uint8Array;
  readonly dataspace: Uint8Array;
  readonly value: EncodedValue;
}

interface ObjectBase {
  readonly path: string;
  readonly attributes: Map<string, Attribute>;
  /** Object header address, assigned at close. */
  address: number;
  /** Hard links to this object (its reference count). */
  hardLinks: number;
}

type Link =
  | { readonly kind: "hard"; readonly node: ObjectNode }
  | { readonly kind: "soft"; readonly target: string }
  | { readonly kind: "external"; readonly file: string; readonly target: string };

interface GroupNode extends ObjectBase {
  readonly kind: "group";
  readonly links: Map<string, Link>;
}

type Storage =
  | { readonly kind: "compact"; readonly value: EncodedValue }
  | { readonly kind: "contiguous"; readonly address: number; readonly size: number }
  /** Contiguous data holding heap IDs or references: placed and written at close. */
  | { readonly kind: "deferred"; readonly value: EncodedValue; address: number }
  | {
      readonly kind: "chunked";
      readonly chunkShape: readonly number[];
      readonly filters: readonly Hdf5Filter[];
      readonly chunks: ChunkRecord[];
      readonly written: Set<string>;
      index: number;
    };

interface DatasetNode extends ObjectBase {
  readonly kind: "dataset";
  readonly dtype: Hdf5Dtype;
  shape: readonly number[];
  readonly maxShape: readonly (number | null)[] | undefined;
  readonly storage: Storage;
}

type ObjectNode = GroupNode | DatasetNode;

function message(type: number, body: Uint8Array, flags = 0): Message {
  return { type, body, flags };
}

function splitPath(path: string): string[] {
  if (!path.startsWith("/")) throw new TypeError(`paths must be absolute, got "${path}"`);
  const parts = path.split("/").filter((p) => p !== "");
  for (const part of parts) {
    if (part === "." || part === "..")
      throw new TypeError(`"${path}": "." and ".." are not allowed in paths`);
  }
  return parts;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes one HDF5 file through a {@link ByteSink}.
 *
 * @example
 * ```ts
 * const writer = Hdf5Writer.create(await createFileSink("out.h5"));
 * writer.createGroup("/acquisition");
 * writer.setAttribute("/", "nwb_version", "utf8", [], "2.7.0");
 * writer.createDataset("/acquisition/x", { dtype: "float64", shape: [3], value: [1, 2, 3] });
 * const data = writer.createChunkedDataset("/acquisition/y", {
 *   dtype: "int16", shape: [10], chunks: [4], filters: [],
 * });
 * await data.writeChunk([0], new Uint8Array(8));
 * await writer.close();
 * ```
 */
export class Hdf5Writer {
  private end = SUPERBLOCK_SIZE;
  private state: "open" | "closing" | "closed" | "failed" | "aborted" = "open";
  private failure: StorageError | undefined;
  private readonly pending = new Set<Promise<void>>();
  private readonly root: GroupNode = {
    kind: "group",
    path: "/",
    attributes: new Map(),
    links: new Map(),
    address: -1,
    hardLinks: 1,
  };
  private readonly chunked: DatasetNode[] = [];
  private readonly heap = new GlobalHeap((collection) => this.placeCollection(collection));

  private readonly file: string;

  private constructor(private readonly sink: ByteSink) {
    this.file = sink.name ?? "<HDF5 output>";
  }

  static create(sink: ByteSink): Hdf5Writer {
    return new Hdf5Writer(sink);
  }

  /** Creates a group; its parent must exist. */
  createGroup(path: string): void {
    this.guard(path, () => {
      const [parent, name] = this.newLinkPlace(path);
      parent.links.set(name, {
        kind: "hard",
        node: { kind: "group", path, attributes: new Map(), links: new Map(), address: -1, hardLinks: 1 },
      });
    });
  }

  /** Small/in-memory values: the writer picks compact or contiguous layout. Empty and scalar shapes allowed. */
  createDataset(path: string, request: DatasetRequest): void {
    this.guard(path, () => {
      validateDtype(request.dtype);
      validateShape(request.shape);
      const [parent, name] = this.newLinkPlace(path);
      const count = elementCount(request.shape);
      const value = encodeValue(request.dtype, count, request.shape.length === 0, request.value, this.heap);
      let storage: Storage;
      const size = value.bytes.length;
      if (size === 0) {
        storage = { kind: "contiguous", address: UNDEFINED_ADDRESS, size: 0 };
      } else if (size <= COMPACT_LIMIT) {
        storage = { kind: "compact", value };
      } else if (value.heapPatches.length > 0 || value.referencePatches.length > 0) {
        storage = { kind: "deferred", value, address: -1 };
      } else {
        const address = this.allocate(size);
        this.track(path, this.sink.write(address, value.bytes)).catch(() => undefined);
        storage = { kind: "contiguous", address, size };
      }
      parent.links.set(name, {
        kind: "hard",
        node: datasetNode(path, request.dtype, request.shape, undefined, storage),
      });
    });
  }

  /** Bulk data: a chunked dataset whose chunks arrive already encoded (filters applied by the caller). */
  createChunkedDataset(path: string, request: ChunkedDatasetRequest): Hdf5ChunkedDataset {
    return this.guard(path, () => {
      validateDtype(request.dtype);
      if (needsResolution(request.dtype)) {
        throw new TypeError(
          "chunked datasets hold fixed-size elements only; write strings and references with createDataset",
        );
      }
      const { shape, chunks } = request;
      validateShape(shape);
      const rank = shape.length;
      if (rank === 0) throw new TypeError("a chunked dataset needs at least one dimension");
      if (chunks.length !== rank) throw new TypeError(`chunk shape [${chunks}] does not match rank ${rank}`);
      const maxShape = request.maxShape ?? shape;
      if (maxShape.length !== rank) throw new TypeError(`maxShape [${maxShape}] does not match rank ${rank}`);
      const itemSize = elementSize(request.dtype);
      let chunkBytes = itemSize;
      chunks.forEach((extent, d) => {
        if (!Number.isInteger(extent) || extent < 1)
          throw new TypeError(`chunk extents must be >= 1, got [${chunks}]`);
        const max = maxShape[d];
        if (max !== null && max !== undefined) {
          if (max < shape[d]!) throw new TypeError(`maxShape [${maxShape}] is smaller than shape [${shape}]`);
          // HDF5 refuses a chunk larger than a fixed maximum extent.
          if (extent > max) {
            throw new TypeError(
              `chunk extent ${extent} exceeds the fixed maximum extent ${max} of dimension ${d}; shrink the chunk or make the dimension unlimited`,
            );
          }
        }
        chunkBytes *= extent;
      });
      if (chunkBytes > MAX_CHUNK_BYTES)
        throw new TypeError(`a chunk of ${chunkBytes} bytes exceeds HDF5's 4 GiB limit`);
      const [parent, name] = this.newLinkPlace(path);
      const storage: Storage = {
        kind: "chunked",
        chunkShape: [...chunks],
        filters: request.filters.map((f) => ({ ...f, clientData: [...f.clientData] })),
        chunks: [],
        written: new Set(),
        index: UNDEFINED_ADDRESS,
      };
      const node = datasetNode(path, request.dtype, shape, [...maxShape], storage);
      parent.links.set(name, { kind: "hard", node });
      this.chunked.push(node);
      return {
        writeChunk: (chunkIndex, encoded, filterMask = 0) =>
          this.writeChunk(node, storage, chunkIndex, encoded, filterMask, chunkBytes),
        resize: (newShape) => this.guard(path, () => resizeDataset(node, newShape)),
      };
    });
  }

  private writeChunk(
    node: DatasetNode,
    storage: Extract<Storage, { kind: "chunked" }>,
    chunkIndex: readonly number[],
    encoded: Uint8Array,
    filterMask: number,
    chunkBytes: number,
  ): Promise<void> {
    try {
      this.checkOpen(node.path);
      const rank = node.shape.length;
      if (chunkIndex.length !== rank)
        throw new TypeError(`chunk index [${chunkIndex}] does not match rank ${rank}`);
      for (let d = 0; d < rank; d++) {
        const c = chunkIndex[d]!;
        const max = node.maxShape![d];
        if (
          !Number.isInteger(c) ||
          c < 0 ||
          (max !== null && max !== undefined && c * storage.chunkShape[d]! >= max)
        ) {
          throw new RangeError(`chunk index [${chunkIndex}] is outside the dataset's maximum shape`);
        }
      }
      if (encoded.length === 0 || encoded.length > MAX_CHUNK_BYTES) {
        throw new RangeError(`a stored chunk must hold 1 byte to 4 GiB, got ${encoded.length}`);
      }
      if (storage.filters.length === 0 && encoded.length !== chunkBytes) {
        throw new RangeError(
          `an unfiltered chunk must be ${chunkBytes} bytes (full chunk shape), got ${encoded.length}`,
        );
      }
      const key = chunkIndex.join(",");
      if (storage.written.has(key)) throw new Error(`chunk [${chunkIndex}] was already written`);
      storage.written.add(key);
      const address = this.end;
      this.end += encoded.length;
      storage.chunks.push({ index: [...chunkIndex], address, size: encoded.length, filterMask });
      return this.track(node.path, this.sink.write(address, encoded));
    } catch (error) {
      return Promise.reject(this.asStorageError(node.path, error));
    }
  }

  /** Sets (or replaces) an attribute of a group or dataset. */
  setAttribute(
    path: string,
    name: string,
    dtype: Hdf5Dtype,
    shape: readonly number[],
    value: StoredValue,
  ): void {
    this.guard(`${path}@${name}`, () => {
      validateDtype(dtype);
      validateShape(shape);
      if (name === "") throw new TypeError("attribute names cannot be empty");
      const node = this.lookup(path);
      if (!node) throw new Error(`no group or dataset at "${path}"`);
      const attribute: Attribute = {
        datatype: encodeDatatype(dtype),
        dataspace: dataspaceMessage(shape),
        value: encodeValue(dtype, elementCount(shape), shape.length === 0, value, this.heap),
      };
      const size = attributeMessage(
        name,
        attribute.datatype,
        attribute.dataspace,
        attribute.value.bytes,
      ).length;
      if (size > MAX_MESSAGE_BODY) {
        throw new RangeError(
          `the attribute takes ${size} bytes, more than the ${MAX_MESSAGE_BODY} an HDF5 1.8 attribute message holds; store it as a dataset`,
        );
      }
      node.attributes.set(name, attribute);
    });
  }

  /** Creates a second hard link at `path` to the existing group or dataset at `target` (an absolute path). */
  createHardLink(path: string, target: string): void {
    this.guard(path, () => {
      const node = this.lookup(target);
      if (!node) throw new Error(`hard link target "${target}" is neither a group nor a dataset`);
      const [parent, name] = this.newLinkPlace(path);
      parent.links.set(name, { kind: "hard", node });
      node.hardLinks++;
    });
  }

  /** Creates a soft link at `path` to `target` (an absolute or relative path, resolved when read). */
  createSoftLink(path: string, target: string): void {
    this.guard(path, () => {
      const [parent, name] = this.newLinkPlace(path);
      parent.links.set(name, { kind: "soft", target });
    });
  }

  /** Creates an external link at `path` to object `target` in the HDF5 file `file`. */
  createExternalLink(path: string, file: string, target: string): void {
    this.guard(path, () => {
      const [parent, name] = this.newLinkPlace(path);
      parent.links.set(name, { kind: "external", file, target });
    });
  }

  /** Writes all metadata (object headers, chunk B-trees, heaps, superblock); references resolve here. */
  async close(): Promise<void> {
    this.checkOpen("/");
    this.state = "closing";
    try {
      this.heap.flush();
      await this.drain();
      await this.writeMetadata();
      await this.drain();
      await this.sink.close();
      this.state = "closed";
    } catch (error) {
      this.state = "failed";
      throw this.asStorageError("/", error);
    }
  }

  /** Gives up on the file: the sink removes what was written. Safe to call after a failure. */
  async abort(): Promise<void> {
    if (this.state === "aborted" || this.state === "closed") return;
    this.state = "aborted";
    await Promise.allSettled([...this.pending]);
    await this.sink.abort();
  }

  // -------------------------------------------------------------------------------------------------------

  private guard<T>(path: string, action: () => T): T {
    this.checkOpen(path);
    return this.wrap(path, action);
  }

  private wrap<T>(path: string, action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw this.asStorageError(path, error);
    }
  }

  private checkOpen(path: string): void {
    if (this.failure) throw this.failure;
    if (this.state !== "open") throw new StorageError(this.file, path, `the HDF5 writer is ${this.state}`);
  }

  private asStorageError(path: string, error: unknown): StorageError {
    return error instanceof StorageError ? error : new StorageError(this.file, path, describeError(error));
  }

  /** Appends `size` bytes of metadata at the end of the file (8-byte aligned). */
  private allocate(size: number): number {
    const address = this.end + ((8 - (this.end % 8)) % 8);
    this.end = address + size;
    return address;
  }

  private track(path: string, write: Promise<void>): Promise<void> {
    const tracked: Promise<void> = write.then(
      () => {
        this.pending.delete(tracked);
      },
      (error: unknown) => {
        this.pending.delete(tracked);
        const failure = new StorageError(this.file, path, `write failed: ${describeError(error)}`);
        this.failure ??= failure;
        throw failure;
      },
    );
    this.pending.add(tracked);
    return tracked;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    if (this.failure) throw this.failure;
  }

  private placeCollection(collection: HeapCollection): void {
    collection.address = this.allocate(collection.size);
    this.track("/", this.sink.write(collection.address, collection.encode())).catch(() => undefined);
  }

  /** The group that will hold a new link at `path`, and the link's name; refuses existing names. */
  private newLinkPlace(path: string): [GroupNode, string] {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) throw new TypeError("the root group already exists");
    const parent = this.lookup(`/${parts.join("/")}`);
    if (parent?.kind !== "group") throw new Error(`parent group "/${parts.join("/")}" does not exist`);
    if (parent.links.has(name)) throw new Error(`"${path}" already exists`);
    return [parent, name];
  }

  /** The group or dataset at an absolute path, following soft links; undefined if there is none. */
  private lookup(path: string, depth = 0): ObjectNode | undefined {
    if (depth > 32) throw new Error(`too many soft links resolving "${path}"`);
    let node: ObjectNode = this.root;
    const parts = splitPath(path);
    for (let i = 0; i < parts.length; i++) {
      if (node.kind !== "group") return undefined;
      const link: Link | undefined = node.links.get(parts[i]!);
      if (!link || link.kind === "external") return undefined;
      if (link.kind === "hard") {
        node = link.node;
        continue;
      }
      const base = `/${parts.slice(0, i).join("/")}`;
      const target = link.target.startsWith("/") ? link.target : `${base}/${link.target}`;
      const resolved = this.lookup(target, depth + 1);
      if (!resolved) return undefined;
      node = resolved;
    }
    return node;
  }

  private objects(): ObjectNode[] {
    const out: ObjectNode[] = [];
    const seen = new Set<ObjectNode>();
    const visit = (node: ObjectNode): void => {
      if (seen.has(node)) return;
      seen.add(node);
      out.push(node);
      if (node.kind === "group")
        for (const link of node.links.values()) if (link.kind === "hard") visit(link.node);
    };
    visit(this.root);
    return out;
  }

  private async writeMetadata(): Promise<void> {
    const start = this.allocate(0);
    const parts: { address: number; bytes: Uint8Array }[] = [];

    for (const node of this.chunked) {
      const storage = node.storage as Extract<Storage, { kind: "chunked" }>;
      storage.chunks.sort((a, b) => compareChunkIndex(a.index, b.index));
      for (const chunk of storage.chunks) {
        if (chunk.index.some((c, d) => c * storage.chunkShape[d]! >= node.shape[d]!)) {
          throw new StorageError(
            this.file,
            node.path,
            `chunk [${chunk.index}] lies outside the shape [${node.shape}]`,
          );
        }
      }
      const { root, nodes } = buildChunkIndex(
        storage.chunks,
        storage.chunkShape,
        elementSize(node.dtype),
        (size) => this.allocate(size),
      );
      storage.index = root;
      parts.push(...nodes);
    }

    // Header sizes do not depend on addresses: plan with unresolved addresses, place, then encode for real.
    const objects = this.objects();
    const plans = objects.map((node) => planHeader(this.messagesOf(node)));
    objects.forEach((node, i) => {
      node.address = this.allocate(plans[i]!.size);
    });
    const resolve = (path: string): number => {
      const target = this.lookup(path);
      if (!target) throw new Error(`object reference to "${path}", which is neither a group nor a dataset`);
      return target.address;
    };
    for (const node of objects) {
      for (const [name, attribute] of node.attributes) {
        this.wrap(`${node.path}@${name}`, () => applyPatches(attribute.value, resolve));
      }
      if (node.kind !== "dataset") continue;
      const storage = node.storage;
      if (storage.kind === "compact" || storage.kind === "deferred") {
        this.wrap(node.path, () => applyPatches(storage.value, resolve));
      }
      if (storage.kind === "deferred") {
        storage.address = this.allocate(storage.value.bytes.length);
        parts.push({ address: storage.address, bytes: storage.value.bytes });
      }
    }
    objects.forEach((node, i) => {
      const plan = planHeader(this.messagesOf(node));
      if (plan.size !== plans[i]!.size) throw new Error(`object header of ${node.path} changed size`);
      parts.push({ address: node.address, bytes: encodeHeader(plan, node.address, node.hardLinks) });
    });

    const region = new Uint8Array(this.end - start);
    for (const part of parts) region.set(part.bytes, part.address - start);
    await this.track("/", this.sink.write(start, region));
    await this.track("/", this.sink.write(0, encodeSuperblock(this.root.address, this.end)));
  }

  private messagesOf(node: ObjectNode): Message[] {
    const messages: Message[] = [];
    if (node.kind === "group") {
      messages.push(
        message(MESSAGE.LINK_INFO, linkInfoMessage()),
        message(MESSAGE.GROUP_INFO, groupInfoMessage()),
      );
      for (const [name, link] of node.links) {
        const body =
          link.kind === "hard"
            ? linkMessage(name, { kind: "hard", address: link.node.address })
            : linkMessage(name, link);
        messages.push(message(MESSAGE.LINK, body));
      }
    } else {
      const storage = node.storage;
      const chunked = storage.kind === "chunked";
      messages.push(
        message(MESSAGE.DATASPACE, dataspaceMessage(node.shape, chunked ? node.maxShape : undefined)),
        message(MESSAGE.DATATYPE, encodeDatatype(node.dtype), FLAG_CONSTANT),
      );
      switch (storage.kind) {
        case "compact":
          messages.push(
            message(MESSAGE.FILL_VALUE, fillValueMessage(ALLOCATION.EARLY), FLAG_CONSTANT),
            message(MESSAGE.LAYOUT, compactLayoutMessage(storage.value.bytes)),
          );
          break;
        case "contiguous":
        case "deferred":
          messages.push(
            message(MESSAGE.FILL_VALUE, fillValueMessage(ALLOCATION.LATE), FLAG_CONSTANT),
            message(
              MESSAGE.LAYOUT,
              contiguousLayoutMessage(
                storage.address,
                storage.kind === "contiguous" ? storage.size : storage.value.bytes.length,
              ),
            ),
          );
          break;
        case "chunked":
          messages.push(message(MESSAGE.FILL_VALUE, fillValueMessage(ALLOCATION.INCREMENTAL), FLAG_CONSTANT));
          if (storage.filters.length > 0) {
            messages.push(
              message(MESSAGE.FILTER_PIPELINE, filterPipelineMessage(storage.filters), FLAG_CONSTANT),
            );
          }
          messages.push(
            message(
              MESSAGE.LAYOUT,
              chunkedLayoutMessage(storage.index, storage.chunkShape, elementSize(node.dtype)),
            ),
          );
          break;
      }
    }
    for (const [name, attribute] of node.attributes) {
      messages.push(
        message(
          MESSAGE.ATTRIBUTE,
          attributeMessage(name, attribute.datatype, attribute.dataspace, attribute.value.bytes),
        ),
      );
    }
    return messages;
  }
}

function datasetNode(
  path: string,
  dtype: Hdf5Dtype,
  shape: readonly number[],
  maxShape: readonly (number | null)[] | undefined,
  storage: Storage,
): DatasetNode {
  return {
    kind: "dataset",
    path,
    attributes: new Map(),
    address: -1,
    hardLinks: 1,
    dtype,
    shape: [...shape],
    maxShape,
    storage,
  };
}

function validateShape(shape: readonly number[]): void {
  for (const extent of shape) {
    if (!Number.isSafeInteger(extent) || extent < 0) throw new TypeError(`invalid shape [${shape}]`);
  }
}

function resizeDataset(node: DatasetNode, shape: readonly number[]): void {
  validateShape(shape);
  const max = node.maxShape!;
  if (shape.length !== max.length)
    throw new TypeError(`new shape [${shape}] does not match rank ${max.length}`);
  shape.forEach((extent, d) => {
    const limit = max[d];
    if (limit !== null && limit !== undefined && extent > limit) {
      throw new RangeError(
        `new shape [${shape}] exceeds the maximum shape [${max.map((m) => m ?? "unlimited")}]`,
      );
    }
  });
  node.shape = [...shape];
}

/**
 * Superblock version 0 (spec II.A): signature, versions, 8-byte offsets and lengths, group B-tree K values
 * (4 and 16, the library defaults), base address 0, no free-space info, end-of-file address, no driver
 * block, and the root group's symbol table entry with no cached data (its group uses link messages).
 */
function encodeSuperblock(rootAddress: number, endOfFile: number): Uint8Array {
  const w = new ByteWriter(SUPERBLOCK_SIZE);
  w.bytes(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
  w.u8(0).u8(0).u8(0).u8(0).u8(0).u8(8).u8(8).u8(0);
  w.u16(4).u16(16).u32(0);
  w.u64(0).address(UNDEFINED_ADDRESS).u64(endOfFile).address(UNDEFINED_ADDRESS);
  w.u64(0).u64(rootAddress).u32(0).u32(0).zeros(16);
  return w.finish();
}
