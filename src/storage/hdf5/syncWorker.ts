/**
 * The thread behind {@link openHdf5Sync}: opens files with h5wasm and answers one request at a time,
 * raising the shared flag after each answer so that the blocked caller wakes up.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import type { StorageReader } from "../types.js";
import { openWithH5wasm } from "./h5wasmBackend.js";

type ReaderMethod = Exclude<keyof StorageReader, never>;

/** A request to the reader thread. */
export type SyncRequest =
  | { readonly method: "open"; readonly args: [string] }
  | { readonly method: ReaderMethod; readonly handle: number; readonly args: unknown[] };

/** The reader thread's answer: a value, or the error it threw. */
export type SyncResponse =
  | { readonly value: unknown }
  | { readonly error: { name: string; message: string } };

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const files = new Map<number, StorageReader>();
let nextHandle = 1;

async function answer(request: SyncRequest): Promise<unknown> {
  if (request.method === "open") {
    const handle = nextHandle++;
    files.set(handle, await openWithH5wasm(request.args[0]));
    return handle;
  }
  const file = files.get(request.handle);
  if (!file) throw new Error("the HDF5 file is closed");
  if (request.method === "close") files.delete(request.handle);
  return (file[request.method] as (...args: unknown[]) => unknown)(...request.args);
}

port.on("message", (request: SyncRequest) => {
  answer(request)
    .then(
      (value): SyncResponse => ({ value }),
      (error: unknown): SyncResponse => ({
        error: {
          name: error instanceof Error ? error.name : "Error",
          message: error instanceof Error ? error.message : String(error),
        },
      }),
    )
    .then((response) => {
      port.postMessage(response);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
});
