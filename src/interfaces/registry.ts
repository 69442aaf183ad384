/**
 * The interfaces the command line and tools can list and construct, with their short aliases. Test mocks are
 * not here: they live in `neuroconv/testing`.
 */
import type { TObject } from "@sinclair/typebox";
import type { Conversion } from "../conversion/conversion.js";
import { BlackrockRecordingInterface, BlackrockSortingInterface } from "./blackrock/blackrockInterfaces.js";
import {
  IntanAnalogInterface,
  IntanConverter,
  IntanDigitalInterface,
  IntanRecordingInterface,
} from "./intan/intanInterfaces.js";
import {
  OpenEphysAnalogInterface,
  OpenEphysBinaryRecordingInterface,
  OpenEphysConverter,
  OpenEphysLegacyRecordingInterface,
  OpenEphysRecordingInterface,
} from "./openephys/openEphysInterfaces.js";
import { KiloSortSortingInterface, PhySortingInterface } from "./phy/phyInterface.js";
import { SpikeGLXConverterPipe } from "./spikeglx/converter.js";
import { SpikeGLXNIDQInterface } from "./spikeglx/nidqInterface.js";
import { SpikeGLXRecordingInterface } from "./spikeglx/recordingInterface.js";

/** A class the command line can construct from one path argument. */
export interface ConstructibleConversion {
  new (sourceData: never): Conversion;
  readonly name: string;
  readonly displayName?: string;
  readonly info?: string;
  readonly associatedSuffixes?: readonly string[];
  getSourceSchema(): TObject;
  /**
   * NeuroConv's source arguments in this interface's form, where they differ (e.g. SpikeGLX's
   * `folder_path` + `stream_id` -> `filePath`); used by conversion specifications.
   */
  fromNeuroconvSourceData?(sourceData: Record<string, unknown>): Record<string, unknown>;
}

/** A listed interface: its class and short aliases. */
export interface RegisteredInterface {
  readonly cls: ConstructibleConversion;
  readonly aliases: readonly string[];
}

/** Every interface the command line can list and construct. */
export const INTERFACES: readonly RegisteredInterface[] = [
  { cls: SpikeGLXRecordingInterface, aliases: ["spikeglx"] },
  { cls: SpikeGLXConverterPipe, aliases: ["spikeglx-folder"] },
  { cls: SpikeGLXNIDQInterface, aliases: ["spikeglx-nidq"] },
  { cls: IntanRecordingInterface, aliases: ["intan"] },
  { cls: IntanConverter, aliases: ["intan-all"] },
  { cls: IntanAnalogInterface, aliases: ["intan-analog"] },
  { cls: IntanDigitalInterface, aliases: ["intan-digital"] },
  { cls: OpenEphysRecordingInterface, aliases: ["openephys"] },
  { cls: OpenEphysConverter, aliases: ["openephys-all"] },
  { cls: OpenEphysAnalogInterface, aliases: ["openephys-analog"] },
  { cls: OpenEphysBinaryRecordingInterface, aliases: ["openephys-binary"] },
  { cls: OpenEphysLegacyRecordingInterface, aliases: ["openephys-legacy"] },
  { cls: PhySortingInterface, aliases: ["phy"] },
  { cls: KiloSortSortingInterface, aliases: ["kilosort"] },
  { cls: BlackrockRecordingInterface, aliases: ["blackrock"] },
  { cls: BlackrockSortingInterface, aliases: ["blackrock-sorting"] },
];

/** The interface named by class name or alias (case-insensitive). */
export function findInterface(name: string): RegisteredInterface | undefined {
  const wanted = name.toLowerCase();
  return INTERFACES.find(
    (entry) =>
      entry.cls.name.toLowerCase() === wanted || entry.aliases.some((a) => a.toLowerCase() === wanted),
  );
}

/**
 * The source argument the command line's path fills: `filePath`, `folderPath`, `filePaths` (every path
 * given), or the first required argument.
 */
export function pathArgumentOf(cls: ConstructibleConversion): string | undefined {
  const schema = cls.getSourceSchema();
  const names = Object.keys(schema.properties);
  return (
    names.find((n) => n === "filePath" || n === "folderPath" || n === "filePaths") ?? schema.required?.[0]
  );
}
