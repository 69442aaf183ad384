/**
 * SLEAP's analysis export (`*.analysis.h5`, "Export Analysis HDF5"): dense arrays over every frame of one
 * video, stored transposed for MATLAB: `tracks` (tracks, 2, nodes, frames), `track_occupancy` (frames, tracks),
 * `node_names`, `track_names`, and in later versions `point_scores` (tracks, nodes, frames), `edge_inds`
 * (edges, 2), `video_path` and `provenance`.
 */
import { SourceDataError } from "../../errors.js";
import type { StorageReader } from "../../storage/types.js";
import type { SleapAnimal, SleapLabels } from "./slp.js";

function texts(file: StorageReader, path: string): string[] {
  if (file.kind(path) !== "dataset") return [];
  const value = file.readDataset(path) as unknown;
  const list =
    Array.isArray(value) || ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<unknown>) : [value];
  return list.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
}

function numbers(
  file: StorageReader,
  path: string,
): { values: ArrayLike<number>; shape: number[] } | undefined {
  if (file.kind(path) !== "dataset") return undefined;
  const values = file.readDataset(path) as unknown as ArrayLike<number | bigint>;
  return { values: Array.from(values, Number), shape: file.datasetInfo(path).shape };
}

/** Reads an open SLEAP analysis file into the same labels an `.slp` gives (one animal per track). */
export function readSleapAnalysis(file: StorageReader, path: string): SleapLabels {
  const tracks = numbers(file, "/tracks");
  if (tracks?.shape.length !== 4 || tracks.shape[1] !== 2) {
    throw new SourceDataError(
      path,
      "'tracks' is not a (tracks, 2, nodes, frames) array: not a SLEAP analysis file",
    );
  }
  const [trackCount, , nodeCount, frameCount] = tracks.shape as [number, number, number, number];
  const nodes = texts(file, "/node_names");
  if (nodes.length !== nodeCount) {
    throw new SourceDataError(path, `${nodes.length} node_names for ${nodeCount} nodes in 'tracks'`);
  }
  const names = texts(file, "/track_names");
  const occupancy = numbers(file, "/track_occupancy");
  // (frames, tracks) as SLEAP writes it; (tracks, frames) if a writer did not transpose
  const occupied = (track: number, frame: number) =>
    !occupancy ||
    (occupancy.shape[0] === frameCount
      ? occupancy.values[frame * trackCount + track]
      : occupancy.values[track * frameCount + frame]) !== 0;
  const scores = numbers(file, "/point_scores");
  const edgeIndices = numbers(file, "/edge_inds");
  const edges: [number, number][] = [];
  for (let e = 0; edgeIndices && e + 1 < edgeIndices.values.length; e += 2) {
    edges.push([edgeIndices.values[e]!, edgeIndices.values[e + 1]!]);
  }
  const at = (track: number, axis: number, node: number, frame: number) =>
    tracks.values[((track * 2 + axis) * nodeCount + node) * frameCount + frame]!;
  const animals: SleapAnimal[] = [];
  for (let track = 0; track < trackCount; track++) {
    const frames: number[] = [];
    for (let frame = 0; frame < frameCount; frame++) if (occupied(track, frame)) frames.push(frame);
    const coordinates = Array.from({ length: nodeCount }, (_, node) => {
      const xy = new Float64Array(frames.length * 2);
      frames.forEach((frame, row) => {
        xy[2 * row] = at(track, 0, node, frame);
        xy[2 * row + 1] = at(track, 1, node, frame);
      });
      return xy;
    });
    const pointScores = Array.from({ length: nodeCount }, (_, node) =>
      Float64Array.from(frames, (frame) =>
        scores ? scores.values[(track * nodeCount + node) * frameCount + frame]! : Number.NaN,
      ),
    );
    animals.push({
      ...(trackCount > 1 || names.length > 0 ? { track: names[track] ?? `track_${track}` } : {}),
      video: 0,
      skeleton: 0,
      frames,
      coordinates,
      scores: pointScores,
      userLabelledRows: 0,
    });
  }
  const video = texts(file, "/video_path")[0];
  return {
    path,
    formatId: Number.NaN,
    skeletons: [{ name: "Skeleton", nodes, edges }],
    videos: [video ?? ""],
    tracks: names,
    animals,
    leftOut: { untracked: 0, duplicates: 0 },
  };
}
