/**
 * Metadata files: YAML (`.yaml`, `.yml`) or JSON (`.json`), chosen by the extension.
 */
import { readFile, writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse, stringify } from "yaml";
import { SourceDataError } from "../../errors.js";
import type { Metadata } from "./schema.js";
import { normalizeMetadata } from "./validate.js";

function formatOf(path: string): "yaml" | "json" {
  const extension = extname(path).toLowerCase();
  if (extension === ".json") return "json";
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  throw new SourceDataError(path, `unknown metadata file type '${extension}'; use .yaml, .yml or .json`);
}

/** Reads metadata from a YAML or JSON file. */
export async function loadMetadata(path: string): Promise<Partial<Metadata>> {
  const format = formatOf(path);
  const text = await readFile(path, "utf8");
  let value: unknown;
  try {
    value = format === "json" ? JSON.parse(text) : parse(text);
  } catch (error) {
    throw new SourceDataError(path, `not valid ${format.toUpperCase()}: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SourceDataError(path, "a metadata file must hold a mapping (NWBFile:, Subject:, ...)");
  }
  return value as Partial<Metadata>;
}

/** Metadata as YAML text (dates as ISO strings). */
export function metadataToYaml(metadata: Partial<Metadata>): string {
  return stringify(normalizeMetadata(metadata as Metadata));
}

/** Writes metadata to a YAML or JSON file. */
export async function saveMetadata(metadata: Partial<Metadata>, path: string): Promise<void> {
  const text =
    formatOf(path) === "json"
      ? `${JSON.stringify(normalizeMetadata(metadata as Metadata), null, 2)}\n`
      : metadataToYaml(metadata);
  await writeFile(path, text, "utf8");
}
