/**
 * Finding the streams of a SpikeGLX run. SpikeGLX writes `<run>_g<gate>/` holding the NI-DAQ files
 * `<run>_g<gate>_t<trigger>.nidq.{bin,meta}` and one folder per probe, `<run>_g<gate>_imec<N>/`, holding
 * `<run>_g<gate>_t<trigger>.imec<N>.{ap,lf}.{bin,meta}` (CatGT writes `_tcat`; Phase 3A files are
 * `<name>.imec.{ap,lf}.bin`). Folders are searched recursively, so a parent of several runs works too.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SourceDataError } from "../../errors.js";
import type { SpikeGLXStreamKind } from "./recording.js";

/** One stream file found in a run folder. */
export interface SpikeGLXStreamFile {
  /** `imec0.ap`, `imec0.lf`, `nidq`, ... */
  readonly streamId: string;
  readonly kind: SpikeGLXStreamKind;
  /** N of `imecN` (0 for Phase 3A `.imec.` files); undefined for nidq. */
  readonly probeIndex: number | undefined;
  /** Run name (file name before `_g<gate>`), or the whole stem when the name has no gate/trigger. */
  readonly runName: string;
  readonly gate: number | undefined;
  /** Trigger index, or "cat" for CatGT-concatenated files. */
  readonly trigger: number | "cat" | undefined;
  readonly binPath: string;
  readonly metaPath: string;
}

const STREAM_FILE =
  /^(?<run>.+?)(?:_g(?<gate>\d+)_t(?<trigger>\d+|cat))?\.(?:imec(?<probe>\d*)\.(?<band>ap|lf)|(?<nidq>nidq))\.bin$/i;

/** Deepest folder level searched below the given folder; SpikeGLX layouts are two levels deep. */
const MAX_DEPTH = 6;

/**
 * Every SpikeGLX stream under `folderPath` (the folder itself and its sub-folders), sorted by stream id,
 * gate and trigger. Files of several gates/triggers of one stream share the stream id.
 */
export function getSpikeGLXStreams(folderPath: string): SpikeGLXStreamFile[] {
  try {
    if (!statSync(folderPath).isDirectory()) {
      throw new SourceDataError(folderPath, "is not a folder; pass the SpikeGLX run folder (e.g. myrun_g0)");
    }
  } catch (error) {
    if (error instanceof SourceDataError) throw error;
    throw new SourceDataError(folderPath, `cannot open the folder (${(error as Error).message})`);
  }
  const found: SpikeGLXStreamFile[] = [];
  walk(folderPath, 0, found);
  return found.sort(
    (a, b) =>
      compareStreamIds(a.streamId, b.streamId) ||
      (a.gate ?? -1) - (b.gate ?? -1) ||
      triggerOrder(a.trigger) - triggerOrder(b.trigger) ||
      a.binPath.localeCompare(b.binPath),
  );
}

function walk(folder: string, depth: number, found: SpikeGLXStreamFile[]): void {
  const entries = readdirSync(folder, { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH) walk(path, depth + 1, found);
      continue;
    }
    const match = STREAM_FILE.exec(entry.name);
    if (!match?.groups) continue;
    const { run, gate, trigger, probe, band, nidq } = match.groups;
    const metaName = entry.name.replace(/\.bin$/i, ".meta");
    const metaMatch = [...names].find((n) => n.toLowerCase() === metaName.toLowerCase());
    if (!metaMatch) {
      throw new SourceDataError(
        path,
        `no metadata file beside it (expected ${metaName}); SpikeGLX writes a .meta with every .bin: copy it into the same folder`,
      );
    }
    const probeIndex = nidq ? undefined : Number(probe || 0);
    const kind: SpikeGLXStreamKind = nidq ? "nidq" : (band!.toLowerCase() as "ap" | "lf");
    found.push({
      streamId: nidq ? "nidq" : `imec${probeIndex}.${kind}`,
      kind,
      probeIndex,
      runName: run!,
      gate: gate === undefined ? undefined : Number(gate),
      trigger: trigger === undefined ? undefined : trigger.toLowerCase() === "cat" ? "cat" : Number(trigger),
      binPath: path,
      metaPath: join(folder, metaMatch),
    });
  }
}

/** imec streams by probe index then band (ap before lf), nidq last. */
function compareStreamIds(a: string, b: string): number {
  const key = (id: string): [number, string] => {
    const match = /^imec(\d+)\.(\w+)$/.exec(id);
    return match ? [Number(match[1]), match[2]!] : [Number.MAX_SAFE_INTEGER, id];
  };
  const [pa, ba] = key(a);
  const [pb, bb] = key(b);
  return pa - pb || ba.localeCompare(bb);
}

function triggerOrder(trigger: number | "cat" | undefined): number {
  return trigger === undefined ? -1 : trigger === "cat" ? Number.MAX_SAFE_INTEGER : trigger;
}
