/**
 * Runs a conversion specification: plans the sessions, keeps this shard's slice, skips sessions whose output
 * exists (so an interrupted batch resumes), and converts the rest in parallel worker processes; a failing
 * session is reported and the others go on.
 */
import { fork } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { checkDandiReadiness } from "../conversion/metadata/dandi.js";
import { mergeMetadata } from "../conversion/metadata/merge.js";
import type { Metadata } from "../conversion/metadata/schema.js";
import { buildSession, bulkDatasets, type DatasetSummary, sessionNwbfile } from "./convertSession.js";
import { type PlannedSession, planSessions } from "./sessions.js";
import { loadSpecification } from "./specification.js";
import type { WorkerMessage, WorkerRequest } from "./worker.js";

/** Options of {@link runConversionFromYaml}. */
export interface BatchOptions {
  readonly specificationPath: string;
  /** Folder relative source paths start from (default: the specification's folder). */
  readonly dataFolderPath?: string;
  readonly outputFolderPath: string;
  /** Replace existing outputs instead of skipping their sessions. */
  readonly overwrite?: boolean;
  /** Sessions converted at once, each in its own process (default: one per core). */
  readonly jobs?: number;
  /** Build every session from headers only and report; write nothing. */
  readonly dryRun?: boolean;
  /** Run only slice `index` of `count` (sessions index, index + count, ...). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Aborting stops the batch: running sessions are stopped (leaving no partial file), no new one starts. */
  readonly signal?: AbortSignal;
  /** Called as sessions start, progress and end. */
  readonly onEvent?: (event: BatchEvent) => void;
}

/** What the batch runner reports while it works: a session started, progressed, finished or failed. */
export type BatchEvent =
  | { readonly type: "start"; readonly session: string }
  | { readonly type: "progress"; readonly session: string; readonly fraction: number }
  | { readonly type: "warning"; readonly session: string; readonly message: string }
  | { readonly type: "end"; readonly result: SessionResult };

/** What happened to one session. */
export interface SessionResult {
  readonly session: string;
  readonly outputPath: string;
  /** `planned` only in a dry run. */
  readonly status: "converted" | "skipped" | "failed" | "planned";
  readonly seconds: number;
  /** Output size in bytes (converted or skipped sessions); in a dry run, the bulk data's uncompressed size. */
  readonly bytes?: number;
  /** Dry run: the bulk datasets the file will hold. */
  readonly datasets?: readonly DatasetSummary[];
  readonly error?: string;
  /** Dry run: what DANDI would still reject. */
  readonly dandiMissing?: readonly string[];
}

/** The sessions of one shard: every `count`-th session from `index`, in specification order. */
export function shardOf<T>(sessions: readonly T[], shard: { index: number; count: number } | undefined): T[] {
  if (!shard) return [...sessions];
  return sessions.filter((_, i) => i % shard.count === shard.index);
}

/** The worker module beside this one (TypeScript sources run through tsx, as in tests). */
function workerModule(): { path: string; execArgv: string[] } {
  const url = import.meta.url;
  const typescript = url.endsWith(".ts");
  return {
    path: fileURLToPath(new URL(typescript ? "./worker.ts" : "./worker.js", url)),
    execArgv: typescript ? ["--import", "tsx"] : [],
  };
}

function runInWorker(
  session: PlannedSession,
  request: WorkerRequest,
  onEvent: (e: BatchEvent) => void,
  signal: AbortSignal | undefined,
): Promise<SessionResult> {
  const started = performance.now();
  const { path, execArgv } = workerModule();
  return new Promise((resolve) => {
    let outcome: { error?: string } | undefined;
    const child = fork(path, [], { execArgv, stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "progress")
        onEvent({ type: "progress", session: session.name, fraction: message.fraction });
      else if (message.type === "warning")
        onEvent({ type: "warning", session: session.name, message: message.message });
      else if (message.type === "done") outcome = {};
      else outcome = { error: message.error };
    });
    child.on("exit", (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const error =
        outcome?.error ??
        (outcome
          ? undefined
          : `worker process ended (${signal ?? `exit code ${code}`}) without a result: ${stderr.trim().split("\n").pop() ?? ""}`);
      resolve(
        error === undefined
          ? {
              session: session.name,
              outputPath: session.outputPath,
              status: "converted",
              seconds,
              bytes: statSync(session.outputPath).size,
            }
          : { session: session.name, outputPath: session.outputPath, status: "failed", seconds, error },
      );
    });
    const stop = () => child.kill("SIGTERM");
    signal?.addEventListener("abort", stop, { once: true });
    child.once("exit", () => signal?.removeEventListener("abort", stop));
    child.send(request);
  });
}

/** Dry run of one session: its file built from headers, its merged metadata checked for DANDI. */
async function planOnly(session: PlannedSession, overwrite: boolean): Promise<SessionResult> {
  const started = performance.now();
  const base = { session: session.name, outputPath: session.outputPath };
  try {
    const datasets = bulkDatasets(await sessionNwbfile(session));
    const { conversion } = buildSession(session);
    const metadata = mergeMetadata(conversion.getMetadata(), session.metadata) as Metadata;
    const exists = existsSync(session.outputPath) && !overwrite;
    return {
      ...base,
      status: exists ? "skipped" : "planned",
      seconds: (performance.now() - started) / 1000,
      bytes: datasets.reduce((sum, d) => sum + d.bytes, 0),
      datasets,
      dandiMissing: checkDandiReadiness(metadata).missing,
    };
  } catch (error) {
    return {
      ...base,
      status: "failed",
      seconds: (performance.now() - started) / 1000,
      error: (error as Error).message,
    };
  }
}

/**
 * Converts every session of a conversion specification (NeuroConv's YAML layout, plus `expand` templates).
 * Throws a SpecificationError (with line and key path of each problem) before any work if the file is wrong;
 * otherwise returns one result per session of the shard: failed sessions do not stop the others.
 *
 * @example
 * ```ts
 * const results = await runConversionFromYaml({
 *   specificationPath: "study.yml",
 *   dataFolderPath: "/data/study",
 *   outputFolderPath: "/data/nwb",
 *   jobs: 4,
 * });
 * const failed = results.filter((r) => r.status === "failed");
 * ```
 */
export async function runConversionFromYaml(options: BatchOptions): Promise<SessionResult[]> {
  const loaded = await loadSpecification(options.specificationPath);
  const sessions = shardOf(
    planSessions(loaded, {
      dataFolder: options.dataFolderPath ?? dirname(options.specificationPath),
      outputFolder: options.outputFolderPath,
    }),
    options.shard,
  );
  const overwrite = options.overwrite ?? false;
  const onEvent = options.onEvent ?? (() => {});
  if (options.dryRun) {
    const planned: SessionResult[] = [];
    for (const session of sessions) planned.push(await planOnly(session, overwrite));
    return planned;
  }
  await mkdir(options.outputFolderPath, { recursive: true });
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  // the cores are shared between sessions: each worker compresses with its share of them
  const writeJobs = Math.max(1, Math.floor(availableParallelism() / jobs));
  const results: SessionResult[] = new Array(sessions.length);
  let next = 0;
  const lane = async () => {
    while (next < sessions.length && !options.signal?.aborted) {
      const index = next++;
      const session = sessions[index]!;
      if (!overwrite && existsSync(session.outputPath)) {
        results[index] = {
          session: session.name,
          outputPath: session.outputPath,
          status: "skipped",
          seconds: 0,
          bytes: statSync(session.outputPath).size,
        };
      } else {
        onEvent({ type: "start", session: session.name });
        results[index] = await runInWorker(
          session,
          { session, overwrite, writeJobs },
          onEvent,
          options.signal,
        );
      }
      onEvent({ type: "end", result: results[index] });
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, sessions.length) }, lane));
  // sessions not started because the batch was stopped have no result
  return results.filter((result) => result !== undefined);
}
