/** A growable little-endian byte buffer for encoding HDF5 metadata structures. */

/** HDF5's "undefined address": all bits set (spec II.A, "Size of Offsets"). */
export const UNDEFINED_ADDRESS = -1;

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(bytes: number): number {
    const at = this.length;
    const end = at + bytes;
    if (end > this.buffer.length) {
      const grown = new Uint8Array(Math.max(end, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = end;
    return at;
  }

  u8(value: number): this {
    const at = this.reserve(1);
    this.view.setUint8(at, value);
    return this;
  }

  u16(value: number): this {
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
    return this;
  }

  u32(value: number): this {
    const at = this.reserve(4);
    this.view.setUint32(at, value, true);
    return this;
  }

  /** An unsigned 64-bit length or offset (any safe integer). */
  u64(value: number): this {
    const at = this.reserve(8);
    this.view.setUint32(at, value % 0x1_0000_0000, true);
    this.view.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
    return this;
  }

  /** An 8-byte file address; {@link UNDEFINED_ADDRESS} is written as all ones. */
  address(value: number): this {
    if (value === UNDEFINED_ADDRESS) {
      const at = this.reserve(8);
      this.buffer.fill(0xff, at, this.length);
      return this;
    }
    return this.u64(value);
  }

  bytes(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
    return this;
  }

  zeros(count: number): this {
    const at = this.reserve(count);
    this.buffer.fill(0, at, this.length);
    return this;
  }

  /** Pads with zeros up to the next multiple of `alignment` bytes from the start of this buffer. */
  align(alignment: number): this {
    return this.zeros(padding(this.length, alignment));
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

/** Bytes needed to pad `length` up to a multiple of `alignment`. */
export function padding(length: number, alignment: number): number {
  return (alignment - (length % alignment)) % alignment;
}

/** Writes an 8-byte little-endian address into `bytes` at `at`. */
export function putAddress(bytes: Uint8Array, at: number, value: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(at, value % 0x1_0000_0000, true);
  view.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
}
