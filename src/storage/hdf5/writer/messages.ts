/**
 * Object header message bodies (HDF5 File Format Specification IV.A.2). Versions are the oldest that carry
 * what NWB needs, so that HDF5 1.8 readers understand every file.
 */
import { ByteWriter, UNDEFINED_ADDRESS } from "./bytes.js";

export const MESSAGE = {
  DATASPACE: 0x0001,
  LINK_INFO: 0x0002,
  DATATYPE: 0x0003,
  FILL_VALUE: 0x0005,
  LINK: 0x0006,
  LAYOUT: 0x0008,
  GROUP_INFO: 0x000a,
  FILTER_PIPELINE: 0x000b,
  ATTRIBUTE: 0x000c,
  CONTINUATION: 0x0010,
} as const;

/** Message flag bit 0: the message is constant (datatype and fill value, as the HDF5 library marks them). */
export const FLAG_CONSTANT = 0x01;

/** One message of an object header. */
export interface Message {
  readonly type: number;
  readonly flags: number;
  readonly body: Uint8Array;
}

/**
 * Dataspace message version 1 (IV.A.2.b): rank 0 is a scalar. `maxShape` entries of null are unlimited
 * (all bits set).
 */
export function dataspaceMessage(
  shape: readonly number[],
  maxShape?: readonly (number | null)[],
): Uint8Array {
  const w = new ByteWriter(8 + 16 * shape.length);
  w.u8(1)
    .u8(shape.length)
    .u8(maxShape ? 1 : 0)
    .u8(0)
    .u32(0);
  for (const extent of shape) w.u64(extent);
  if (maxShape) for (const extent of maxShape) w.address(extent === null ? UNDEFINED_ADDRESS : extent);
  return w.finish();
}

/** When space for raw data is allocated (fill value message field). */
export const ALLOCATION = { EARLY: 1, LATE: 2, INCREMENTAL: 3 } as const;

/**
 * Fill value message version 2 (IV.A.2.f): fill value "defined" with size 0 is the library default (zeros),
 * which is what h5py writes.
 */
export function fillValueMessage(allocation: number): Uint8Array {
  const fillTimeIfSet = 2;
  return new ByteWriter(8).u8(2).u8(allocation).u8(fillTimeIfSet).u8(1).u32(0).finish();
}

/** Data layout message version 3 (IV.A.2.i), compact: the raw data sit in the message. */
export function compactLayoutMessage(data: Uint8Array): Uint8Array {
  return new ByteWriter(4 + data.length).u8(3).u8(0).u16(data.length).bytes(data).finish();
}

/** Data layout message version 3, contiguous. */
export function contiguousLayoutMessage(address: number, size: number): Uint8Array {
  return new ByteWriter(18).u8(3).u8(1).address(address).u64(size).finish();
}

/**
 * Data layout message version 3, chunked: dimensionality is rank + 1, the last "dimension" being the element
 * size; the address is that of the v1 B-tree chunk index (undefined when no chunk was written).
 */
export function chunkedLayoutMessage(
  btreeAddress: number,
  chunks: readonly number[],
  elementSize: number,
): Uint8Array {
  const w = new ByteWriter(16 + 4 * chunks.length);
  w.u8(3)
    .u8(2)
    .u8(chunks.length + 1)
    .address(btreeAddress);
  for (const extent of chunks) w.u32(extent);
  w.u32(elementSize);
  return w.finish();
}

/** One filter of a pipeline. */
export interface PipelineFilter {
  readonly id: number;
  readonly name?: string;
  readonly optional?: boolean;
  readonly clientData: readonly number[];
}

/**
 * Filter pipeline message version 1 (IV.A.2.l): names null-terminated and padded to 8 bytes, client data
 * 4 bytes each, padded to an even count.
 */
export function filterPipelineMessage(filters: readonly PipelineFilter[]): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(1).u8(filters.length).zeros(6);
  for (const filter of filters) {
    const name = filter.name ? new TextEncoder().encode(filter.name) : new Uint8Array(0);
    const nameLength = name.length === 0 ? 0 : name.length + 1 + ((8 - ((name.length + 1) % 8)) % 8);
    w.u16(filter.id)
      .u16(nameLength)
      .u16(filter.optional ? 1 : 0)
      .u16(filter.clientData.length);
    if (nameLength > 0) w.bytes(name).zeros(nameLength - name.length);
    for (const value of filter.clientData) w.u32(value);
    if (filter.clientData.length % 2 === 1) w.u32(0);
  }
  return w.finish();
}

/**
 * Link info message version 0 (IV.A.2.c) with no dense storage (undefined fractal heap and B-tree addresses):
 * the group's links are link messages in its object header ("compact" storage, HDF5 1.8).
 */
export function linkInfoMessage(): Uint8Array {
  return new ByteWriter(18).u8(0).u8(0).address(UNDEFINED_ADDRESS).address(UNDEFINED_ADDRESS).finish();
}

/** Group info message version 0 (IV.A.2.k) with the library's default phase-change values. */
export function groupInfoMessage(): Uint8Array {
  return new ByteWriter(2).u8(0).u8(0).finish();
}

const LINK_SOFT = 1;
const LINK_EXTERNAL = 64;

export type LinkTarget =
  | { readonly kind: "hard"; readonly address: number }
  | { readonly kind: "soft"; readonly target: string }
  | { readonly kind: "external"; readonly file: string; readonly target: string };

function isAscii(bytes: Uint8Array): boolean {
  return bytes.every((b) => b < 0x80);
}

/**
 * Link message version 1 (IV.A.2.g). Flags: bits 0-1 = size of the name-length field (we use 2 bytes),
 * bit 3 = link type present (soft/external), bit 4 = character set present (UTF-8 names).
 */
export function linkMessage(name: string, link: LinkTarget): Uint8Array {
  const encoder = new TextEncoder();
  const nameBytes = encoder.encode(name);
  const utf8 = !isAscii(nameBytes);
  const w = new ByteWriter(32 + nameBytes.length);
  w.u8(1).u8(0x01 | (link.kind === "hard" ? 0 : 0x08) | (utf8 ? 0x10 : 0));
  if (link.kind !== "hard") w.u8(link.kind === "soft" ? LINK_SOFT : LINK_EXTERNAL);
  if (utf8) w.u8(1);
  w.u16(nameBytes.length).bytes(nameBytes);
  if (link.kind === "hard") {
    w.address(link.address);
  } else if (link.kind === "soft") {
    const target = encoder.encode(link.target);
    w.u16(target.length).bytes(target);
  } else {
    // External link value: a version/flags byte (0), then the file name and the object path, each NUL-terminated.
    const file = encoder.encode(link.file);
    const target = encoder.encode(link.target);
    w.u16(1 + file.length + 1 + target.length + 1)
      .u8(0)
      .bytes(file)
      .u8(0)
      .bytes(target)
      .u8(0);
  }
  return w.finish();
}

/**
 * Attribute message (IV.A.2.m): version 1 (name, datatype and dataspace each padded to 8 bytes) for ASCII
 * names, version 3 (no padding, character set field) for UTF-8 names.
 */
export function attributeMessage(
  name: string,
  datatype: Uint8Array,
  dataspace: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const w = new ByteWriter(64 + nameBytes.length + datatype.length + dataspace.length + data.length);
  if (isAscii(nameBytes)) {
    w.u8(1)
      .u8(0)
      .u16(nameBytes.length + 1)
      .u16(datatype.length)
      .u16(dataspace.length);
    w.bytes(nameBytes).u8(0).align(8);
    w.bytes(datatype).align(8);
    w.bytes(dataspace).align(8);
  } else {
    w.u8(3)
      .u8(0)
      .u16(nameBytes.length + 1)
      .u16(datatype.length)
      .u16(dataspace.length)
      .u8(1);
    w.bytes(nameBytes).u8(0).bytes(datatype).bytes(dataspace);
  }
  w.bytes(data);
  return w.finish();
}

/** Object header continuation message (IV.A.2.q). */
export function continuationMessage(address: number, length: number): Uint8Array {
  return new ByteWriter(16).address(address).u64(length).finish();
}
