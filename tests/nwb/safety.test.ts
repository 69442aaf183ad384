/**
 * A conversion that fails or is killed mid-way leaves nothing at its destination: a full disk (a sink that
 * throws), an abort signal, Ctrl-C on the command line, and a process killed outright.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type ChunkSource,
  configureAndWriteNwbfile,
  createHdf5Engine,
  getDefaultBackendConfiguration,
  isNeuroconvError,
  NWBFile,
  TimeSeries,
} from "../../src/index.js";
import { createFileSink } from "../../src/storage/sink.js";
import { writeSpikeGLXRun } from "../../src/testing/index.js";

const ROWS = 200_000;
const COLS = 16;

function fileWithSeries(): NWBFile {
  const nwbfile = new NWBFile({ session_description: "safety", session_start_time: "2024-01-01T12:00:00Z" });
  const source: ChunkSource = {
    dtype: "int16",
    shape: [ROWS, COLS],
    // noise (a multiplicative hash), so the file is several MB after compression
    readRows: (start, end) =>
      Int16Array.from(
        { length: (end - start) * COLS },
        (_, i) => Math.imul(start * COLS + i, 0x9e3779b1) >> 16,
      ),
  };
  nwbfile.addAcquisition(new TimeSeries({ name: "ts", data: source, unit: "V", rate: 1000 }));
  return nwbfile;
}

describe("a failing write leaves nothing at the destination", () => {
  it("a full disk: the sink throws part-way; the error names the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-full-"));
    const path = join(dir, "session.nwb");
    let writes = 0;
    const fullDisk = createHdf5Engine({
      async openSink(temporaryPath) {
        const sink = await createFileSink(temporaryPath);
        return {
          name: sink.name,
          async write(position, bytes) {
            if (writes === 3) {
              throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
            }
            writes++;
            await sink.write(position, bytes);
          },
          close: () => sink.close(),
          abort: () => sink.abort(),
        };
      },
    });
    const nwbfile = fileWithSeries();
    const configuration = getDefaultBackendConfiguration(nwbfile);
    const ts = configuration.datasetConfigurations["acquisition/ts/data"]!;
    ts.chunkShape = [10_000, COLS];
    ts.bufferShape = [50_000, COLS];
    const error: unknown = await configureAndWriteNwbfile(nwbfile, {
      nwbfilePath: path,
      backend: fullDisk,
      backendConfiguration: configuration,
      jobs: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isNeuroconvError(error, "StorageError")).toBe(true);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain("no space left on device");
    expect(writes).toBe(3); // it failed part-way, after three chunks
    expect(readdirSync(dir)).toEqual([]);
  });

  it("an abort signal stops the write and removes the partial file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-abort-"));
    const path = join(dir, "session.nwb");
    const controller = new AbortController();
    const write = configureAndWriteNwbfile(fileWithSeries(), {
      nwbfilePath: path,
      signal: controller.signal,
      onProgress: ({ bytesWritten }) => {
        if (bytesWritten > 0) controller.abort(new Error("stop"));
      },
    });
    await expect(write).rejects.toThrow("stop");
    expect(readdirSync(dir)).toEqual([]);
  });
});

/** Starts `neuroconv convert` on a generated SpikeGLX run; resolves once its temporary output exists. */
async function startConversion(
  dir: string,
): Promise<{ child: ChildProcess; output: string; stderr: () => string }> {
  const run = writeSpikeGLXRun(dir, { runName: "kill", seconds: 6, withLf: false, withNidq: false });
  const output = join(dir, "out.nwb");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      resolve("src/cli/main.ts"),
      "convert",
      "spikeglx",
      run.files["imec0.ap"]!,
      "-o",
      output,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TZ: "UTC" } },
  );
  let stderr = "";
  child.stderr!.on("data", (text) => {
    stderr += text;
  });
  const deadline = Date.now() + 100_000;
  while (!readdirSync(dir).some((f) => f.endsWith(".tmp"))) {
    if (child.exitCode !== null) throw new Error(`the conversion ended before writing: ${stderr}`);
    if (Date.now() > deadline) throw new Error("the conversion did not start writing");
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output, stderr: () => stderr };
}

const exited = (child: ChildProcess) =>
  new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.on("exit", (code, signal) => r([code, signal])),
  );

describe("a conversion stopped mid-way leaves nothing at the destination", () => {
  it("killed outright (SIGKILL): the destination never appears", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-kill-"));
    const { child, output } = await startConversion(dir);
    const done = exited(child);
    child.kill("SIGKILL");
    expect((await done)[1]).toBe("SIGKILL");
    expect(existsSync(output)).toBe(false);
  });

  it("Ctrl-C (SIGINT): the command stops, removes its partial file, exits 130 and names the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-int-"));
    const { child, output, stderr } = await startConversion(dir);
    const done = exited(child);
    child.kill("SIGINT");
    expect((await done)[0]).toBe(130);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp") || f.endsWith(".nwb"))).toEqual([]);
    expect(stderr()).toContain(`interrupted by SIGINT; nothing was written to ${output}`);
  });
});
