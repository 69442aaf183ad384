/**
 * Synchronous HDF5 reading, for format readers whose headers must be parsed in an interface's constructor
 * (interfaces construct synchronously; h5wasm only loads asynchronously).
 *
 * One worker thread holds h5wasm and the open files; each call posts a request and blocks on a shared
 * flag (`Atomics.wait`) until the worker answers, then takes the answer with `receiveMessageOnPort`.
 * Values cross threads by structured clone (typed arrays, bigints and strings keep their types). The worker
 * is unreferenced, so it never keeps the process alive.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { StorageReader } from "../types.js";
import type { SyncRequest, SyncResponse } from "./syncWorker.js";

/** How long a single call may take before it is reported as hung (the first call also loads h5wasm). */
const CALL_TIMEOUT_MS = 120_000;

interface Channel {
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

let channel: Channel | undefined;

/**
 * The worker's entry, as a module of its own: it imports the reader thread beside this file (TypeScript
 * sources through tsx's loader, registered in the thread, as in tests) and reports a failed start as the
 * answer to the first request, so the waiting caller wakes up with the reason.
 */
function workerEntry(): URL {
  const typescript = import.meta.url.endsWith(".ts");
  const target = new URL(typescript ? "./syncWorker.ts" : "./syncWorker.js", import.meta.url).href;
  const tsx = typescript
    ? pathToFileURL(
        createRequire(import.meta.url)
          .resolve("tsx/esm/api")
          .replace(/\.cjs$/, ".mjs"),
      ).href
    : undefined;
  const code = `import { workerData } from "node:worker_threads";
try {
  ${tsx ? `(await import(${JSON.stringify(tsx)})).register();` : ""}
  await import(${JSON.stringify(target)});
} catch (error) {
  workerData.port.postMessage({ error: { name: "Error", message: "cannot start the HDF5 reader thread: " + error?.message } });
  Atomics.store(workerData.flag, 0, 1);
  Atomics.notify(workerData.flag, 0);
}`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

function startWorker(): Channel {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(workerEntry(), {
    workerData: { port: port2, flag },
    transferList: [port2],
    stdout: false,
    stderr: false,
  });
  worker.unref();
  port1.unref();
  worker.on("error", () => {
    channel = undefined;
  });
  worker.on("exit", () => {
    channel = undefined;
  });
  return { port: port1, flag };
}

function call(request: SyncRequest): unknown {
  channel ??= startWorker();
  const { port, flag } = channel;
  Atomics.store(flag, 0, 0);
  port.postMessage(request);
  // Wait on the flag, not on the wake-up: the worker raises the flag before it notifies, so the notify of
  // the previous answer can arrive late and wake this call before its own answer is there.
  const deadline = Date.now() + CALL_TIMEOUT_MS;
  while (Atomics.load(flag, 0) === 0) {
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(flag, 0, 0, left) === "timed-out") {
      throw new Error(
        `HDF5 reader thread did not answer within ${CALL_TIMEOUT_MS / 1000} s (${request.method})`,
      );
    }
  }
  const message = receiveMessageOnPort(port)?.message as SyncResponse | undefined;
  if (message === undefined) throw new Error(`HDF5 reader thread gave no answer (${request.method})`);
  if ("error" in message) {
    throw Object.assign(new Error(message.error.message), { name: message.error.name });
  }
  return message.value;
}

/**
 * Opens an HDF5 file read-only and reads it synchronously (a {@link StorageReader} whose every call blocks
 * until the value is there). Close it when done.
 *
 * @example
 * ```ts
 * const file = openHdf5Sync("data.raw.h5");
 * const rate = file.readDataset("/data_store/data0000/settings/sampling");
 * file.close();
 * ```
 */
export function openHdf5Sync(filePath: string): StorageReader {
  const handle = call({ method: "open", args: [filePath] }) as number;
  const on =
    <M extends Exclude<SyncRequest["method"], "open">>(method: M) =>
    (...args: unknown[]) =>
      call({ method, handle, args } as SyncRequest);
  return {
    kind: on("kind") as StorageReader["kind"],
    children: on("children") as StorageReader["children"],
    attributeNames: on("attributeNames") as StorageReader["attributeNames"],
    getAttribute: on("getAttribute") as StorageReader["getAttribute"],
    datasetInfo: on("datasetInfo") as StorageReader["datasetInfo"],
    readDataset: on("readDataset") as StorageReader["readDataset"],
    readBlock: on("readBlock") as StorageReader["readBlock"],
    softLinkTarget: on("softLinkTarget") as StorageReader["softLinkTarget"],
    close: on("close") as StorageReader["close"],
  };
}
