/**
 * The TIFF compressions microscopes and image tools write: none, LZW, Deflate (Adobe and old-style codes),
 * PackBits. Each decodes one strip or tile. Deflate uses Node's zlib; LZW and PackBits are a few lines
 * each, written from the TIFF 6.0 specification (sections 13 and 9).
 */
import { inflateSync } from "node:zlib";

/** TIFF Compression tag values this reader decodes. */
export const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  1: "none",
  5: "LZW",
  8: "Deflate",
  32946: "Deflate",
  32773: "PackBits",
};

/** Decodes one segment; `expected` is the decoded size the page geometry asks for. */
export function decompressSegment(compression: number, bytes: Uint8Array, expected: number): Uint8Array {
  switch (compression) {
    case 1:
      return bytes;
    case 5:
      return decodeLzw(bytes, expected);
    case 8:
    case 32946:
      return new Uint8Array(inflateSync(bytes));
    case 32773:
      return decodePackBits(bytes, expected);
    default:
      throw new RangeError(`compression ${compression} is not supported`);
  }
}

const CLEAR = 256;
const END = 257;

/**
 * TIFF LZW: MSB-first codes of 9-12 bits; the code width grows one code early (at 511, 1023, 2047), as
 * every TIFF writer since libtiff does (TIFF 6.0, section 13).
 */
export function decodeLzw(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  // The dictionary as (prefix code, last byte, length) triples; strings are rebuilt backwards.
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const length = new Int32Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    length[i] = 1;
    prefix[i] = -1;
  }
  let written = 0;
  let next = 258;
  let width = 9;
  let previous = -1;
  let bitPos = 0;
  const totalBits = input.length * 8;
  /** Writes the string of `code`; returns its first byte. */
  const emit = (code: number): number => {
    let at = written + length[code]! - 1;
    let head = 0;
    for (let c = code; c >= 0; c = prefix[c]!) {
      head = suffix[c]!;
      if (at < expected) out[at] = head;
      at--;
    }
    written += length[code]!;
    return head;
  };
  const firstByte = (code: number): number => {
    let c = code;
    while (prefix[c]! >= 0) c = prefix[c]!;
    return suffix[c]!;
  };
  while (bitPos + width <= totalBits && written < expected) {
    let code = 0;
    for (let b = 0; b < width; b++) {
      const bit = bitPos + b;
      code = (code << 1) | ((input[bit >> 3]! >> (7 - (bit & 7))) & 1);
    }
    bitPos += width;
    if (code === END) break;
    if (code === CLEAR) {
      next = 258;
      width = 9;
      previous = -1;
      continue;
    }
    if (previous < 0) {
      emit(code);
    } else if (code < next) {
      const head = emit(code);
      addEntry(previous, head);
    } else {
      // code not yet in the table: it is the previous string plus its own first byte (KwKwK)
      addEntry(previous, firstByte(previous));
      emit(code);
    }
    previous = code;
    if (next + 1 >= 1 << width && width < 12) width++;
  }
  return out;

  function addEntry(from: number, byte: number): void {
    if (next >= 4096) return;
    prefix[next] = from;
    suffix[next] = byte;
    length[next] = length[from]! + 1;
    next++;
  }
}

/** PackBits run-length decoding (TIFF 6.0, section 9). */
export function decodePackBits(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let i = 0;
  let o = 0;
  while (i < input.length && o < expected) {
    const n = (input[i++]! << 24) >> 24;
    if (n >= 0) {
      const count = Math.min(n + 1, expected - o, input.length - i);
      out.set(input.subarray(i, i + count), o);
      i += n + 1;
      o += count;
    } else if (n !== -128) {
      const count = Math.min(1 - n, expected - o);
      out.fill(input[i++]!, o, o + count);
      o += count;
    }
  }
  return out;
}
