/**
 * SLEAP labels and predictions (`.slp`, HDF5), as written by SLEAP and sleap-io: the `metadata` group's `json`
 * attribute (skeletons in networkx node-link form, whose node ids index the global `nodes` list, and the
 * provenance) and `format_id`; `videos_json` and `tracks_json` (one JSON text per video / track); compound
 * tables `frames` (video, frame_idx, instance range), `instances` (type 0 user / 1 predicted, track or -1,
 * skeleton, score, point range) and `points` / `pred_points` (x, y, visible, complete [, score]).
 * Format ids below 1.1 put (0, 0) at a pixel's corner; sleap-io moves such points by -0.5 to the
 * pixel-centre convention of later files, and so do we.
 */
import { SourceDataError } from "../../errors.js";
import { hdf5Backend } from "../../storage/hdf5/index.js";
import type { StorageReader } from "../../storage/types.js";
import { readSleapAnalysis } from "./analysis.js";

/** A skeleton: node names in the order of each instance's points, and its edges (node index pairs). */
export interface SleapSkeleton {
  readonly name: string;
  readonly nodes: readonly string[];
  readonly edges: readonly (readonly [number, number])[];
}

/** The poses of one animal (track) in one video: one row per frame the animal was found in. */
export interface SleapAnimal {
  /** The track's name; undefined for the instances of a file without tracks. */
  readonly track?: string;
  readonly video: number;
  readonly skeleton: number;
  /** Frame index in the video of each row, ascending. */
  readonly frames: readonly number[];
  /** Per node: (rows, 2) x, y row-major in pixels; NaN where the point is not visible. */
  readonly coordinates: readonly Float64Array[];
  /** Per node: the point's score per row (NaN for user-labelled instances, which have none). */
  readonly scores: readonly Float64Array[];
  /** Rows whose instance was labelled by a user rather than predicted. */
  readonly userLabelledRows: number;
}

/** What an `.slp` file holds, grouped per animal. */
export interface SleapLabels {
  readonly path: string;
  /** The .slp format id (NaN for an analysis export). */
  readonly formatId: number;
  readonly sleapVersion?: string;
  readonly skeletons: readonly SleapSkeleton[];
  /** The video of each index, as the file names it (path at labelling time). */
  readonly videos: readonly string[];
  readonly tracks: readonly string[];
  readonly animals: readonly SleapAnimal[];
  /** Instances left out: untracked ones in a tracked file, and second instances of an animal in a frame. */
  readonly leftOut: { readonly untracked: number; readonly duplicates: number };
}

/** Rows of a compound table read at a time (bounded memory on long recordings). */
const BLOCK_ROWS = 1 << 16;

type Row = Record<string, number | bigint | boolean>;

function* rowsOf(file: StorageReader, path: string): Generator<Row> {
  const [count] = file.datasetInfo(path).shape;
  for (let start = 0; start < count!; start += BLOCK_ROWS) {
    const rows = file.readDataset(path, [start, Math.min(count!, start + BLOCK_ROWS)]) as unknown as Row[];
    yield* rows;
  }
}

const num = (value: number | bigint | boolean | undefined) => Number(value);

function textsOf(file: StorageReader, path: string): string[] {
  if (file.kind(path) !== "dataset") return [];
  const values = file.readDataset(path) as unknown;
  const list =
    Array.isArray(values) || ArrayBuffer.isView(values) ? Array.from(values as ArrayLike<unknown>) : [values];
  return list.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
}

/** Skeletons from the metadata JSON: node order from each skeleton's node list, body edges only (type 1). */
function skeletonsOf(metadata: Record<string, unknown>, path: string): SleapSkeleton[] {
  const names = ((metadata.nodes ?? []) as { name: string }[]).map((n) => n.name);
  const skeletons = (metadata.skeletons ?? []) as {
    graph?: { name?: string };
    nodes: { id: number }[];
    links: { source: number; target: number; type?: Record<string, unknown> }[];
  }[];
  // jsonpickle writes the edge type once ({"py/reduce": [..., {"py/tuple": [type]}]}) and then refers back to
  // it ({"py/id": k}, the k-th object it pickled): keep the types in the order they appear.
  const seenTypes: number[] = [];
  const edgeType = (type: Record<string, unknown> | undefined): number => {
    const reduce = type?.["py/reduce"] as [unknown, { "py/tuple": number[] }] | undefined;
    if (reduce) {
      const value = reduce[1]["py/tuple"][0]!;
      seenTypes.push(value);
      return value;
    }
    const id = type?.["py/id"] as number | undefined;
    return id === undefined ? 1 : (seenTypes[id - 1] ?? id);
  };
  return skeletons.map((skeleton, k) => {
    const ids = skeleton.nodes.map((n) => (typeof n === "number" ? n : n.id));
    const nodes = ids.map((id) => {
      const name = names[id];
      if (name === undefined)
        throw new SourceDataError(path, `skeleton ${k} names node ${id}, which is not in the node list`);
      return name;
    });
    const edges: [number, number][] = [];
    for (const link of skeleton.links) {
      if (edgeType(link.type) === 1) edges.push([ids.indexOf(link.source), ids.indexOf(link.target)]);
    }
    return { name: skeleton.graph?.name ?? `Skeleton${k}`, nodes, edges };
  });
}

/**
 * Reads a SLEAP `.slp` file: skeletons, videos, tracks and the poses of every animal (instances grouped by
 * track and video; in a file without tracks, one animal per video). A user-labelled instance wins over a
 * prediction of the same animal in the same frame. An analysis export (`*.analysis.h5`) is read too (see
 * `analysis.ts`): one animal per track, rows for the frames the track occupies.
 *
 * @example
 * ```ts
 * const labels = await readSleapFile("clip.predictions.slp");
 * labels.animals.map((a) => a.track); // ["female", "male"]
 * ```
 */
export async function readSleapFile(path: string): Promise<SleapLabels> {
  let file: StorageReader;
  try {
    file = await hdf5Backend.open(path);
  } catch (error) {
    throw new SourceDataError(path, `cannot open the SLEAP file as HDF5 (${(error as Error).message})`);
  }
  try {
    if (file.kind("/tracks") === "dataset" && file.kind("/instances") === undefined) {
      return readSleapAnalysis(file, path);
    }
    for (const required of ["metadata", "frames", "instances", "pred_points"]) {
      if (file.kind(`/${required}`) === undefined) {
        throw new SourceDataError(
          path,
          `has no '${required}': neither a SLEAP .slp file nor an analysis export ('tracks')`,
        );
      }
    }
    const formatId = Number(file.getAttribute("/metadata", "format_id") ?? 1);
    const metadata = JSON.parse(String(file.getAttribute("/metadata", "json") ?? "{}")) as Record<
      string,
      unknown
    >;
    const skeletons = skeletonsOf(metadata, path);
    const videos = textsOf(file, "/videos_json").map((text) => {
      const video = JSON.parse(text) as { backend?: { filename?: string }; filename?: string };
      return video.backend?.filename ?? video.filename ?? "";
    });
    const tracks = textsOf(file, "/tracks_json").map((text) => String((JSON.parse(text) as unknown[])[1]));
    const shift = formatId < 1.1 ? -0.5 : 0;
    const frameOf = new Map<number, { video: number; frame: number }>();
    for (const row of rowsOf(file, "/frames")) {
      frameOf.set(num(row.frame_id), { video: num(row.video), frame: num(row.frame_idx) });
    }
    // Pick each animal's instance per frame, then read the points of the picked ones.
    interface Pick {
      user: boolean;
      score: number;
      start: number;
      end: number;
      skeleton: number;
    }
    const byAnimal = new Map<
      string,
      { track?: string; video: number; skeleton: number; frames: Map<number, Pick> }
    >();
    let untracked = 0;
    let duplicates = 0;
    for (const row of rowsOf(file, "/instances")) {
      const track = num(row.track);
      if (track < 0 && tracks.length > 0) {
        untracked++;
        continue;
      }
      const at = frameOf.get(num(row.frame_id));
      if (!at)
        throw new SourceDataError(
          path,
          `instance ${num(row.instance_id)} is in frame ${num(row.frame_id)}, which 'frames' lacks`,
        );
      const key = `${at.video}/${track}`;
      let animal = byAnimal.get(key);
      if (!animal) {
        animal = {
          ...(track >= 0 && { track: tracks[track] ?? `track_${track}` }),
          video: at.video,
          skeleton: num(row.skeleton),
          frames: new Map(),
        };
        byAnimal.set(key, animal);
      }
      if (num(row.skeleton) !== animal.skeleton) {
        throw new SourceDataError(
          path,
          `track ${animal.track ?? "(none)"} uses skeletons ${animal.skeleton} and ${num(row.skeleton)}; one skeleton per animal is supported`,
        );
      }
      const pick: Pick = {
        user: num(row.instance_type) === 0,
        score: num(row.score),
        start: num(row.point_id_start),
        end: num(row.point_id_end),
        skeleton: num(row.skeleton),
      };
      const previous = animal.frames.get(at.frame);
      if (previous) {
        duplicates++;
        const better = pick.user !== previous.user ? pick.user : pick.score > previous.score;
        if (!better) continue;
      }
      animal.frames.set(at.frame, pick);
    }
    const userPoints = file.kind("/points") === "dataset" ? [...rowsOf(file, "/points")] : [];
    const predictedPoints = [...rowsOf(file, "/pred_points")];
    const animals: SleapAnimal[] = [...byAnimal.values()].map((animal) => {
      const frames = [...animal.frames.keys()].sort((a, b) => a - b);
      const nodeCount = skeletons[animal.skeleton]?.nodes.length ?? 0;
      const coordinates = Array.from({ length: nodeCount }, () =>
        new Float64Array(frames.length * 2).fill(Number.NaN),
      );
      const scores = Array.from({ length: nodeCount }, () =>
        new Float64Array(frames.length).fill(Number.NaN),
      );
      let userLabelledRows = 0;
      frames.forEach((frame, row) => {
        const pick = animal.frames.get(frame)!;
        if (pick.user) userLabelledRows++;
        const source = pick.user ? userPoints : predictedPoints;
        if (pick.end - pick.start !== nodeCount || pick.end > source.length) {
          throw new SourceDataError(
            path,
            `an instance in frame ${frame} has points ${pick.start}-${pick.end}, not the ${nodeCount} of its skeleton`,
          );
        }
        for (let node = 0; node < nodeCount; node++) {
          const point = source[pick.start + node]!;
          if (point.visible === false || point.visible === 0) continue;
          coordinates[node]![2 * row] = num(point.x) + shift;
          coordinates[node]![2 * row + 1] = num(point.y) + shift;
          if (!pick.user) scores[node]![row] = num(point.score);
        }
      });
      return {
        ...(animal.track !== undefined && { track: animal.track }),
        video: animal.video,
        skeleton: animal.skeleton,
        frames,
        coordinates,
        scores,
        userLabelledRows,
      };
    });
    const provenance = metadata.provenance as { sleap_version?: string } | undefined;
    return {
      path,
      formatId,
      ...(provenance?.sleap_version && { sleapVersion: provenance.sleap_version }),
      skeletons,
      videos,
      tracks,
      animals: animals.sort((a, b) => a.video - b.video || (a.track ?? "").localeCompare(b.track ?? "")),
      leftOut: { untracked, duplicates },
    };
  } finally {
    file.close();
  }
}
