/**
 * `structure.oebin`: the JSON description of one binary-format recording folder (gui-docs, "Binary
 * format"). Only the fields this reader needs are checked; everything else is kept as written.
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../../errors.js";

/** One channel entry of a continuous stream. */
export interface OebinChannel {
  readonly channel_name: string;
  readonly description?: string;
  readonly identifier?: string;
  readonly history?: string;
  readonly bit_volts: number;
  readonly units?: string;
  /** GUI >= 1.0: 0 electrode, 1 aux, 2 ADC. */
  readonly type?: number;
}

/** One continuous stream entry. */
export interface OebinContinuous {
  /** Sub-folder of `continuous/`, with a trailing slash as the GUI writes it. */
  readonly folder_name: string;
  readonly sample_rate: number;
  readonly source_processor_name?: string;
  readonly source_processor_id?: number;
  /** GUI >= 0.6. */
  readonly stream_name?: string;
  /** GUI < 0.6. */
  readonly source_processor_sub_idx?: number;
  readonly recorded_processor?: string;
  readonly recorded_processor_id?: number;
  readonly num_channels: number;
  readonly channels: readonly OebinChannel[];
}

/** One event stream entry (TTL, text or binary events). */
export interface OebinEvents {
  readonly folder_name: string;
  readonly channel_name?: string;
  readonly description?: string;
  readonly identifier?: string;
  readonly sample_rate?: number;
  /** Element type: `int16` for TTL, `string` for text. */
  readonly type?: string;
  readonly source_processor?: string;
  readonly stream_name?: string;
  readonly initial_state?: number;
}

/** The parsed file. */
export interface Oebin {
  readonly path: string;
  readonly guiVersion: string;
  readonly continuous: readonly OebinContinuous[];
  readonly events: readonly OebinEvents[];
}

/** Reads and checks a `structure.oebin`. */
export function readOebin(path: string): Oebin {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const why = error instanceof SyntaxError ? "is not valid JSON" : "cannot be read";
    throw new SourceDataError(path, `${why} (${(error as Error).message}); restore the file the GUI wrote`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SourceDataError(path, "is not a JSON object; restore the file the GUI wrote");
  }
  const root = json as Record<string, unknown>;
  const continuous = root.continuous ?? [];
  const events = root.events ?? [];
  if (!Array.isArray(continuous) || !Array.isArray(events)) {
    throw new SourceDataError(path, "'continuous' and 'events' must be lists");
  }
  for (const [i, entry] of continuous.entries()) checkContinuous(path, entry, i);
  events.forEach((entry, i) => {
    if (typeof entry !== "object" || entry === null || typeof entry.folder_name !== "string") {
      throw new SourceDataError(path, `events[${i}] has no folder_name`);
    }
  });
  return {
    path,
    guiVersion: typeof root["GUI version"] === "string" ? root["GUI version"] : "",
    continuous: continuous as OebinContinuous[],
    events: events as OebinEvents[],
  };
}

function checkContinuous(path: string, entry: unknown, i: number): void {
  const where = `continuous[${i}]`;
  if (typeof entry !== "object" || entry === null)
    throw new SourceDataError(path, `${where} is not an object`);
  const e = entry as Record<string, unknown>;
  if (typeof e.folder_name !== "string" || e.folder_name === "") {
    throw new SourceDataError(path, `${where} has no folder_name`);
  }
  if (typeof e.sample_rate !== "number" || !(e.sample_rate > 0)) {
    throw new SourceDataError(path, `${where} (${e.folder_name}): sample_rate must be a positive number`);
  }
  if (!Array.isArray(e.channels)) {
    throw new SourceDataError(path, `${where} (${e.folder_name}): 'channels' must be a list`);
  }
  if (typeof e.num_channels !== "number" || e.num_channels !== e.channels.length) {
    throw new SourceDataError(
      path,
      `${where} (${e.folder_name}): num_channels is ${String(e.num_channels)} but ${e.channels.length} channels are described`,
    );
  }
  e.channels.forEach((c: unknown, k: number) => {
    const ch = c as Record<string, unknown> | null;
    if (typeof ch !== "object" || ch === null || typeof ch.channel_name !== "string") {
      throw new SourceDataError(path, `${where} (${e.folder_name}): channel ${k} has no channel_name`);
    }
    if (typeof ch.bit_volts !== "number" || !Number.isFinite(ch.bit_volts)) {
      throw new SourceDataError(
        path,
        `${where} (${e.folder_name}): channel ${ch.channel_name} has no numeric bit_volts`,
      );
    }
  });
}

/** A folder name without the trailing slash(es) the GUI writes. */
export function trimFolderName(name: string): string {
  return name.replace(/[\\/]+$/, "");
}
