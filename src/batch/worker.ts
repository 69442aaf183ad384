/**
 * The worker process of a batch: receives one session from its parent (child_process IPC), converts it,
 * reports progress and the outcome, and exits. A crash here cannot take other sessions down.
 */
import { withWarningHandler } from "../conversion/warnings.js";
import { convertSession } from "./convertSession.js";
import type { PlannedSession } from "./sessions.js";

/** Parent -> worker. */
export interface WorkerRequest {
  readonly session: PlannedSession;
  readonly overwrite: boolean;
  /** Chunks compressed at once inside this worker. */
  readonly writeJobs: number;
}

/** Worker -> parent. */
export type WorkerMessage =
  | { readonly type: "progress"; readonly fraction: number }
  | { readonly type: "warning"; readonly message: string }
  | { readonly type: "done" }
  | { readonly type: "failed"; readonly error: string };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

// a batch stopped by Ctrl-C or its scheduler (SIGINT/SIGTERM reach every worker) leaves no partial file
const interrupt = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => interrupt.abort(new Error(`interrupted by ${signal}`)));
}

process.once("message", async ({ session, overwrite, writeJobs }: WorkerRequest) => {
  let reported = 0;
  try {
    await withWarningHandler(
      (message) => void send({ type: "warning", message }),
      () =>
        convertSession(session, {
          overwrite,
          jobs: writeJobs,
          signal: interrupt.signal,
          onProgress: ({ bytesWritten, totalBytes }) => {
            const fraction = totalBytes > 0 ? bytesWritten / totalBytes : 1;
            if (fraction - reported >= 0.25) {
              reported = fraction;
              void send({ type: "progress", fraction });
            }
          },
        }),
    );
    await send({ type: "done" });
  } catch (error) {
    await send({ type: "failed", error: (error as Error).message });
  }
  process.disconnect();
});
