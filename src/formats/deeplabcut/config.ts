/**
 * The parts of a DeepLabCut project `config.yaml` that describe the animal model: body parts (single-animal
 * `bodyparts`, multi-animal `multianimalbodyparts` + `uniquebodyparts`), individuals and skeleton edges.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { SourceDataError } from "../../errors.js";

export interface DeepLabCutConfig {
  readonly task?: string;
  readonly scorer?: string;
  readonly bodyparts: readonly string[];
  readonly individuals: readonly string[];
  /** Pairs of connected body parts. */
  readonly skeleton: readonly (readonly [string, string])[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * Reads a DeepLabCut project `config.yaml`.
 *
 * @example
 * ```ts
 * const config = readDeepLabCutConfig("openfield-Pranav-2018-10-30/config.yaml");
 * config.skeleton; // [["snout", "leftear"], ...]
 * ```
 */
export function readDeepLabCutConfig(filePath: string): DeepLabCutConfig {
  let content: Record<string, unknown>;
  try {
    content = (parse(readFileSync(filePath, "utf8")) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new SourceDataError(filePath, `cannot read the DeepLabCut config (${(error as Error).message})`);
  }
  const multi = content.multianimalproject === true;
  const bodyparts = multi
    ? [...strings(content.multianimalbodyparts), ...strings(content.uniquebodyparts)]
    : strings(content.bodyparts);
  const skeleton = (Array.isArray(content.skeleton) ? content.skeleton : []).map((edge, i) => {
    const pair = strings(edge);
    if (pair.length !== 2)
      throw new SourceDataError(filePath, `skeleton edge ${i} is not a pair of body parts`);
    return [pair[0]!, pair[1]!] as const;
  });
  return {
    ...(typeof content.Task === "string" && { task: content.Task }),
    ...(typeof content.scorer === "string" && { scorer: content.scorer }),
    bodyparts,
    individuals: multi ? strings(content.individuals) : [],
    skeleton,
  };
}
