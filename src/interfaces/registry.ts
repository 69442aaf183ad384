/**
 * The interfaces the command line and tools can list and construct, with their short aliases. Test mocks are
 * not here: they live in `neuroconv/testing`.
 */
import type { TObject } from "@sinclair/typebox";
import type { Conversion } from "../conversion/conversion.js";
import { AbfInterface, AxonIntracellularConverter, AxonIntracellularInterface } from "./abf/abfInterfaces.js";
import { AlphaOmegaRecordingInterface } from "./alphaomega/alphaOmegaInterface.js";
import { AudioInterface } from "./audio/audioInterface.js";
import {
  AxonaLFPDataInterface,
  AxonaPositionDataInterface,
  AxonaRecordingInterface,
  AxonaUnitRecordingInterface,
} from "./axona/axonaInterfaces.js";
import { BiocamRecordingInterface } from "./biocam/biocamInterface.js";
import { BlackrockRecordingInterface, BlackrockSortingInterface } from "./blackrock/blackrockInterfaces.js";
import { BrukerTiffConverter, BrukerTiffImagingInterface } from "./bruker/brukerInterfaces.js";
import { CaimanSegmentationInterface } from "./caiman/caimanInterface.js";
import {
  CellExplorerLFPInterface,
  CellExplorerRecordingInterface,
  CellExplorerSortingInterface,
} from "./cellexplorer/cellExplorerInterfaces.js";
import { DeepLabCutInterface } from "./deeplabcut/deepLabCutInterface.js";
import { EDFAnalogInterface, EDFConverter, EDFRecordingInterface } from "./edf/edfInterface.js";
import { ExtractSegmentationInterface } from "./extract/extractInterface.js";
import { FicTracDataInterface } from "./fictrac/ficTracInterface.js";
import {
  IntanAnalogInterface,
  IntanConverter,
  IntanDigitalInterface,
  IntanRecordingInterface,
} from "./intan/intanInterfaces.js";
import { LightningPoseDataInterface } from "./lightningpose/lightningPoseInterface.js";
import { MaxOneRecordingInterface } from "./maxwell/maxwellInterface.js";
import { MEArecRecordingInterface } from "./mearec/mearecInterface.js";
import { MedPCInterface } from "./medpc/medPCInterface.js";
import { MinianSegmentationInterface } from "./minian/minianInterface.js";
import { MiniscopeConverter, MiniscopeImagingInterface } from "./miniscope/miniscopeInterfaces.js";
import { NeuralynxRecordingInterface, NeuralynxSortingInterface } from "./neuralynx/neuralynxInterfaces.js";
import { NeuralynxNvtInterface } from "./neuralynx/nvtInterface.js";
import {
  NeuroScopeLFPInterface,
  NeuroScopeRecordingInterface,
  NeuroScopeSortingInterface,
} from "./neuroscope/neuroscopeInterfaces.js";
import {
  OpenEphysAnalogInterface,
  OpenEphysBinaryRecordingInterface,
  OpenEphysConverter,
  OpenEphysLegacyRecordingInterface,
  OpenEphysRecordingInterface,
} from "./openephys/openEphysInterfaces.js";
import { KiloSortSortingInterface, PhySortingInterface } from "./phy/phyInterface.js";
import {
  Plexon2RecordingInterface,
  PlexonRecordingInterface,
  PlexonSortingInterface,
} from "./plexon/plexonInterfaces.js";
import {
  ScanImageConverter,
  ScanImageImagingInterface,
  ScanImageLegacyImagingInterface,
} from "./scanimage/scanImageInterfaces.js";
import { SLEAPInterface } from "./sleap/sleapInterface.js";
import { Spike2RecordingInterface } from "./spike2/spike2Interface.js";
import { SpikeGadgetsRecordingInterface } from "./spikegadgets/index.js";
import { SpikeGLXConverterPipe } from "./spikeglx/converter.js";
import { SpikeGLXNIDQInterface } from "./spikeglx/nidqInterface.js";
import { SpikeGLXRecordingInterface } from "./spikeglx/recordingInterface.js";
import { Suite2pConverter, Suite2pSegmentationInterface } from "./suite2p/suite2pInterface.js";
import { TdtRecordingInterface } from "./tdt/index.js";
import { TiffImagingInterface } from "./tiff/tiffInterface.js";
import { ExternalVideoInterface, InternalVideoInterface } from "./video/videoInterfaces.js";

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
  { cls: AxonIntracellularInterface, aliases: ["abf"] },
  { cls: AxonIntracellularConverter, aliases: ["abf-files"] },
  { cls: AbfInterface, aliases: [] },
  { cls: BlackrockRecordingInterface, aliases: ["blackrock"] },
  { cls: BlackrockSortingInterface, aliases: ["blackrock-sorting"] },
  { cls: NeuralynxRecordingInterface, aliases: ["neuralynx"] },
  { cls: NeuralynxSortingInterface, aliases: ["neuralynx-sorting"] },
  { cls: PlexonRecordingInterface, aliases: ["plexon"] },
  { cls: PlexonSortingInterface, aliases: ["plexon-sorting"] },
  { cls: Plexon2RecordingInterface, aliases: ["plexon2"] },
  { cls: Spike2RecordingInterface, aliases: ["spike2"] },
  { cls: TiffImagingInterface, aliases: ["tiff"] },
  { cls: ScanImageImagingInterface, aliases: ["scanimage"] },
  { cls: ScanImageLegacyImagingInterface, aliases: ["scanimage-legacy"] },
  { cls: ScanImageConverter, aliases: ["scanimage-all"] },
  { cls: Suite2pSegmentationInterface, aliases: ["suite2p"] },
  { cls: Suite2pConverter, aliases: ["suite2p-all"] },
  { cls: BrukerTiffImagingInterface, aliases: ["bruker"] },
  { cls: BrukerTiffConverter, aliases: ["bruker-all"] },
  { cls: ExternalVideoInterface, aliases: ["video"] },
  { cls: InternalVideoInterface, aliases: ["video-internal"] },
  { cls: DeepLabCutInterface, aliases: ["deeplabcut", "dlc"] },
  { cls: AudioInterface, aliases: ["audio", "wav"] },
  { cls: LightningPoseDataInterface, aliases: ["lightningpose", "lightning-pose"] },
  { cls: EDFRecordingInterface, aliases: ["edf"] },
  { cls: NeuroScopeRecordingInterface, aliases: ["neuroscope"] },
  { cls: NeuroScopeLFPInterface, aliases: ["neuroscope-lfp"] },
  { cls: NeuroScopeSortingInterface, aliases: ["neuroscope-sorting"] },
  { cls: AxonaRecordingInterface, aliases: ["axona"] },
  { cls: AxonaLFPDataInterface, aliases: ["axona-lfp"] },
  { cls: AxonaPositionDataInterface, aliases: ["axona-position"] },
  { cls: AxonaUnitRecordingInterface, aliases: ["axona-spikes"] },
  { cls: FicTracDataInterface, aliases: ["fictrac"] },
  { cls: NeuralynxNvtInterface, aliases: ["neuralynx-nvt", "nvt"] },
  { cls: MedPCInterface, aliases: ["medpc", "med-pc"] },
  { cls: SLEAPInterface, aliases: ["sleap"] },
  { cls: CellExplorerRecordingInterface, aliases: ["cellexplorer"] },
  { cls: CellExplorerLFPInterface, aliases: ["cellexplorer-lfp"] },
  { cls: CellExplorerSortingInterface, aliases: ["cellexplorer-sorting"] },
  { cls: ExtractSegmentationInterface, aliases: ["extract"] },
  { cls: BiocamRecordingInterface, aliases: ["biocam", "3brain"] },
  { cls: MaxOneRecordingInterface, aliases: ["maxwell", "maxone", "maxtwo"] },
  { cls: AlphaOmegaRecordingInterface, aliases: ["alphaomega"] },
  { cls: CaimanSegmentationInterface, aliases: ["caiman"] },
  { cls: MiniscopeImagingInterface, aliases: ["miniscope"] },
  { cls: MiniscopeConverter, aliases: ["miniscope-all"] },
  { cls: MinianSegmentationInterface, aliases: ["minian"] },
  { cls: TdtRecordingInterface, aliases: ["tdt"] },
  { cls: SpikeGadgetsRecordingInterface, aliases: ["spikegadgets", "trodes"] },
  { cls: EDFAnalogInterface, aliases: ["edf-analog"] },
  { cls: EDFConverter, aliases: ["edf-all"] },
  { cls: MEArecRecordingInterface, aliases: ["mearec"] },
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
