/** Choosing a stream and a block (recording) by name and index, with errors that list the choices. */
import { SourceDataError } from "../../errors.js";

interface NamedStream {
  readonly name: string;
  /** Another accepted spelling (the binary folder name without its Record Node). */
  readonly alias?: string;
}

interface Block {
  readonly blockIndex: number;
  readonly experiment: number;
  readonly recording: number;
  readonly streams: readonly NamedStream[];
}

const list = (names: readonly string[]) => names.map((n) => `'${n}'`).join(", ");

/**
 * The stream called `streamName` (its full name, or its alias when that is unambiguous) in block
 * `blockIndex` (default: the first block holding the stream).
 */
export function selectStream<B extends Block>(
  folderPath: string,
  blocks: readonly B[],
  names: readonly string[],
  streamName: string | undefined,
  blockIndex: number | undefined,
): { block: B; stream: B["streams"][number] } {
  let name: string;
  if (names.length === 0) {
    throw new SourceDataError(folderPath, "holds no continuous stream (its recordings list none)");
  }
  if (streamName === undefined) {
    if (names.length !== 1) {
      throw new SourceDataError(
        folderPath,
        `holds ${names.length} streams; choose one with streamName: ${list(names)}`,
      );
    }
    name = names[0]!;
  } else if (names.includes(streamName)) {
    name = streamName;
  } else {
    const matches = [
      ...new Set(blocks.flatMap((b) => b.streams.filter((s) => s.alias === streamName).map((s) => s.name))),
    ];
    if (matches.length > 1) {
      throw new SourceDataError(
        folderPath,
        `stream name '${streamName}' is ambiguous: it matches ${list(matches)}; pass the full name`,
      );
    }
    if (matches.length === 0) {
      throw new SourceDataError(
        folderPath,
        `has no stream named '${streamName}'; the streams are: ${list(names)}`,
      );
    }
    name = matches[0]!;
  }
  const holding = blocks.filter((b) => b.streams.some((s) => s.name === name));
  let block: B | undefined;
  if (blockIndex === undefined) {
    block = holding[0];
  } else {
    if (!Number.isInteger(blockIndex) || blockIndex < 0 || blockIndex >= blocks.length) {
      throw new SourceDataError(
        folderPath,
        `blockIndex ${blockIndex} does not exist; there ${blocks.length === 1 ? "is 1 block" : `are ${blocks.length} blocks`} (${blocks
          .map((b) => `${b.blockIndex}: experiment ${b.experiment} recording ${b.recording}`)
          .join("; ")})`,
      );
    }
    block = blocks[blockIndex];
    if (!block || !holding.includes(block)) {
      throw new SourceDataError(
        folderPath,
        `block ${blockIndex} (experiment ${block?.experiment} recording ${block?.recording}) has no stream '${name}'; it is in block(s) ${holding
          .map((b) => b.blockIndex)
          .join(", ")}`,
      );
    }
  }
  const stream = block?.streams.find((s) => s.name === name);
  if (!block || !stream) throw new SourceDataError(folderPath, `no block holds the stream '${name}'`);
  return { block, stream };
}
