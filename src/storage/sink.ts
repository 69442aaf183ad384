/**
 * Byte sinks: where a file writer's bytes go. A sink takes positioned writes, so bulk data can be appended
 * in any order and metadata written last; a Node file descriptor today, a browser file handle or an upload
 * later.
 */
import { type FileHandle, open, unlink } from "node:fs/promises";

/** Where file bytes go: positioned writes (Node fd now; a browser file handle or an upload later). */
export interface ByteSink {
  /** What the bytes are written to (a file path), named in error messages. */
  readonly name?: string;
  /** Writes `bytes` at byte offset `position`. Writes to disjoint ranges may run concurrently. */
  write(position: number, bytes: Uint8Array): Promise<void>;
  /** Finishes the output (flush + close). */
  close(): Promise<void>;
  /** Gives up: closes and removes whatever was written. */
  abort(): Promise<void>;
}

export interface FileSinkOptions {
  /** Replace an existing file. Default false: an existing file is an error and is left untouched. */
  readonly overwrite?: boolean;
}

/**
 * A sink that writes a file with positioned writes on one descriptor.
 *
 * @example
 * ```ts
 * const sink = await createFileSink("out.nwb");
 * await sink.write(0, new Uint8Array([1, 2, 3]));
 * await sink.close();
 * ```
 */
export async function createFileSink(path: string, options: FileSinkOptions = {}): Promise<ByteSink> {
  const handle = await open(path, options.overwrite ? "w" : "wx");
  return new FileSink(path, handle);
}

class FileSink implements ByteSink {
  private state: "open" | "closed" | "aborted" = "open";

  constructor(
    readonly name: string,
    private readonly handle: FileHandle,
  ) {}

  async write(position: number, bytes: Uint8Array): Promise<void> {
    if (this.state !== "open") throw new Error(`${this.name}: write after the file was ${this.state}`);
    let done = 0;
    // A positioned write may be partial; continue until every byte is out.
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  }

  async close(): Promise<void> {
    if (this.state !== "open") throw new Error(`${this.name}: close after the file was ${this.state}`);
    this.state = "closed";
    await this.handle.close();
  }

  async abort(): Promise<void> {
    if (this.state === "aborted") return;
    const wasOpen = this.state === "open";
    this.state = "aborted";
    // FileHandle.close waits for the writes still in flight, so none can land after the unlink.
    if (wasOpen) await this.handle.close().catch(() => undefined);
    await unlink(this.name).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
}

/** A sink that keeps the bytes in memory (tests, small files). */
export interface MemorySink extends ByteSink {
  readonly name: string;
  /** The bytes written so far (a copy), up to the highest offset written. */
  bytes(): Uint8Array;
}

/**
 * A sink that keeps the bytes in memory.
 *
 * @example
 * ```ts
 * const sink = createMemorySink();
 * await sink.write(4, new Uint8Array([9]));
 * sink.bytes(); // Uint8Array [0, 0, 0, 0, 9]
 * ```
 */
export function createMemorySink(name = "<memory>"): MemorySink {
  let buffer = new Uint8Array(4096);
  let length = 0;
  let state: "open" | "closed" | "aborted" = "open";
  return {
    name,
    async write(position, bytes) {
      if (state !== "open") throw new Error(`${name}: write after the sink was ${state}`);
      const end = position + bytes.length;
      if (end > buffer.length) {
        const grown = new Uint8Array(Math.max(end, buffer.length * 2));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(bytes, position);
      length = Math.max(length, end);
    },
    async close() {
      if (state !== "open") throw new Error(`${name}: close after the sink was ${state}`);
      state = "closed";
    },
    async abort() {
      state = "aborted";
      buffer = new Uint8Array(0);
      length = 0;
    },
    bytes() {
      return buffer.slice(0, length);
    },
  };
}
