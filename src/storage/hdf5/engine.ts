/**
 * The HDF5 engine: the storage contract on top of our own HDF5 file writer (`writer/`). Chunks arrive
 * encoded by the shared codec pipeline; this engine records the filters as HDF5 filter pipeline entries and
 * hands the bytes to the writer, which appends them to the file as they come. The file is written under a
 * hidden temporary name and renamed into place by `close`; `abort` (or any failure) removes it.
 * Reading goes through h5wasm (the HDF5 library itself).
 */
import { bytesPerElement } from "../../data/dtype.js";
import { StorageError } from "../../errors.js";
import { checkFileOutput, temporaryFileFor } from "../output.js";
import { type ByteSink, createFileSink } from "../sink.js";
import type { CreateOptions, StorageEngine, StorageWriter } from "../types.js";
import { HDF5_CODECS, hdf5ChunkingProblem, hdf5FilterOf } from "./filters.js";
import { openWithH5wasm } from "./h5wasmBackend.js";
import { Hdf5Writer } from "./writer/index.js";

/** Options of {@link createHdf5Engine}. */
export interface Hdf5EngineOptions {
  /** Opens the sink for a new file at `temporaryPath` (default: a Node file). Tests pass failing sinks. */
  readonly openSink?: (temporaryPath: string) => Promise<ByteSink>;
}

/** A sink that names the destination in errors while writing to the temporary file. */
function namedAs(name: string, sink: ByteSink): ByteSink {
  return {
    name,
    write: (position, bytes) => sink.write(position, bytes),
    close: () => sink.close(),
    abort: () => sink.abort(),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An HDF5 engine; `hdf5Backend` is the default one. Pass `openSink` to send the bytes elsewhere.
 *
 * @example
 * ```ts
 * const engine = createHdf5Engine({ openSink: (temporaryPath) => createFileSink(temporaryPath) });
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "session.nwb", backend: engine });
 * ```
 */
export function createHdf5Engine(options: Hdf5EngineOptions = {}): StorageEngine {
  const openSink = options.openSink ?? ((path: string) => createFileSink(path));
  return {
    name: "hdf5",
    codecs: HDF5_CODECS,
    chunkingProblem: hdf5ChunkingProblem,
    checkOutput: (path, create) => checkFileOutput(path, create?.overwrite ?? false),

    async create(path: string, create?: CreateOptions): Promise<StorageWriter> {
      const output = await temporaryFileFor(path, create?.overwrite ?? false);
      const writer = Hdf5Writer.create(namedAs(output.destination, await openSink(output.temporary)));
      let finished = false;
      return {
        path,
        createGroup: (p) => writer.createGroup(p),
        createDataset: (p, request) => writer.createDataset(p, request),
        createChunkedDataset(p, request) {
          const itemSize = request.dtype === "bool" ? 1 : bytesPerElement(request.dtype);
          const dataset = writer.createChunkedDataset(p, {
            dtype: request.dtype,
            shape: request.shape,
            chunks: request.chunks,
            filters: request.filters.map((f) => hdf5FilterOf(f, itemSize)),
          });
          return {
            writeChunk: (index, encoded) =>
              dataset.writeChunk(index, encoded).catch((error: unknown) => {
                throw error instanceof StorageError
                  ? error
                  : new StorageError(output.destination, p, `writing chunk [${index}]: ${messageOf(error)}`);
              }),
          };
        },
        setAttribute: (p, name, dtype, shape, value) => writer.setAttribute(p, name, dtype, shape, value),
        createSoftLink: (p, target) => writer.createSoftLink(p, target),
        createExternalLink: (p, file, target) => writer.createExternalLink(p, file, target),
        async close() {
          await writer.close();
          finished = true;
          await output.commit();
        },
        async abort() {
          if (!finished) await writer.abort().catch(() => undefined);
          await output.discard();
        },
      };
    },

    open: openWithH5wasm,
  };
}

/** The default HDF5 engine (Node files). */
export const hdf5Backend: StorageEngine = createHdf5Engine();
