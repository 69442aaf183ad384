/**
 * The `run` command: a conversion specification converted session by session in parallel, with one line per
 * session event and a final table (status, time, size, error).
 */
import { type Command, InvalidArgumentError } from "commander";
import { type BatchOptions, runConversionFromYaml, type SessionResult } from "./runner.js";

interface RunOptions {
  dataFolderPath?: string;
  outputFolderPath: string;
  overwrite?: boolean;
  jobs?: number;
  dryRun?: boolean;
  shard?: { index: number; count: number };
}

function shard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new InvalidArgumentError(
      "must be i/n with 0 <= i < n, e.g. 0/4 ($SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)",
    );
  }
  return { index, count };
}

function jobCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

function size(bytes: number | undefined): string {
  return bytes === undefined ? "-" : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Rows of the final table. */
export function resultTable(results: readonly SessionResult[], dryRun: boolean): string[][] {
  return [
    dryRun
      ? ["SESSION", "STATUS", "OUTPUT", "BULK DATA (RAW)", "DANDI WOULD REJECT / ERROR"]
      : ["SESSION", "STATUS", "TIME", "SIZE", "ERROR"],
    ...results.map((r) =>
      dryRun
        ? [
            r.session,
            r.status,
            r.outputPath,
            `${r.datasets?.length ?? 0} datasets, ${size(r.bytes)}`,
            r.error ?? (r.dandiMissing?.length ? `missing ${r.dandiMissing.join("; ")}` : "ready"),
          ]
        : [
            r.session,
            r.status,
            `${r.seconds.toFixed(1)} s`,
            size(r.bytes),
            (r.error ?? "").replace(/\s+/g, " "),
          ],
    ),
  ];
}

/** Adds `run <specification>` to the program; `table` formats rows, `fail` marks the exit code. */
export function addRunCommand(
  program: Command,
  io: { out: (text: string) => void; err: (text: string) => void; signal?: AbortSignal },
  table: (rows: readonly (readonly string[])[]) => string[],
): void {
  program
    .command("run")
    .description(
      "convert every session of a conversion specification (NeuroConv's YAML layout, plus 'expand')",
    )
    .argument("<specification>", "YAML or JSON conversion specification")
    .option(
      "--data-folder-path <folder>",
      "folder relative source paths start from (default: the specification's folder)",
    )
    .requiredOption("--output-folder-path <folder>", "folder the NWB files are written to")
    .option("--overwrite", "replace existing outputs (default: skip their sessions, so a re-run resumes)")
    .option(
      "--jobs <n>",
      "sessions converted at once, each in its own process (default: one per core)",
      jobCount,
    )
    .option("--dry-run", "build every session from headers only; list outputs and what DANDI would reject")
    .option("--shard <i/n>", "run only the i-th of n slices of the sessions (i from 0)", shard)
    .action(async (specificationPath: string, options: RunOptions) => {
      const batch: BatchOptions = {
        specificationPath,
        outputFolderPath: options.outputFolderPath,
        ...(options.dataFolderPath && { dataFolderPath: options.dataFolderPath }),
        ...(options.overwrite && { overwrite: true }),
        ...(options.jobs !== undefined && { jobs: options.jobs }),
        ...(options.dryRun && { dryRun: true }),
        ...(options.shard && { shard: options.shard }),
        ...(io.signal && { signal: io.signal }),
        onEvent: (event) => {
          if (event.type === "start") io.err(`${event.session}: started`);
          else if (event.type === "progress")
            io.err(`${event.session}: ${Math.round(event.fraction * 100)} %`);
          else if (event.type === "warning")
            io.err(`${event.session}: warning: ${event.message.replace(/\s+/g, " ")}`);
          else io.err(`${event.result.session}: ${event.result.status}`);
        },
      };
      const results = await runConversionFromYaml(batch);
      for (const line of table(resultTable(results, options.dryRun ?? false))) io.out(line);
      if (io.signal?.aborted)
        throw new Error(`stopped: ${results.length} session(s) reported above; re-run to resume`);
      const failed = results.filter((r) => r.status === "failed").length;
      if (failed > 0)
        throw new Error(`${failed} of ${results.length} session${results.length === 1 ? "" : "s"} failed`);
    });
}
