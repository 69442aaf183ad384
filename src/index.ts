/**
 * neuroconv: convert neurophysiology data into NWB 2.7.0 files, streaming and in bounded memory.
 *
 * @example
 * ```ts
 * import { NWBFile, TimeSeries, configureAndWriteNwbfile } from "neuroconv";
 *
 * const nwbfile = new NWBFile({
 *   session_description: "open field",
 *   session_start_time: "2024-03-01T10:00:00-08:00",
 * });
 * nwbfile.addAcquisition(new TimeSeries({ name: "speed", data: [0.1, 0.3, 0.2], unit: "m/s", rate: 10 }));
 * nwbfile.addTrial({ start_time: 0, stop_time: 0.3 });
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "session.nwb" });
 * ```
 *
 * The public API is exported by name, one section per area; everything else is internal and may change.
 * Test helpers (mock interfaces, the interface check) are in `neuroconv/testing`.
 *
 * @packageDocumentation
 */

// ---- Many sessions: conversion specifications, path templates, the batch runner ---------------------------
export { expandTemplate, type TemplateMatch } from "./batch/expand.js";
export {
  type BatchEvent,
  type BatchOptions,
  runConversionFromYaml,
  type SessionResult,
  shardOf,
} from "./batch/runner.js";
export { type PlannedSession, planSessions } from "./batch/sessions.js";
export {
  type ConversionSpecification,
  ConversionSpecificationSchema,
  type LoadedSpecification,
  loadSpecification,
} from "./batch/specification.js";
// ---- Conversion workflow: interfaces, converters, timing ------------------------------------------------
export {
  Conversion,
  type CreateNwbfileOptions,
  type RunConversionOptions,
  type StandardConversionOptions,
} from "./conversion/conversion.js";
export {
  type ConverterOptions,
  ConverterPipe,
  checkSourceArguments,
  NWBConverter,
} from "./conversion/converter.js";
export {
  MultiStreamRecordingInterface,
  pickStreams,
  type RecordingStream,
} from "./conversion/ecephys/multiStream.js";
export {
  addRecordingToNwbfile,
  type ChannelProperty,
  type Recording,
  type RecordingChannel,
  regularTiming,
  type WriteAs,
} from "./conversion/ecephys/recording.js";
export {
  BaseRecordingInterface,
  type RecordingConversionOptions,
  type RecordingMetadata,
} from "./conversion/ecephys/recordingInterface.js";
export { SortedRecordingConverter } from "./conversion/ecephys/sortedRecording.js";
export {
  addSortingToNwbfile,
  BaseSortingInterface,
  type SortedUnit,
  type Sorting,
} from "./conversion/ecephys/sorting.js";
export {
  addIcephysRepetitions,
  addIcephysSequence,
  type ClampMode,
  type IcephysElectrodeDefaults,
  type IcephysRecording,
  type IcephysSequence,
  type IcephysWriteOptions,
  type PatchClampData,
} from "./conversion/icephys/icephys.js";
export {
  BaseDataInterface,
  type DataInterfaceClass,
  StandardConversionOptionsSchema,
} from "./conversion/interface.js";
// ---- Metadata ---------------------------------------------------------------------------------------------
export { checkDandiReadiness, type DandiReadiness } from "./conversion/metadata/dandi.js";
export { loadMetadata, metadataToYaml, saveMetadata } from "./conversion/metadata/io.js";
export { mergeMetadata } from "./conversion/metadata/merge.js";
export { checkMetadataNames } from "./conversion/metadata/names.js";
export { nwbfileFromMetadata } from "./conversion/metadata/nwbfile.js";
export type { Metadata } from "./conversion/metadata/schema.js";
export { attachTimeZone, withTimeZone } from "./conversion/metadata/timezone.js";
export {
  checkMetadata,
  type MetadataReport,
  validateMetadataAgainst,
} from "./conversion/metadata/validate.js";
export { BaseImagingInterface, type ImagingDescription } from "./conversion/ophys/imagingInterface.js";
export {
  addImagingToNwbfile,
  addSegmentationToNwbfile,
  type Imaging,
  type PixelMask,
  type Segmentation,
} from "./conversion/ophys/ophys.js";
export { BaseSegmentationInterface } from "./conversion/ophys/segmentationInterface.js";
export {
  type AnalogChannel,
  type AnalogSignal,
  addAnalogChannelsToNwbfile,
  addAnalogToNwbfile,
  addEventsToNwbfile,
  addIntervalsToNwbfile,
  addTtlLineToNwbfile,
  type CodedEvents,
  type LabelledIntervals,
  type TtlLine,
  ttlLinesFromWords,
} from "./conversion/signals.js";
export { BaseTemporalInterface } from "./conversion/temporal.js";
export {
  type ClockSegment,
  segmentedTiming,
  type Timing,
  timeAt,
  timestampsOf,
  timingFromSource,
  timingFromTimestamps,
} from "./conversion/timing.js";
export {
  emitNeuroconvWarning,
  type WarningHandler,
  warnFallbacks,
  withWarningHandler,
} from "./conversion/warnings.js";
/** The CellExplorer readers: session metadata and units (with cell metrics) of a session folder. */
export {
  type CellExplorerChannel,
  type CellExplorerSession,
  type CellExplorerUnit,
  type CellExplorerUnits,
  findSessionFile,
  readCellExplorerSession,
  readCellExplorerUnits,
} from "./formats/cellexplorer/index.js";
// Pose estimation and audio readers
export {
  type DeepLabCutConfig,
  type DeepLabCutOutput,
  type DeepLabCutTrack,
  readDeepLabCutConfig,
  readDeepLabCutCsv,
  readDeepLabCutH5,
  readDeepLabCutOutput,
} from "./formats/deeplabcut/index.js";
/** The EXTRACT output reader (both layouts). */
export { type ExtractOutput, readExtractOutput } from "./formats/extract/index.js";
// Behaviour rig readers (FicTrac, ...)
export {
  FICTRAC_COLUMNS,
  type FicTracColumn,
  type FicTracConfig,
  type FicTracData,
  type FicTracTimes,
  ficTracFrameTimes,
  readFicTracConfig,
  readFicTracDat,
} from "./formats/fictrac/index.js";
// MATLAB .mat files (level 5 and v7.3), a shared reader for formats that store MATLAB files
export {
  Hdf5MatFile,
  isMatStruct,
  Level5File,
  MatArray,
  type MatFile,
  type MatLocation,
  type MatlabNumericClass,
  MatSparse,
  type MatStruct,
  MatUnsupported,
  type MatValue,
  matNumber,
  matNumbers,
  matString,
  openMatFile,
  openMatFileSync,
  rowMajor,
} from "./formats/matlab/index.js";
export { type MedPCSession, readMedPCFile } from "./formats/medpc/index.js";
export {
  type NeuralynxVideoTracking,
  NVT_RECORD_BYTES,
  readNeuralynxVideoTracking,
} from "./formats/neuralynx/video.js";
export {
  readSleapFile,
  type SleapAnimal,
  type SleapLabels,
  type SleapSkeleton,
} from "./formats/sleap/index.js";
export {
  analyzeFrameTiming,
  decodedFrames,
  type FrameGap,
  type FrameTiming,
  findFfmpeg,
  readVideoIndex,
  VIDEO_SUFFIXES,
  type VideoIndex,
} from "./formats/video/index.js";
export { readWavHeader, type WavHeader, wavSamples } from "./formats/wav/index.js";
// ---- Interfaces, one block per format (add a new format's exports as its own block, before the registry) ----
// Axon ABF
export {
  AbfInterface,
  AxonIntracellularConverter,
  type AxonIntracellularFilesSource,
  AxonIntracellularFilesSourceSchema,
  AxonIntracellularInterface,
  type AxonIntracellularSource,
  AxonIntracellularSourceSchema,
} from "./interfaces/abf/abfInterfaces.js";
// Audio (WAV)
export {
  type AudioConversionOptions,
  AudioInterface,
  type AudioSource,
  AudioSourceSchema,
} from "./interfaces/audio/audioInterface.js";
// Axona DacqUSB
export {
  AxonaLFPDataInterface,
  type AxonaLFPDataSource,
  AxonaLFPDataSourceSchema,
  AxonaPositionDataInterface,
  type AxonaPositionDataSource,
  AxonaPositionDataSourceSchema,
  AxonaRecordingInterface,
  type AxonaRecordingSource,
  AxonaRecordingSourceSchema,
  AxonaUnitRecordingInterface,
  type AxonaUnitRecordingSource,
  AxonaUnitRecordingSourceSchema,
} from "./interfaces/axona/axonaInterfaces.js";
// Blackrock
export {
  BlackrockRecordingInterface,
  type BlackrockRecordingSource,
  BlackrockRecordingSourceSchema,
  BlackrockSortingInterface,
  type BlackrockSortingSource,
  BlackrockSortingSourceSchema,
} from "./interfaces/blackrock/blackrockInterfaces.js";
// Bruker PrairieView
export {
  BrukerTiffConverter,
  type BrukerTiffConverterSource,
  BrukerTiffConverterSourceSchema,
  BrukerTiffImagingInterface,
  type BrukerTiffSource,
  BrukerTiffSourceSchema,
} from "./interfaces/bruker/brukerInterfaces.js";
// CaImAn
export {
  CaimanSegmentationInterface,
  type CaimanSegmentationSource,
  CaimanSegmentationSourceSchema,
} from "./interfaces/caiman/caimanInterface.js";
// CellExplorer (Buzsaki lab): session recordings and units
export {
  CellExplorerLFPInterface,
  CellExplorerRecordingInterface,
  type CellExplorerRecordingSource,
  CellExplorerRecordingSourceSchema,
  CellExplorerSortingInterface,
  type CellExplorerSortingSource,
  CellExplorerSortingSourceSchema,
} from "./interfaces/cellexplorer/cellExplorerInterfaces.js";
// DeepLabCut
export {
  DeepLabCutInterface,
  type DeepLabCutSource,
  DeepLabCutSourceSchema,
} from "./interfaces/deeplabcut/deepLabCutInterface.js";
// EDF / EDF+ / BDF / BDF+
export {
  EDFAnalogInterface,
  type EDFAnalogSource,
  EDFAnalogSourceSchema,
  EDFConverter,
  type EDFConverterSource,
  EDFConverterSourceSchema,
  EDFRecordingInterface,
  type EDFRecordingSource,
  EDFRecordingSourceSchema,
} from "./interfaces/edf/edfInterface.js";
// EXTRACT segmentation (MATLAB v7.3 output)
export {
  ExtractSegmentationInterface,
  type ExtractSegmentationSource,
  ExtractSegmentationSourceSchema,
} from "./interfaces/extract/extractInterface.js";
// FicTrac
export {
  FicTracDataInterface,
  type FicTracSource,
  FicTracSourceSchema,
} from "./interfaces/fictrac/ficTracInterface.js";
// Intan
export {
  IntanAnalogInterface,
  IntanConverter,
  IntanDigitalInterface,
  IntanRecordingInterface,
  type IntanSource,
  IntanSourceSchema,
} from "./interfaces/intan/intanInterfaces.js";
// Lightning Pose
export {
  LightningPoseDataInterface,
  type LightningPoseSource,
  LightningPoseSourceSchema,
} from "./interfaces/lightningpose/lightningPoseInterface.js";
// Med-PC
export {
  MedPCInterface,
  type MedPCSource,
  MedPCSourceSchema,
  medPCEventTimes,
} from "./interfaces/medpc/medPCInterface.js";
// Minian
export {
  MinianSegmentationInterface,
  type MinianSegmentationSource,
  MinianSegmentationSourceSchema,
} from "./interfaces/minian/minianInterface.js";
// UCLA Miniscope
export {
  MiniscopeConverter,
  type MiniscopeConverterSource,
  MiniscopeConverterSourceSchema,
  MiniscopeImagingInterface,
  type MiniscopeImagingSource,
  MiniscopeImagingSourceSchema,
} from "./interfaces/miniscope/miniscopeInterfaces.js";
// Neuralynx
export {
  NeuralynxRecordingInterface,
  type NeuralynxRecordingSource,
  NeuralynxRecordingSourceSchema,
  NeuralynxSortingInterface,
  type NeuralynxSortingSource,
  NeuralynxSortingSourceSchema,
} from "./interfaces/neuralynx/neuralynxInterfaces.js";
// Neuralynx video tracker
export {
  NeuralynxNvtInterface,
  type NeuralynxNvtSource,
  NeuralynxNvtSourceSchema,
} from "./interfaces/neuralynx/nvtInterface.js";
// NeuroScope / Klusters
export {
  NeuroScopeLFPInterface,
  type NeuroScopeLFPSource,
  NeuroScopeLFPSourceSchema,
  NeuroScopeRecordingInterface,
  type NeuroScopeRecordingSource,
  NeuroScopeRecordingSourceSchema,
  NeuroScopeSortingInterface,
  type NeuroScopeSortingSource,
  NeuroScopeSortingSourceSchema,
} from "./interfaces/neuroscope/neuroscopeInterfaces.js";
// Open Ephys
export {
  OpenEphysAnalogInterface,
  OpenEphysBinaryAnalogInterface,
  OpenEphysBinaryConverter,
  OpenEphysBinaryRecordingInterface,
  OpenEphysConverter,
  type OpenEphysFolderSource,
  OpenEphysFolderSourceSchema,
  OpenEphysLegacyRecordingInterface,
  OpenEphysRecordingInterface,
  type OpenEphysSource,
  OpenEphysSourceSchema,
} from "./interfaces/openephys/openEphysInterfaces.js";
// Phy and Kilosort
export {
  KiloSortSortingInterface,
  type KiloSortSortingSource,
  KiloSortSortingSourceSchema,
  PhySortingInterface,
  type PhySortingSource,
  PhySortingSourceSchema,
} from "./interfaces/phy/phyInterface.js";
// Plexon
export {
  Plexon2RecordingInterface,
  type Plexon2RecordingSource,
  Plexon2RecordingSourceSchema,
  PlexonRecordingInterface,
  type PlexonRecordingSource,
  PlexonRecordingSourceSchema,
  PlexonSortingInterface,
  type PlexonSortingSource,
  PlexonSortingSourceSchema,
} from "./interfaces/plexon/plexonInterfaces.js";
// The registry the command line lists
export {
  type ConstructibleConversion,
  findInterface,
  INTERFACES,
  pathArgumentOf,
  type RegisteredInterface,
} from "./interfaces/registry.js";
// ScanImage
export {
  ScanImageConverter,
  type ScanImageConverterSource,
  ScanImageConverterSourceSchema,
  ScanImageImagingInterface,
  type ScanImageImagingSource,
  ScanImageImagingSourceSchema,
  ScanImageLegacyImagingInterface,
} from "./interfaces/scanimage/scanImageInterfaces.js";
// SLEAP
export { SLEAPInterface, type SLEAPSource, SLEAPSourceSchema } from "./interfaces/sleap/sleapInterface.js";
// Spike2
export {
  Spike2RecordingInterface,
  type Spike2RecordingSource,
  Spike2RecordingSourceSchema,
} from "./interfaces/spike2/spike2Interface.js";
// SpikeGadgets Trodes
export {
  SpikeGadgetsRecordingInterface,
  type SpikeGadgetsRecordingSource,
  SpikeGadgetsRecordingSourceSchema,
} from "./interfaces/spikegadgets/index.js";
// SpikeGLX
export {
  SpikeGLXConverterPipe,
  type SpikeGLXFolderSource,
  SpikeGLXFolderSourceSchema,
} from "./interfaces/spikeglx/converter.js";
export {
  SpikeGLXNIDQInterface,
  type SpikeGLXNIDQSource,
  SpikeGLXNIDQSourceSchema,
} from "./interfaces/spikeglx/nidqInterface.js";
export {
  SpikeGLXRecordingInterface,
  type SpikeGLXRecordingSource,
  SpikeGLXRecordingSourceSchema,
} from "./interfaces/spikeglx/recordingInterface.js";
// Suite2p
export {
  Suite2pConverter,
  type Suite2pConverterSource,
  Suite2pConverterSourceSchema,
  Suite2pSegmentationInterface,
  type Suite2pSegmentationSource,
  Suite2pSegmentationSourceSchema,
} from "./interfaces/suite2p/suite2pInterface.js";
// Tucker-Davis Technologies blocks
export {
  TdtRecordingInterface,
  type TdtRecordingSource,
  TdtRecordingSourceSchema,
} from "./interfaces/tdt/index.js";
// TIFF stacks
export {
  TiffImagingInterface,
  type TiffImagingSource,
  TiffImagingSourceSchema,
} from "./interfaces/tiff/tiffInterface.js";
// Behaviour videos: interfaces, the container indexes (no decoding) and the ffmpeg decoder
export {
  ExternalVideoInterface,
  type ExternalVideoSource,
  ExternalVideoSourceSchema,
  InternalVideoInterface,
  type InternalVideoSource,
  InternalVideoSourceSchema,
  type VideoConversionOptions,
} from "./interfaces/video/videoInterfaces.js";

// ---- NWB files in memory: containers -------------------------------------------------------------------
export { Container, createImage, Images, ProcessingModule, TimeSeries } from "./nwb/containers/base.js";
export {
  BehavioralEvents,
  BehavioralTimeSeries,
  BehaviorContainer,
  Position,
  SpatialSeries,
} from "./nwb/containers/behavior.js";
export {
  Device,
  ElectricalSeries,
  ElectrodeGroup,
  ElectrodesTable,
  LFP,
} from "./nwb/containers/ecephys.js";
export { NWB_VERSION, NWBFile, Subject } from "./nwb/containers/file.js";
export { ImageSeries } from "./nwb/containers/image.js";
export { TimeIntervals, Units } from "./nwb/containers/misc.js";
export { namespacesUsed, ndarray } from "./nwb/containers/node.js";
export {
  Fluorescence,
  ImageSegmentation,
  ImagingPlane,
  OnePhotonSeries,
  PlaneSegmentation,
  RoiResponseSeries,
  TwoPhotonSeries,
} from "./nwb/containers/ophys.js";
export { DynamicTable } from "./nwb/containers/table.js";
export { hasUtcOffset, localTimeZone } from "./nwb/containers/time.js";

// ---- NWB schema ------------------------------------------------------------------------------------------
/**
 * Schema registries (`createRegistry`, `defaultRegistry`, `registryFor` the namespaces a file uses) and the
 * extension namespaces we carry: `ndxEvents`, `ndxPose`, `ndxSound`.
 */
export {
  createRegistry,
  defaultRegistry,
  extensionNamespaces,
  /** The ndx-events 0.4.0 namespace (added to the registry automatically when a file uses its types). */
  ndxEvents,
  /** The ndx-miniscope 0.5.1 namespace (the `Miniscope` device; added automatically when used). */
  ndxMiniscope,
  /** The ndx-pose 0.3.0 namespace (Skeleton, PoseEstimation, training frames; added automatically when used). */
  ndxPose,
  /** The ndx-sound namespace (declared version 0.1.0; added automatically when used). */
  ndxSound,
  registryFor,
} from "./nwb/schema/index.js";
export type { Namespace } from "./nwb/schema/spec.js";
/**
 * Typed classes of every NWB type, generated from the schema, one namespace object per schema namespace:
 * `coreTypes` (`coreTypes.TimeSeries`, ...), `hdmfCommonTypes`, `hdmfExperimentalTypes`, and the extensions'
 * `ndxEventsTypes`, `ndxPoseTypes`, `ndxSoundTypes`.
 */
export {
  /** Typed classes of every NWB core type, generated from the schema (`new coreTypes.IntracellularElectrode({...})`). */
  coreTypes,
  /** Typed classes of every hdmf-common type (DynamicTable, VectorData, ...), generated from the schema. */
  hdmfCommonTypes,
  /** Typed classes of every hdmf-experimental type, generated from the schema. */
  hdmfExperimentalTypes,
  /** Typed classes of the ndx-events 0.4.0 types (EventsTable, MeaningsTable, ...), generated from the schema. */
  ndxEventsTypes,
  /** Typed classes of the ndx-miniscope 0.5.1 types (the Miniscope device), generated from the schema. */
  ndxMiniscopeTypes,
  /** Typed classes of the ndx-pose 0.3.0 types (Skeleton(s), PoseEstimation(Series), training frames), generated from the schema. */
  ndxPoseTypes,
  /** Typed classes of the ndx-sound types (AcousticWaveformSeries), generated from the schema. */
  ndxSoundTypes,
} from "./nwb/types/index.js";

// ---- Writing NWB files -----------------------------------------------------------------------------------
export {
  checkBackendConfiguration,
  formatBackendConfiguration,
} from "./nwb/write/backendConfiguration.js";
export {
  checkNwbfile,
  configureAndWriteNwbfile,
  getDefaultBackendConfiguration,
} from "./nwb/write/configureAndWrite.js";
export { checkOutputPath } from "./nwb/write/output.js";
export type { WriteProgress } from "./nwb/write/writer.js";

import type {
  BackendConfiguration as BackendConfigurationOf,
  DatasetIOConfiguration as DatasetIOConfigurationOf,
} from "./nwb/write/backendConfiguration.js";
import type { ProgressCallback as ProgressCallbackOf } from "./nwb/write/writer.js";
/** Per-dataset chunking, buffering and compression of a file (see `getDefaultBackendConfiguration`). */
export type BackendConfiguration = BackendConfigurationOf;
/** Chunk shape, buffer shape and compression of one dataset. */
export type DatasetIOConfiguration = DatasetIOConfigurationOf;
/** Receives the progress of a write: bytes of bulk data written so far, of the total. */
export type ProgressCallback = ProgressCallbackOf;

export type { Dtype, NumericDtype, TypedArray } from "./data/dtype.js";
// ---- Storage and bulk data -------------------------------------------------------------------------------
export { type ChunkSource, firstRows, isChunkSource } from "./data/lazy.js";
// ---- Errors ----------------------------------------------------------------------------------------------
export {
  BackendConfigurationError,
  isNeuroconvError,
  type MetadataProblem,
  MetadataValidationError,
  MissingDependencyError,
  NeuroconvError,
  type NeuroconvErrorName,
  type NWBProblem,
  NWBValidationError,
  OutputPathError,
  SchemaError,
  SourceArgumentsError,
  SourceDataError,
  SpecificationError,
  type SpecificationProblem,
  StorageError,
  UnsupportedCompressionError,
} from "./errors.js";
// AlphaOmega
export {
  AlphaOmegaRecordingInterface,
  type AlphaOmegaRecordingSource,
  AlphaOmegaRecordingSourceSchema,
} from "./interfaces/alphaomega/alphaOmegaInterface.js";
// High-density MEAs: 3Brain BioCAM
export {
  BiocamRecordingInterface,
  type BiocamRecordingSource,
  BiocamRecordingSourceSchema,
} from "./interfaces/biocam/biocamInterface.js";
// High-density MEAs: MaxWell MaxOne / MaxTwo
export {
  MaxOneRecordingInterface,
  type MaxOneRecordingSource,
  MaxOneRecordingSourceSchema,
} from "./interfaces/maxwell/maxwellInterface.js";
// MEArec simulated recordings
export {
  MEArecRecordingInterface,
  type MEArecRecordingSource,
  MEArecRecordingSourceSchema,
} from "./interfaces/mearec/mearecInterface.js";
/** Compression codecs (`Codec`, its `CodecOptions`): `codecNames` lists them, `registerCodec` adds one. */
export { type Codec, type CodecOptions, codecNames, registerCodec } from "./storage/codecs.js";
/** Storage engines: `registerStorageEngine` adds one, `storageEngineNames` lists them. */
export { registerStorageEngine, storageEngineNames } from "./storage/engines.js";
/** The HDF5 engines (h5wasm-based; `Hdf5EngineOptions` configures `createHdf5Engine`). */
export { createHdf5Engine, type Hdf5EngineOptions, h5wasmEngine, hdf5Backend } from "./storage/hdf5/index.js";
// Synchronous HDF5 reading (format readers parse headers in constructors)
export { openHdf5Sync } from "./storage/hdf5/syncReader.js";
export type { FilterSpec, StorageEngine, StorageReader, StorageWriter } from "./storage/types.js";
