/**
 * Version 1 object headers (HDF5 File Format Specification IV.A.1.a): a 16-byte prefix (version 1, message
 * count, reference count, size of the first block, padding to 8), then messages, each with an 8-byte header
 * (type, size, flags) and a body padded to 8 bytes. Messages that do not fit a block go on to a continuation
 * block (no prefix of its own) named by a continuation message at the end of the previous block.
 */
import { ByteWriter, padding } from "./bytes.js";
import { continuationMessage, MESSAGE, type Message } from "./messages.js";

const PREFIX_SIZE = 16;
const MESSAGE_HEADER_SIZE = 8;
/** A message's size field is 16 bits; bodies are padded to 8 bytes. */
export const MAX_MESSAGE_BODY = 0xffff - 7;
/** Blocks are cut at this size; a continuation message takes 8 + 16 bytes. */
const BLOCK_LIMIT = 64 * 1024;
const CONTINUATION_ENTRY = MESSAGE_HEADER_SIZE + 16;

function entrySize(message: Message): number {
  return MESSAGE_HEADER_SIZE + message.body.length + padding(message.body.length, 8);
}

/** Messages split into blocks; sizes do not depend on addresses, so the plan is made before placement. */
export interface HeaderPlan {
  readonly blocks: readonly (readonly Message[])[];
  /** Bytes of each block (messages plus the continuation entry, when one follows). */
  readonly blockSizes: readonly number[];
  /** Total bytes of the header: prefix and all blocks, laid out one after another. */
  readonly size: number;
}

export function planHeader(messages: readonly Message[]): HeaderPlan {
  const blocks: Message[][] = [[]];
  const blockSizes = [0];
  for (const message of messages) {
    if (message.body.length > MAX_MESSAGE_BODY) {
      throw new RangeError(
        `an object header message of ${message.body.length} bytes exceeds HDF5's limit of ${MAX_MESSAGE_BODY}`,
      );
    }
    const size = entrySize(message);
    const last = blocks.length - 1;
    if (blocks[last]!.length > 0 && blockSizes[last]! + size + CONTINUATION_ENTRY > BLOCK_LIMIT) {
      blockSizes[last]! += CONTINUATION_ENTRY;
      blocks.push([]);
      blockSizes.push(0);
    }
    blocks[blocks.length - 1]!.push(message);
    blockSizes[blockSizes.length - 1]! += size;
  }
  return { blocks, blockSizes, size: PREFIX_SIZE + blockSizes.reduce((a, b) => a + b, 0) };
}

function writeMessage(w: ByteWriter, type: number, flags: number, body: Uint8Array): void {
  w.u16(type)
    .u16(body.length + padding(body.length, 8))
    .u8(flags)
    .zeros(3)
    .bytes(body)
    .align(8);
}

/**
 * Encodes a planned header at `address` (its blocks follow the prefix contiguously). `hardLinks` is the
 * object's reference count: the number of hard links that point to it.
 */
export function encodeHeader(plan: HeaderPlan, address: number, hardLinks: number): Uint8Array {
  const w = new ByteWriter(plan.size);
  const messageCount = plan.blocks.reduce((n, block) => n + block.length, 0) + plan.blocks.length - 1;
  w.u8(1).u8(0).u16(messageCount).u32(hardLinks).u32(plan.blockSizes[0]!).zeros(4);
  let next = address + PREFIX_SIZE + plan.blockSizes[0]!;
  plan.blocks.forEach((block, i) => {
    for (const message of block) writeMessage(w, message.type, message.flags, message.body);
    if (i + 1 < plan.blocks.length) {
      const nextSize = plan.blockSizes[i + 1]!;
      writeMessage(w, MESSAGE.CONTINUATION, 0, continuationMessage(next, nextSize));
      next += nextSize;
    }
  });
  if (w.length !== plan.size) throw new Error(`object header size mismatch: ${w.length} != ${plan.size}`);
  return w.finish();
}
