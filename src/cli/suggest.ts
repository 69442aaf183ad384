/**
 * Answers for interface names the command line does not know: NeuroConv interfaces not ported yet are
 * "not supported yet", anything else "unknown"; both name the closest interfaces we have.
 */
import { INTERFACES } from "../interfaces/registry.js";

/** NeuroConv's data interfaces and converters (its `neuroconv.datainterfaces` and converters). */
const NEUROCONV_INTERFACES = [
  "AlphaOmegaRecordingInterface",
  "AxonaRecordingInterface",
  "AxonaLFPDataInterface",
  "AxonaUnitRecordingInterface",
  "AxonaPositionDataInterface",
  "BiocamRecordingInterface",
  "BlackrockRecordingInterface",
  "BlackrockSortingInterface",
  "CEDRecordingInterface",
  "CellExplorerSortingInterface",
  "EDFRecordingInterface",
  "IntanRecordingInterface",
  "KiloSortSortingInterface",
  "MaxOneRecordingInterface",
  "MCSRawRecordingInterface",
  "MEArecRecordingInterface",
  "NeuralynxRecordingInterface",
  "NeuralynxSortingInterface",
  "NeuroScopeRecordingInterface",
  "NeuroScopeLFPInterface",
  "NeuroScopeSortingInterface",
  "OpenEphysRecordingInterface",
  "OpenEphysBinaryRecordingInterface",
  "OpenEphysLegacyRecordingInterface",
  "OpenEphysSortingInterface",
  "PhySortingInterface",
  "Plexon2RecordingInterface",
  "PlexonRecordingInterface",
  "PlexonSortingInterface",
  "Spike2RecordingInterface",
  "SpikeGadgetsRecordingInterface",
  "SpikeGLXRecordingInterface",
  "SpikeGLXNIDQInterface",
  "SpikeGLXConverterPipe",
  "TdtRecordingInterface",
  "AbfInterface",
  "BrukerTiffMultiPlaneImagingInterface",
  "BrukerTiffSinglePlaneImagingInterface",
  "CaimanSegmentationInterface",
  "CnmfeSegmentationInterface",
  "ExtractSegmentationInterface",
  "Hdf5ImagingInterface",
  "MicroManagerTiffImagingInterface",
  "MiniscopeImagingInterface",
  "MiniscopeConverter",
  "SbxImagingInterface",
  "ScanImageImagingInterface",
  "SimaSegmentationInterface",
  "Suite2pSegmentationInterface",
  "TiffImagingInterface",
  "AudioInterface",
  "DeepLabCutInterface",
  "FicTracDataInterface",
  "LightningPoseDataInterface",
  "LightningPoseConverter",
  "MedPCInterface",
  "MiniscopeBehaviorInterface",
  "NeuralynxNvtInterface",
  "SLEAPInterface",
  "VideoInterface",
  "CsvTimeIntervalsInterface",
  "ExcelTimeIntervalsInterface",
] as const;

/** Edit distance (insertions, deletions, substitutions) between two strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

const simplify = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The `count` registered names (class names and aliases) closest to `name`. */
export function closestInterfaces(name: string, count = 3): string[] {
  const wanted = simplify(name);
  const scored = INTERFACES.map(({ cls, aliases }) => {
    const score = Math.min(...[cls.name, ...aliases].map((n) => distance(wanted, simplify(n))));
    return { label: `${cls.name} (${aliases.join(", ")})`, score };
  });
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, count)
    .map((s) => s.label);
}

/** The NeuroConv interface `name` refers to (its class name, or a prefix such as "blackrock"), if any. */
export function neuroconvInterfaceNamed(name: string): string | undefined {
  const wanted = simplify(name);
  if (wanted.length === 0) return undefined;
  return (
    NEUROCONV_INTERFACES.find((n) => simplify(n) === wanted) ??
    (wanted.length >= 4 ? NEUROCONV_INTERFACES.find((n) => simplify(n).startsWith(wanted)) : undefined)
  );
}

/** The message for an interface name that is not registered. */
export function unknownInterfaceMessage(name: string): string {
  const closest = closestInterfaces(name).join(", ");
  const neuroconv = neuroconvInterfaceNamed(name);
  return neuroconv
    ? `NeuroConv's ${neuroconv} is not supported yet; the closest interfaces we have: ${closest} ('neuroconv list' shows all)`
    : `unknown interface '${name}'; the closest: ${closest} ('neuroconv list' shows all)`;
}
