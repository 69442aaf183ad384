/**
 * SpikeGadgets Trodes `.rec` reader: XML header, packet layout, neural channels with their nTrodes and
 * scales. Knows nothing of NWB.
 */
export {
  DEFAULT_MICROVOLTS_PER_BIT,
  openRecFile,
  type RecChannel,
  type RecDevice,
  type RecDeviceChannel,
  type RecDigitalLine,
  type RecFile,
} from "./rec.js";
