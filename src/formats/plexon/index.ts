/**
 * Plexon reader: `.plx` files (continuous channels, spikes with sorted units, events). Knows nothing of NWB.
 */
export {
  openPlxFile,
  type PlxEventChannel,
  type PlxFile,
  type PlxSegment,
  type PlxSlowChannel,
  type PlxStream,
  type PlxUnit,
} from "./plx.js";
