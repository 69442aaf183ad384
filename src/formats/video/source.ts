/**
 * Positioned, synchronous reads of a container file with a small read-ahead window, so walking thousands of
 * box or block headers costs few system calls and never loads the file.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { SourceDataError } from "../../errors.js";

const WINDOW_BYTES = 64 * 1024;

export class ByteSource {
  readonly size: number;
  private readonly fd: number;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "r");
    } catch (error) {
      throw new SourceDataError(path, `cannot open the video file (${(error as Error).message})`);
    }
    this.size = fstatSync(this.fd).size;
  }

  /** `length` bytes at `offset`; fewer only at the end of the file. */
  read(offset: number, length: number): Buffer {
    const end = Math.min(this.size, offset + length);
    if (offset >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.subarray(offset - this.windowStart, end - this.windowStart);
    }
    const bytes = Math.max(0, end - offset);
    const buffer = Buffer.alloc(Math.max(bytes, Math.min(WINDOW_BYTES, this.size - offset)));
    const got = readSync(this.fd, buffer, 0, buffer.length, offset);
    this.window = buffer.subarray(0, got);
    this.windowStart = offset;
    return this.window.subarray(0, Math.min(bytes, got));
  }

  /** Exactly `length` bytes at `offset`, or a SourceDataError naming what was being read. */
  readExactly(offset: number, length: number, what: string): Buffer {
    const bytes = this.read(offset, length);
    if (bytes.length !== length) {
      throw new SourceDataError(
        this.path,
        `the file ends inside ${what} (offset ${offset}); is it truncated?`,
      );
    }
    return bytes;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Runs `read` on an open source and closes it whatever happens. */
export function withSource<T>(path: string, read: (source: ByteSource) => T): T {
  const source = new ByteSource(path);
  try {
    return read(source);
  } finally {
    source.close();
  }
}

/** Four ASCII characters (a FourCC code). */
export function fourcc(bytes: Buffer, offset = 0): string {
  return bytes.toString("latin1", offset, offset + 4);
}
