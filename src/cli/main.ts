#!/usr/bin/env node
/**
 * The `neuroconv` command line: list formats, print a source's metadata, convert a source to NWB.
 *
 *   neuroconv list
 *   neuroconv metadata <interface> <path>
 *   neuroconv convert <interface> <path> -o out.nwb [--metadata m.yaml] [--overwrite] [--stub-test]
 *                     [--compression gzip|none] [--compression-level N]
 */
import { realpathSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SingleBar } from "cli-progress";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { Conversion } from "../conversion/conversion.js";
import { loadMetadata, metadataToYaml } from "../conversion/metadata/io.js";
import { mergeMetadata } from "../conversion/metadata/merge.js";
import type { Metadata } from "../conversion/metadata/schema.js";
import { withTimeZone } from "../conversion/metadata/timezone.js";
import { findInterface, INTERFACES, pathArgumentOf, sourceDataForPath } from "../interfaces/registry.js";
import { configureAndWriteNwbfile, getDefaultBackendConfiguration } from "../nwb/write/configureAndWrite.js";
import { checkOutputPath } from "../nwb/write/output.js";
import { describeNwbFile } from "./describe.js";

/** Where the command line writes; tests pass their own. */
export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Show a progress bar (default: when stderr is a terminal). */
  readonly progress?: boolean;
}

const defaultIO: CliIO = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  progress: process.stderr.isTTY,
};

function construct(interfaceName: string, path: string): Conversion {
  const entry = findInterface(interfaceName);
  if (!entry) {
    throw new Error(
      `unknown interface '${interfaceName}'; run 'neuroconv list' to see them (e.g. ${INTERFACES.map((i) => i.aliases[0]).join(", ")})`,
    );
  }
  return new entry.cls(sourceDataForPath(entry.cls, path) as never);
}

function level(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 9)
    throw new InvalidArgumentError("must be an integer from 0 to 9");
  return n;
}

async function convert(
  interfaceName: string,
  path: string,
  options: {
    output: string;
    metadata?: string;
    overwrite?: boolean;
    stubTest?: boolean;
    compression: "gzip" | "none";
    compressionLevel?: number;
    timezone?: string;
  },
  io: CliIO,
): Promise<void> {
  await checkOutputPath(options.output, options.overwrite ?? false);
  const conversion = construct(interfaceName, path);
  const userMetadata = options.metadata ? await loadMetadata(options.metadata) : {};
  const metadata: Metadata = mergeMetadata(conversion.getMetadata(), userMetadata);
  if (options.timezone) {
    metadata.NWBFile.session_start_time = withTimeZone(metadata.NWBFile.session_start_time, options.timezone);
  }
  const started = performance.now();
  const nwbfile = await conversion.createNwbfile({ metadata, ...(options.stubTest && { stubTest: true }) });
  const configuration = getDefaultBackendConfiguration(nwbfile, "hdf5");
  for (const dataset of Object.values(configuration.datasetConfigurations)) {
    dataset.compressionMethod = options.compression;
    if (options.compressionLevel !== undefined)
      dataset.compressionOptions = { level: options.compressionLevel };
  }
  const bar = io.progress
    ? new SingleBar({
        format: " writing |{bar}| {percentage}% | {value}/{total} MB | {speed} MB/s | ETA {eta}s",
        hideCursor: true,
      })
    : undefined;
  let barStarted = false;
  await configureAndWriteNwbfile(nwbfile, {
    nwbfilePath: options.output,
    backendConfiguration: configuration,
    ...(options.overwrite && { overwrite: true }),
    onProgress: ({ bytesWritten, totalBytes }) => {
      if (!bar) return;
      const seconds = (performance.now() - started) / 1000;
      const payload = { speed: (bytesWritten / 1e6 / Math.max(seconds, 1e-3)).toFixed(1) };
      if (!barStarted) {
        bar.start(Math.ceil(totalBytes / 1e6), 0, payload);
        barStarted = true;
      }
      bar.update(Math.round(bytesWritten / 1e6), payload);
    },
  });
  if (bar && barStarted) bar.update(bar.getTotal());
  bar?.stop();
  const seconds = (performance.now() - started) / 1000;
  const size = statSync(options.output).size / 1e6;
  io.out(`Wrote ${options.output} (${size.toFixed(1)} MB) in ${seconds.toFixed(1)} s.`);
  io.out(await describeNwbFile(options.output));
}

/** Builds the command-line program (exposed for tests). */
export function buildProgram(io: CliIO = defaultIO): Command {
  const program = new Command("neuroconv")
    .description("Convert neurophysiology data to NWB 2.7.0 files.")
    .option("--verbose", "print the full error (with stack trace) on failure")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command("list")
    .description("list the formats (interfaces) and their aliases")
    .action(() => {
      for (const { cls, aliases } of INTERFACES) {
        const argument = pathArgumentOf(cls) ?? "-";
        io.out(
          `${cls.name.padEnd(32)} ${aliases.join(", ").padEnd(22)} ${argument.padEnd(10)} ${cls.info ?? ""}`,
        );
      }
    });

  program
    .command("metadata")
    .description("print the metadata a source states, as YAML to edit and pass back with --metadata")
    .argument("<interface>", "interface class name or alias (see 'neuroconv list')")
    .argument("<path>", "file or folder to read")
    .action(async (interfaceName: string, path: string) => {
      io.out(metadataToYaml(construct(interfaceName, path).getMetadata()).trimEnd());
    });

  program
    .command("convert")
    .description("convert a source to an NWB file")
    .argument("<interface>", "interface class name or alias (see 'neuroconv list')")
    .argument("<path>", "file or folder to read")
    .requiredOption("-o, --output <file.nwb>", "the NWB file to write")
    .option("--metadata <file>", "YAML or JSON metadata that refines what the source states")
    .option("--overwrite", "replace the output file if it exists")
    .option("--stub-test", "write only a short excerpt of every bulk dataset (a quick preview)")
    .addOption(
      new Option("--compression <method>", "compression of bulk datasets")
        .choices(["gzip", "none"])
        .default("gzip"),
    )
    .option("--compression-level <n>", "gzip level, 0-9 (default 4)", level)
    .option(
      "--timezone <zone>",
      "IANA time zone of the recording (e.g. US/Pacific), for a start time without one",
    )
    .action(async (interfaceName: string, path: string, options) =>
      convert(interfaceName, path, options, io),
    );

  return program;
}

/** Runs the command line; returns the exit code (0 success, 1 failure). */
export async function runCli(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 1;
    }
    const verbose = program.opts().verbose || argv.includes("--verbose");
    io.err(
      verbose && error instanceof Error
        ? (error.stack ?? error.message)
        : `error: ${(error as Error).message}`,
    );
    return 1;
  }
}

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // `neuroconv list | head` closes the pipe early: that is not an error
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  process.exitCode = await runCli(process.argv.slice(2));
}
