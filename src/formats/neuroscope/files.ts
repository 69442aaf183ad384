/**
 * NeuroScope data files, per the NeuroSuite format notes (neurosuite.sourceforge.net/formats.html):
 * `.dat` (wide-band) and `.lfp`/`.eeg` (field potentials) are headerless interleaved samples of every
 * channel of the `.xml`; `.res.N` holds one spike time per line (samples at the wide-band rate) of spike
 * group N, and `.clu.N` the cluster count on its first line, then one cluster number per spike (cluster 0 is
 * noise/artifacts, cluster 1 multi-unit activity, 2 and up single units).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesPerElement } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import { withOpenFile } from "../binary.js";
import { InterleavedFile } from "../interleaved.js";
import type { NeuroScopeSession } from "./session.js";

/** A `.dat`/`.lfp`/`.eeg` file read through the session's channel count and sample type. */
export interface NeuroScopeBinary {
  readonly file: InterleavedFile;
  /** Bytes after the last whole time point (a file cut mid-row); they are not part of `file`. */
  readonly trailingBytes: number;
}

/** Opens a headerless NeuroScope sample file of the session's `nChannels` channels. */
export function openNeuroScopeBinary(path: string, session: NeuroScopeSession): NeuroScopeBinary {
  const size = withOpenFile(path, (_fd, _path, bytes) => bytes);
  const rowBytes = session.nChannels * bytesPerElement(session.dtype);
  const rows = Math.floor(size / rowBytes);
  if (rows === 0) {
    throw new SourceDataError(
      path,
      `holds ${size} bytes, less than one time point of ${session.nChannels} channels × ${session.nBits} bits (${rowBytes} bytes) stated by ${session.path}; is it the file of this session?`,
    );
  }
  return {
    file: new InterleavedFile({
      path,
      dtype: session.dtype,
      numChannels: session.nChannels,
      records: { kind: "contiguous", offset: 0, rows },
    }),
    trailingBytes: size - rows * rowBytes,
  };
}

/** The `.res.N` / `.clu.N` pair of one spike group. */
export interface ClusterFiles {
  /** Spike group number N (1-based, the N-th `<spikeDetection>` group). */
  readonly shank: number;
  readonly resPath: string;
  readonly cluPath: string;
}

/**
 * The `.res.N`/`.clu.N` pairs of a folder, by shank. Their base name need not be the `.xml`'s (sessions
 * merged or re-clustered get their own); when several base names are present, `preferredStem` decides.
 */
export function findClusterFiles(folder: string, preferredStem?: string): ClusterFiles[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    throw new SourceDataError(folder, `cannot be listed (${(error as Error).message})`);
  }
  const present = new Set(names);
  const byStem = new Map<string, ClusterFiles[]>();
  for (const name of names) {
    const match = /^(.+)\.res\.(\d+)$/.exec(name);
    if (!match) continue;
    const [, stem, n] = match;
    const clu = `${stem}.clu.${n}`;
    if (!present.has(clu)) {
      throw new SourceDataError(join(folder, name), `has no ${clu} beside it: every .res.N needs its .clu.N`);
    }
    const list = byStem.get(stem!) ?? [];
    list.push({ shank: Number(n), resPath: join(folder, name), cluPath: join(folder, clu) });
    byStem.set(stem!, list);
  }
  if (byStem.size === 0) {
    throw new SourceDataError(
      folder,
      "holds no .res.N/.clu.N files (NeuroScope/Klusters spike times and clusters)",
    );
  }
  let chosen = [...byStem.values()][0]!;
  if (byStem.size > 1) {
    const preferred = preferredStem === undefined ? undefined : byStem.get(preferredStem);
    if (!preferred) {
      throw new SourceDataError(
        folder,
        `holds .res/.clu files of several sessions (${[...byStem.keys()].join(", ")}); put one session's files in a folder of their own`,
      );
    }
    chosen = preferred;
  }
  return chosen.sort((a, b) => a.shank - b.shank);
}

function integerLines(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, "latin1");
  } catch (error) {
    throw new SourceDataError(path, `cannot be read (${(error as Error).message})`);
  }
  const tokens = text.split(/\s+/).filter((t) => t !== "");
  return tokens.map((token, line) => {
    const value = Number(token);
    if (!Number.isInteger(value) || value < 0) {
      throw new SourceDataError(path, `value ${line + 1} is '${token}', not a non-negative integer`);
    }
    return value;
  });
}

/** The spikes of one shank: sample index and cluster number of each spike. */
export interface ShankSpikes {
  readonly shank: number;
  /** Spike times in samples at the `.dat` rate, in file order. */
  readonly frames: Float64Array;
  readonly clusters: Int32Array;
  /** The cluster count on the `.clu` file's first line. */
  readonly clusterCount: number;
  /**
   * Lines of the longer file of the pair without a partner in the other (a file cut short): the spikes
   * are paired line by line up to the shorter file's end, as Klusters reads them.
   */
  readonly unpaired: { readonly file: string; readonly lines: number } | undefined;
}

/** Reads a `.res.N`/`.clu.N` pair; a `.clu` without its cluster-count line is a SourceDataError. */
export function readShankSpikes(files: ClusterFiles): ShankSpikes {
  const res = integerLines(files.resPath);
  const clu = integerLines(files.cluPath);
  if (clu.length === 0) {
    throw new SourceDataError(files.cluPath, "is empty; its first line must be the number of clusters");
  }
  const paired = Math.min(res.length, clu.length - 1);
  const extra = Math.max(res.length, clu.length - 1) - paired;
  return {
    shank: files.shank,
    frames: Float64Array.from(res.slice(0, paired)),
    clusters: Int32Array.from(clu.slice(1, paired + 1)),
    clusterCount: clu[0]!,
    unpaired:
      extra === 0 ? undefined : { file: res.length > paired ? files.resPath : files.cluPath, lines: extra },
  };
}
