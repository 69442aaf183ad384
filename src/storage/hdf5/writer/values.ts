/**
 * Encodes in-memory values into HDF5 element bytes (little-endian). Variable-length strings go to the
 * global heap and object references to their targets' object headers; both addresses are known only when
 * the file is closed, so the encoded bytes carry patches that are applied then.
 */
import {
  isNumericDtype,
  isTypedArray,
  type NumericDtype,
  type ScalarDtype,
  typedArrayFor,
} from "../../../data/dtype.js";
import { describeValue, encodeString, fieldValue, referencePath, writeNumber } from "../../elements.js";
import type { StoredValue } from "../../types.js";
import { putAddress } from "./bytes.js";
import { elementSize, type Hdf5Dtype, isFixedString } from "./datatype.js";
import type { GlobalHeap, HeapId } from "./globalHeap.js";

/** Element bytes plus the places that need addresses at close. */
export interface EncodedValue {
  readonly bytes: Uint8Array;
  /** Byte offsets of global heap IDs (collection address, 8 bytes) and the heap object they refer to. */
  readonly heapPatches: readonly { readonly at: number; readonly id: HeapId }[];
  /** Byte offsets of object references and the absolute path they refer to ("" = null reference). */
  readonly referencePatches: readonly { readonly at: number; readonly path: string }[];
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The elements of `value` as an indexable list of `count` items (a scalar shape holds one element). */
function elementsOf(value: StoredValue, count: number, scalar: boolean): ArrayLike<unknown> {
  const isList = isTypedArray(value) || Array.isArray(value);
  if (!isList && !scalar)
    throw new TypeError(`expected an array of ${count} elements, got ${describeValue(value)}`);
  const list: ArrayLike<unknown> = isList ? (value as ArrayLike<unknown>) : [value];
  if (list.length !== count) {
    throw new TypeError(
      `expected ${count} element${count === 1 ? "" : "s"}, got ${describeValue(value)} of ${list.length}`,
    );
  }
  return list;
}

interface Cell {
  readonly dtype: ScalarDtype | Hdf5Dtype;
  readonly offset: number;
  readonly pick: (element: unknown) => unknown;
}

/**
 * Encodes `value` (one element for shape `[]`, else `elementCount(shape)` elements in row-major order)
 * as elements of `dtype`. Strings are added to `heap`.
 */
export function encodeValue(
  dtype: Hdf5Dtype,
  count: number,
  scalar: boolean,
  value: StoredValue,
  heap: GlobalHeap,
): EncodedValue {
  const size = elementSize(dtype);
  if (typeof dtype === "string" && isNumericDtype(dtype) && isTypedArray(value) && littleEndianHost) {
    if (value instanceof typedArrayFor(dtype) && value.length === count) {
      return {
        bytes: new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)),
        heapPatches: [],
        referencePatches: [],
      };
    }
  }
  const elements = elementsOf(value, count, scalar);
  const bytes = new Uint8Array(count * size);
  const view = new DataView(bytes.buffer);
  const heapPatches: { at: number; id: HeapId }[] = [];
  const referencePatches: { at: number; path: string }[] = [];
  const cells: Cell[] = [];
  if (typeof dtype === "object" && "compound" in dtype) {
    let offset = 0;
    for (const field of dtype.compound) {
      cells.push({ dtype: field.dtype, offset, pick: (e) => fieldValue(e, field.name) });
      offset += elementSize(field.dtype);
    }
  } else {
    cells.push({ dtype, offset: 0, pick: (e) => e });
  }
  for (let i = 0; i < count; i++) {
    const element = elements[i];
    for (const cell of cells) {
      const at = i * size + cell.offset;
      const item = cell.pick(element);
      const cellDtype = cell.dtype;
      if (isFixedString(cellDtype as Hdf5Dtype)) {
        const fixed = cellDtype as { fixedString: number; charset?: "utf8" | "ascii" };
        const encoded = encodeString(item, fixed.charset ?? "utf8");
        if (encoded.length > fixed.fixedString) {
          throw new TypeError(
            `string of ${encoded.length} bytes does not fit a ${fixed.fixedString}-byte fixed-length string: ${JSON.stringify(item)}`,
          );
        }
        bytes.set(encoded, at);
      } else if (cellDtype === "utf8" || cellDtype === "ascii") {
        const encoded = encodeString(item, cellDtype);
        view.setUint32(at, encoded.length, true);
        heapPatches.push({ at: at + 4, id: heap.add(encoded) });
      } else if (cellDtype === "objectref") {
        referencePatches.push({ at, path: referencePath(item) });
      } else {
        writeNumber(view, at, cellDtype as NumericDtype | "bool", item);
      }
    }
  }
  return { bytes, heapPatches, referencePatches };
}

/** Writes the heap addresses and reference targets into the encoded bytes. */
export function applyPatches(value: EncodedValue, resolveReference: (path: string) => number): void {
  const view = new DataView(value.bytes.buffer, value.bytes.byteOffset, value.bytes.byteLength);
  for (const { at, id } of value.heapPatches) {
    putAddress(value.bytes, at, id.collection.address);
    view.setUint32(at + 8, id.index, true);
  }
  for (const { at, path } of value.referencePatches) {
    putAddress(value.bytes, at, path === "" ? 0 : resolveReference(path));
  }
}
