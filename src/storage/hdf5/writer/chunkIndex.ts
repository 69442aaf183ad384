/**
 * The chunk index of a chunked dataset as a version 1 B-tree of node type 1 (HDF5 File Format Specification
 * III.A.1, "Version 1 B-trees"), the only chunk index HDF5 1.8 knows.
 *
 * A node is "TREE", type, level, entries used, left and right sibling addresses, then keys and child
 * addresses alternating: key 0, child 0, ..., child n-1, key n. A chunk key is the chunk's stored size,
 * its filter mask, and its element offset in each dimension plus a trailing 0 for the element "dimension".
 * Child i holds the chunks from key i (inclusive) to key i+1 (exclusive), so the last key is one chunk past
 * the last chunk. Readers allocate 2K entries per node whatever the count used, K being 32 for chunk
 * B-trees under a version 0 superblock, so every node is written at that full size.
 */
import { ByteWriter, UNDEFINED_ADDRESS } from "./bytes.js";

/** Half the maximum entries of a chunk B-tree node (the library default, fixed by superblock version 0). */
const CHUNK_BTREE_K = 32;
const MAX_ENTRIES = 2 * CHUNK_BTREE_K;
const NODE_HEADER_SIZE = 24;

/** A stored chunk. */
export interface ChunkRecord {
  /** Chunk grid coordinates (element offset / chunk extent). */
  readonly index: readonly number[];
  readonly address: number;
  readonly size: number;
  readonly filterMask: number;
}

interface Key {
  readonly size: number;
  readonly filterMask: number;
  /** Element offsets, one per dataset dimension, then the element-size dimension. */
  readonly offsets: readonly number[];
}

interface NodeRef {
  readonly address: number;
  readonly firstKey: Key;
  readonly lastKey: Key;
}

/** Lexicographic order of chunk coordinates: the order the library's key comparison uses. */
export function compareChunkIndex(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export interface EncodedNode {
  readonly address: number;
  readonly bytes: Uint8Array;
}

/**
 * Builds the B-tree over `chunks` (sorted by {@link compareChunkIndex}). `allocate` places a node and
 * returns its address. Returns the root address, or undefined-address when there are no chunks.
 */
export function buildChunkIndex(
  chunks: readonly ChunkRecord[],
  chunkShape: readonly number[],
  elementSize: number,
  allocate: (size: number) => number,
): { root: number; nodes: EncodedNode[] } {
  if (chunks.length === 0) return { root: UNDEFINED_ADDRESS, nodes: [] };
  const keySize = 8 + 8 * (chunkShape.length + 1);
  const nodeSize = NODE_HEADER_SIZE + (MAX_ENTRIES + 1) * keySize + MAX_ENTRIES * 8;
  const nodes: EncodedNode[] = [];

  const keyOf = (chunk: ChunkRecord): Key => ({
    size: chunk.size,
    filterMask: chunk.filterMask,
    offsets: [...chunk.index.map((c, d) => c * chunkShape[d]!), 0],
  });
  const last = chunks[chunks.length - 1]!;
  // The right-most key: one chunk beyond the last chunk in every dimension (as the library writes it).
  const endKey: Key = {
    size: 0,
    filterMask: 0,
    offsets: [...last.index.map((c, d) => (c + 1) * chunkShape[d]!), elementSize],
  };

  type Entry = { readonly key: Key; readonly lastKey: Key; readonly child: number };
  let level = 0;
  let entries: Entry[] = chunks.map((chunk, i) => ({
    key: keyOf(chunk),
    lastKey: i + 1 < chunks.length ? keyOf(chunks[i + 1]!) : endKey,
    child: chunk.address,
  }));
  for (;;) {
    const groups: Entry[][] = [];
    for (let i = 0; i < entries.length; i += MAX_ENTRIES) groups.push(entries.slice(i, i + MAX_ENTRIES));
    const addresses = groups.map(() => allocate(nodeSize));
    const refs: NodeRef[] = groups.map((group, g) => {
      const w = new ByteWriter(nodeSize);
      w.bytes(new TextEncoder().encode("TREE")).u8(1).u8(level).u16(group.length);
      w.address(g > 0 ? addresses[g - 1]! : UNDEFINED_ADDRESS);
      w.address(g + 1 < groups.length ? addresses[g + 1]! : UNDEFINED_ADDRESS);
      for (const entry of group) {
        writeKey(w, entry.key);
        w.address(entry.child);
      }
      const lastKey = group[group.length - 1]!.lastKey;
      writeKey(w, lastKey);
      w.zeros(nodeSize - w.length);
      nodes.push({ address: addresses[g]!, bytes: w.finish() });
      return { address: addresses[g]!, firstKey: group[0]!.key, lastKey };
    });
    if (refs.length === 1) return { root: refs[0]!.address, nodes };
    entries = refs.map((ref) => ({ key: ref.firstKey, lastKey: ref.lastKey, child: ref.address }));
    level++;
  }
}

function writeKey(w: ByteWriter, key: Key): void {
  w.u32(key.size).u32(key.filterMask);
  for (const offset of key.offsets) w.u64(offset);
}
