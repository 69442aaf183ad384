/**
 * The interfaces the command line and tools can list and construct, with their short aliases.
 */
import type { TObject } from "@sinclair/typebox";
import type { Conversion } from "../conversion/conversion.js";
import {
  MockImagingInterface,
  MockRecordingInterface,
  MockSegmentationInterface,
  MockSortingInterface,
} from "../testing/mocks.js";
import { AudioInterface } from "./audio/audioInterface.js";
import { DeepLabCutInterface } from "./deeplabcut/deepLabCutInterface.js";
import {
  IntanAnalogInterface,
  IntanConverter,
  IntanDigitalInterface,
  IntanRecordingInterface,
} from "./intan/intanInterfaces.js";
import { LightningPoseDataInterface } from "./lightningpose/lightningPoseInterface.js";
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
import { ExternalVideoInterface, InternalVideoInterface } from "./video/videoInterfaces.js";

/** A class the command line can construct from one path argument. */
export interface ConstructibleConversion {
  new (sourceData: never): Conversion;
  readonly name: string;
  readonly displayName?: string;
  readonly info?: string;
  readonly associatedSuffixes?: readonly string[];
  getSourceSchema(): TObject;
}

export interface RegisteredInterface {
  readonly cls: ConstructibleConversion;
  readonly aliases: readonly string[];
}

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
  { cls: MockRecordingInterface, aliases: ["mock-recording"] },
  { cls: MockSortingInterface, aliases: ["mock-sorting"] },
  { cls: MockImagingInterface, aliases: ["mock-imaging"] },
  { cls: MockSegmentationInterface, aliases: ["mock-segmentation"] },
  { cls: ExternalVideoInterface, aliases: ["video"] },
  { cls: InternalVideoInterface, aliases: ["video-internal"] },
  { cls: DeepLabCutInterface, aliases: ["deeplabcut", "dlc"] },
  { cls: AudioInterface, aliases: ["audio", "wav"] },
  { cls: LightningPoseDataInterface, aliases: ["lightningpose", "lightning-pose"] },
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
 * The source argument a path fills: `filePath`, `folderPath`, `filePaths` (a list: the path is its one
 * entry), or the first required argument.
 */
export function pathArgumentOf(cls: ConstructibleConversion): string | undefined {
  const schema = cls.getSourceSchema();
  const names = Object.keys(schema.properties);
  return (
    names.find((n) => n === "filePath" || n === "folderPath" || n === "filePaths") ?? schema.required?.[0]
  );
}

/** The source arguments for a path given on the command line (wrapped in a list where the argument is one). */
export function sourceDataForPath(cls: ConstructibleConversion, path: string): Record<string, unknown> {
  const argument = pathArgumentOf(cls);
  if (!argument) return {};
  const isList =
    (cls.getSourceSchema().properties[argument] as { type?: string } | undefined)?.type === "array";
  return { [argument]: isList ? [path] : path };
}
