#!/usr/bin/env node
/**
 * The `neuroconv` command line: list formats, print a source's metadata, convert a source to NWB.
 *
 *   neuroconv list
 *   neuroconv metadata <interface> <path> [source flags]
 *   neuroconv convert <interface> <path> -o out.nwb [source flags] [--metadata m.yaml] [--overwrite]
 *                     [--stub-test] [--session-start-time ISO] [--timezone ZONE] [--no-progress]
 *                     [--compression gzip|none] [--compression-level N] [--jobs N]
 *
 * Source flags come from the interface's source schema (`neuroconv convert <interface> --help` lists them).
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { addRunCommand } from "../batch/cli.js";
import type { Conversion } from "../conversion/conversion.js";
import { checkDandiReadiness } from "../conversion/metadata/dandi.js";
import { loadMetadata, metadataToYaml } from "../conversion/metadata/io.js";
import { mergeMetadata } from "../conversion/metadata/merge.js";
import type { Metadata } from "../conversion/metadata/schema.js";
import { attachTimeZone } from "../conversion/metadata/timezone.js";
import { withWarningHandler } from "../conversion/warnings.js";
import { MetadataValidationError, SourceArgumentsError } from "../errors.js";
import {
  findInterface,
  INTERFACES,
  pathArgumentOf,
  type RegisteredInterface,
} from "../interfaces/registry.js";
import { configureAndWriteNwbfile, getDefaultBackendConfiguration } from "../nwb/write/configureAndWrite.js";
import { checkOutputPath } from "../nwb/write/output.js";
import { describeNwbFile } from "./describe.js";
import { type ProgressMode, progressReporter } from "./progress.js";
import { type SourceFlag, sourceDataFromOptions, sourceFlags } from "./sourceOptions.js";
import { unknownInterfaceMessage } from "./suggest.js";

/** Where the command line writes; tests pass their own. */
export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stderr is a terminal: a progress bar there, one line per 10 % otherwise (default: detected). */
  readonly terminal?: boolean;
  /** Aborted on Ctrl-C: the conversion stops and leaves no output. */
  readonly signal?: AbortSignal;
}

const defaultIO: CliIO = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  terminal: process.stderr.isTTY,
};

/** The package's version, from the package.json beside `src/` or `dist/`. */
export function packageVersion(): string {
  const packageJson = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
}

function registered(interfaceName: string): RegisteredInterface {
  const entry = findInterface(interfaceName);
  if (!entry) throw new Error(unknownInterfaceMessage(interfaceName));
  return entry;
}

/** Source arguments from the positional paths and the interface's flags, then the interface itself. */
function construct(
  entry: RegisteredInterface,
  paths: readonly string[],
  flags: readonly SourceFlag[],
  options: Record<string, unknown>,
): Conversion {
  const sourceData = sourceDataFromOptions(flags, options);
  const argument = pathArgumentOf(entry.cls);
  const isList = argument !== undefined && entry.cls.getSourceSchema().properties[argument]?.type === "array";
  if (argument && paths.length > 0) sourceData[argument] = isList ? [...paths] : paths[0];
  if (paths.length > (isList ? Number.POSITIVE_INFINITY : argument ? 1 : 0)) {
    throw new SourceArgumentsError(entry.cls.name, [
      {
        path: argument ?? "paths",
        value: paths,
        message: `takes ${argument ? "one path" : "no path"}; got ${paths.length}: ${paths.join(" ")}`,
      },
    ]);
  }
  return new entry.cls(sourceData as never);
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

function level(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 9)
    throw new InvalidArgumentError("must be an integer from 0 to 9");
  return n;
}

function isoDateTime(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError("must be an ISO 8601 date-time, e.g. 2024-03-01T10:00:00-08:00");
  }
  return value;
}

interface ConvertOptions {
  output: string;
  metadata?: string;
  overwrite?: boolean;
  stubTest?: boolean;
  compression: "gzip" | "none";
  compressionLevel?: number;
  timezone?: string;
  sessionStartTime?: string;
  progress: boolean;
  jobs?: number;
}

/** The source's metadata refined by the metadata file, then by --session-start-time and --timezone. */
async function resolveMetadata(conversion: Conversion, options: ConvertOptions): Promise<Metadata> {
  const userMetadata = options.metadata ? await loadMetadata(options.metadata) : {};
  const metadata: Metadata = mergeMetadata(conversion.getMetadata(), userMetadata);
  if (options.sessionStartTime) metadata.NWBFile.session_start_time = options.sessionStartTime;
  if (options.timezone) {
    const start = metadata.NWBFile.session_start_time;
    if (start === undefined) {
      throw new MetadataValidationError([
        {
          path: "NWBFile.session_start_time",
          value: undefined,
          message: "--timezone: the source records no session start time; give one with --session-start-time",
        },
      ]);
    }
    metadata.NWBFile.session_start_time = attachTimeZone(start, options.timezone);
  }
  return metadata;
}

/** What a DANDI upload still needs, in two lines at most. */
function dandiSummary(metadata: Metadata): string[] {
  const { missing, recommended } = checkDandiReadiness(metadata);
  const lines: string[] = [];
  if (missing.length > 0)
    lines.push(`DANDI upload still needs: ${missing.join("; ")} (set them in --metadata)`);
  if (recommended.length > 0) lines.push(`DANDI recommends: ${recommended.join(", ")}`);
  if (lines.length === 0) lines.push("DANDI: the metadata has everything an upload requires.");
  return lines;
}

async function convert(conversion: Conversion, options: ConvertOptions, io: CliIO): Promise<void> {
  const metadata = await resolveMetadata(conversion, options);
  const started = performance.now();
  const nwbfile = await conversion.createNwbfile({ metadata, ...(options.stubTest && { stubTest: true }) });
  const configuration = getDefaultBackendConfiguration(nwbfile, "hdf5");
  const gzipLevel = options.compressionLevel;
  for (const dataset of Object.values(configuration.datasetConfigurations)) {
    if (options.compression === "none") dataset.filters = [];
    else if (gzipLevel !== undefined) {
      dataset.filters = dataset.filters.map((f) =>
        f.codec === "gzip" ? { ...f, options: { level: gzipLevel } } : f,
      );
    }
  }
  const mode: ProgressMode = !options.progress ? "off" : io.terminal ? "bar" : "lines";
  const progress = progressReporter(mode, io.err);
  await configureAndWriteNwbfile(nwbfile, {
    nwbfilePath: options.output,
    backendConfiguration: configuration,
    ...(options.overwrite && { overwrite: true }),
    ...(options.jobs !== undefined && { jobs: options.jobs }),
    ...(io.signal && { signal: io.signal }),
    onProgress: ({ bytesWritten, totalBytes }) => progress.update(bytesWritten, totalBytes),
  }).catch((error: unknown) => {
    progress.stop();
    if (!io.signal?.aborted) throw error;
    throw new Error(`${(error as Error).message}; nothing was written to ${options.output}`);
  });
  progress.finish();
  const seconds = (performance.now() - started) / 1000;
  const size = statSync(options.output).size / 1e6;
  io.out(`Wrote ${options.output} (${size.toFixed(1)} MB) in ${seconds.toFixed(1)} s.`);
  io.out(await describeNwbFile(options.output));
  for (const line of dandiSummary(metadata)) io.out(line);
}

/**
 * The interface named on the command line (`convert <interface>` / `metadata <interface>`), if known: the
 * command's first operand, so that options given before it (`convert --overwrite -o x.nwb tiff ...`) are
 * skipped together with their values. Which options take a value is read from the command itself.
 */
function interfaceInArguments(argv: readonly string[]): RegisteredInterface | undefined {
  const at = argv.findIndex((a) => a === "convert" || a === "metadata");
  if (at < 0) return undefined;
  const command = buildProgram(defaultIO).commands.find((c) => c.name() === argv[at]);
  const takesValue = new Set(
    (command?.options ?? []).filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]),
  );
  for (let i = at + 1; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith("-")) return findInterface(token);
    if (takesValue.has(token)) i++;
  }
  return undefined;
}

/** Adds the interface's source flags to a command; returns them. */
function addSourceFlags(command: Command, entry: RegisteredInterface | undefined): SourceFlag[] {
  if (!entry) return [];
  const flags = sourceFlags(entry.cls.getSourceSchema(), pathArgumentOf(entry.cls));
  for (const { option } of flags) command.addOption(option.helpGroup(`${entry.cls.name} source arguments:`));
  return flags;
}

/** A table with a header, every column as wide as its widest cell. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

/**
 * Builds the command-line program (exposed for tests). `argv` lets `convert <interface>` offer that
 * interface's source flags.
 */
export function buildProgram(io: CliIO = defaultIO, argv: readonly string[] = []): Command {
  const entry = interfaceInArguments(argv);
  const program = new Command("neuroconv")
    .description("Convert neurophysiology data to NWB 2.7.0 files.")
    .version(packageVersion(), "-V, --version", "print the version")
    .option("--verbose", "print the full error (with stack trace) on failure")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command("list")
    .description("list the formats (interfaces), their aliases and what the path argument is")
    .action(() => {
      const rows = INTERFACES.map(({ cls, aliases }) => [
        cls.name,
        aliases.join(", "),
        pathArgumentOf(cls) ?? "-",
        cls.info ?? "",
      ]);
      for (const line of table([["INTERFACE", "ALIASES", "PATH", "CONVERTS"], ...rows])) io.out(line);
    });

  const metadataCommand = program
    .command("metadata")
    .description("print the metadata a source states, as YAML to edit and pass back with --metadata")
    .argument("<interface>", "interface class name or alias (see 'neuroconv list')")
    .argument("[paths...]", "file or folder to read");
  const metadataFlags = addSourceFlags(metadataCommand, entry);
  metadataCommand.action(async (interfaceName: string, paths: string[], options: Record<string, unknown>) => {
    const conversion = construct(registered(interfaceName), paths, metadataFlags, options);
    io.out(metadataToYaml(conversion.getMetadata()).trimEnd());
  });

  const convertCommand = program
    .command("convert")
    .description(
      "convert a source to an NWB file; 'neuroconv convert <interface> --help' also lists its source flags",
    )
    .argument("<interface>", "interface class name or alias (see 'neuroconv list')")
    .argument("[paths...]", "file or folder to read (fills filePath, folderPath or filePaths)")
    .requiredOption("-o, --output <file.nwb>", "the NWB file to write")
    .option("--metadata <file>", "YAML or JSON metadata that refines what the source states")
    .option("--overwrite", "replace the output file if it exists")
    .option("--stub-test", "write only a short excerpt of every bulk dataset (a quick preview)")
    .option(
      "--session-start-time <iso>",
      "session start time, ISO 8601 (e.g. 2024-03-01T10:00:00-08:00); overrides the source and --metadata",
      isoDateTime,
    )
    .option(
      "--timezone <zone>",
      "IANA time zone of a start time written without one (e.g. US/Pacific); an error if it has another offset",
    )
    .addOption(
      new Option("--compression <method>", "compression of bulk datasets")
        .choices(["gzip", "none"])
        .default("gzip"),
    )
    .option("--compression-level <n>", "gzip level, 0-9 (default 4)", level)
    .option("--jobs <n>", "chunks compressed at once (default: one per core)", positiveInteger)
    .option("--no-progress", "no progress bar or progress lines");
  const convertFlags = addSourceFlags(convertCommand, entry);
  convertCommand.action(async (interfaceName: string, paths: string[], options: ConvertOptions) => {
    const chosen = registered(interfaceName);
    await checkOutputPath(options.output, options.overwrite ?? false);
    const conversion = construct(chosen, paths, convertFlags, options as unknown as Record<string, unknown>);
    await convert(conversion, options, io);
  });

  addRunCommand(program, io, table);

  return program;
}

/**
 * An error message with each source argument the interface's flags set also named as its flag
 * ("choose one with streamName (--stream-name)"), so command-line users know what to type.
 */
function withFlagNames(message: string, entry: RegisteredInterface | undefined): string {
  if (!entry) return message;
  let text = message;
  for (const { property, option } of sourceFlags(entry.cls.getSourceSchema(), pathArgumentOf(entry.cls))) {
    // option.long, not the flag: a boolean that defaults to true is given as --no-<flag>
    text = text.replace(new RegExp(`\\b${property}\\b(?! \\(--)`, "g"), `${property} (${option.long})`);
  }
  return text;
}

/** One line per warning, whitespace collapsed, each distinct warning once. */
function warningPrinter(io: CliIO): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    const line = message.replace(/\s+/g, " ").trim();
    if (seen.has(line)) return;
    seen.add(line);
    io.err(`warning: ${line}`);
  };
}

/** Runs the command line; returns the exit code (0 success, 1 failure). */
export async function runCli(givenArgv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  // NeuroConv's form, `neuroconv spec.yml --data-folder-path ...`, is `neuroconv run spec.yml ...`
  const argv = /\.(ya?ml|json)$/i.test(givenArgv[0] ?? "") ? ["run", ...givenArgv] : givenArgv;
  const program = buildProgram(io, argv);
  try {
    await withWarningHandler(warningPrinter(io), () => program.parseAsync([...argv], { from: "user" }));
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 1;
    }
    const verbose = program.opts().verbose || argv.includes("--verbose");
    io.err(
      verbose && error instanceof Error
        ? (error.stack ?? error.message)
        : `error: ${withFlagNames((error as Error).message, interfaceInArguments(argv))}`,
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
  // deflate runs on libuv's thread pool (4 threads unless set before first use): one per core, plus I/O
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));
  // Ctrl-C or a termination request stops the write, which removes its partial output; a second one quits
  const interrupt = new AbortController();
  let signalCode: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalCode !== undefined) process.exit(signalCode);
    signalCode = signal === "SIGINT" ? 130 : 143;
    interrupt.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await runCli(process.argv.slice(2), { ...defaultIO, signal: interrupt.signal });
  process.exitCode = signalCode ?? code;
}
