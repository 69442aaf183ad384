/**
 * Blackrock (Cerebus, NeuroPort) reader: NSx continuous files of specs 2.1 to 3.0 and NEV event files.
 * Knows nothing of NWB.
 */
export {
  type NevElectrode,
  type NevEvents,
  type NevFile,
  type NevUnit,
  readNevFile,
} from "./nev.js";
export {
  BLACKROCK_MAIN_RATE,
  type BlackrockSpec,
  type NsxChannel,
  type NsxFile,
  type NsxSegment,
  openNsxFile,
} from "./nsx.js";
