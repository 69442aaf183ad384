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
export {
  addImagingToNwbfile,
  addSegmentationToNwbfile,
  type Imaging,
  type Segmentation,
} from "./conversion/ophys/ophys.js";
export {
  type AnalogChannel,
  type AnalogSignal,
  addAnalogChannelsToNwbfile,
  addAnalogToNwbfile,
  addTtlLineToNwbfile,
  type TtlLine,
} from "./conversion/signals.js";
export { BaseTemporalInterface } from "./conversion/temporal.js";
export {
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

// ---- Interfaces, one block per format (add a new format's exports as its own block, before the registry) ----
// Blackrock
export {
  BlackrockRecordingInterface,
  type BlackrockRecordingSource,
  BlackrockRecordingSourceSchema,
  BlackrockSortingInterface,
  type BlackrockSortingSource,
  BlackrockSortingSourceSchema,
} from "./interfaces/blackrock/blackrockInterfaces.js";
// Intan
export {
  IntanAnalogInterface,
  IntanConverter,
  IntanDigitalInterface,
  IntanRecordingInterface,
  type IntanSource,
  IntanSourceSchema,
} from "./interfaces/intan/intanInterfaces.js";
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
// The registry the command line lists
export {
  type ConstructibleConversion,
  findInterface,
  INTERFACES,
  pathArgumentOf,
  type RegisteredInterface,
} from "./interfaces/registry.js";
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
export {
  createRegistry,
  defaultRegistry,
  extensionNamespaces,
  /** The ndx-events 0.4.0 namespace (added to the registry automatically when a file uses its types). */
  ndxEvents,
  /** The ndx-pose 0.1.1 namespace, as NeuroConv's reference files cache it (added automatically when used). */
  ndxPose,
  /** The ndx-sound namespace (declared version 0.1.0; added automatically when used). */
  ndxSound,
  registryFor,
} from "./nwb/schema/index.js";
export type { Namespace } from "./nwb/schema/spec.js";
export {
  /** Typed classes of every NWB core type, generated from the schema (`new coreTypes.IntracellularElectrode({...})`). */
  coreTypes,
  /** Typed classes of every hdmf-common type (DynamicTable, VectorData, ...), generated from the schema. */
  hdmfCommonTypes,
  /** Typed classes of every hdmf-experimental type, generated from the schema. */
  hdmfExperimentalTypes,
  /** Typed classes of the ndx-events 0.4.0 types (EventsTable, MeaningsTable, ...), generated from the schema. */
  ndxEventsTypes,
  /** Typed classes of the ndx-pose 0.1.1 types (PoseEstimation, PoseEstimationSeries), generated from the schema. */
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
  NeuroconvError,
  type NeuroconvErrorName,
  type NWBProblem,
  NWBValidationError,
  OutputPathError,
  SchemaError,
  SourceArgumentsError,
  SourceDataError,
  StorageError,
} from "./errors.js";
export { type Codec, type CodecOptions, codecNames, registerCodec } from "./storage/codecs.js";
export { registerStorageEngine, storageEngineNames } from "./storage/engines.js";
export { createHdf5Engine, type Hdf5EngineOptions, h5wasmEngine, hdf5Backend } from "./storage/hdf5/index.js";
export type { FilterSpec, StorageEngine, StorageReader, StorageWriter } from "./storage/types.js";
