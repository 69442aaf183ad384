/**
 * The global heap (HDF5 File Format Specification III.E, "Global Heap"): where variable-length elements
 * (here: strings) live. A collection is "GCOL", version 1, its total size, then objects, each with a 16-byte
 * header (index, reference count, reserved, size) and its data padded to 8 bytes; the remaining space is
 * free-space object 0 whose size includes its own header.
 */
import { ByteWriter, padding } from "./bytes.js";

/** The HDF5 library reads at least this much of a collection, so smaller collections are padded to it. */
const MINIMUM_COLLECTION_SIZE = 4096;
/** Collections are sealed (and written) when they reach this size, to keep memory small. */
const TARGET_COLLECTION_SIZE = 1 << 20;
const COLLECTION_HEADER_SIZE = 16;
const OBJECT_HEADER_SIZE = 16;
/** Object indices are 16-bit and index 0 is the free space. */
const MAX_OBJECTS = 0xffff;

export class HeapCollection {
  /** File address; known once the collection is sealed and placed. */
  address = -1;
  readonly objects: Uint8Array[] = [];
  /** Bytes the objects take with their headers. */
  used = COLLECTION_HEADER_SIZE;

  /** The collection's size on disk. */
  get size(): number {
    // Room for the free-space object's header is left whenever the collection is not exactly full.
    const withFree = this.used + OBJECT_HEADER_SIZE;
    return Math.max(MINIMUM_COLLECTION_SIZE, withFree);
  }

  encode(): Uint8Array {
    const size = this.size;
    const w = new ByteWriter(size);
    w.bytes(new TextEncoder().encode("GCOL")).u8(1).zeros(3).u64(size);
    this.objects.forEach((data, i) => {
      w.u16(i + 1)
        .u16(0)
        .u32(0)
        .u64(data.length)
        .bytes(data);
      w.zeros(padding(data.length, 8));
    });
    const free = size - w.length;
    w.u16(0)
      .u16(0)
      .u32(0)
      .u64(free)
      .zeros(free - OBJECT_HEADER_SIZE);
    return w.finish();
  }
}

/** A place in the global heap: the collection (whose address is set when it is placed) and object index. */
export interface HeapId {
  readonly collection: HeapCollection;
  readonly index: number;
}

/** Fills collections with objects; hands full collections to `seal`, which places and writes them. */
export class GlobalHeap {
  private current: HeapCollection | undefined;

  constructor(private readonly seal: (collection: HeapCollection) => void) {}

  add(data: Uint8Array): HeapId {
    const need = OBJECT_HEADER_SIZE + data.length + padding(data.length, 8);
    let collection = this.current;
    if (
      collection &&
      (collection.objects.length >= MAX_OBJECTS ||
        (collection.used + need > TARGET_COLLECTION_SIZE && collection.objects.length > 0))
    ) {
      this.seal(collection);
      collection = undefined;
    }
    collection ??= new HeapCollection();
    this.current = collection;
    collection.objects.push(data);
    collection.used += need;
    return { collection, index: collection.objects.length };
  }

  /** Seals the collection being filled, if any. */
  flush(): void {
    if (this.current) this.seal(this.current);
    this.current = undefined;
  }
}
