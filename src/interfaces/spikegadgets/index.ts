/** SpikeGadgets Trodes interface. */
export {
  SpikeGadgetsRecordingInterface,
  type SpikeGadgetsRecordingSource,
  SpikeGadgetsRecordingSourceSchema,
} from "./spikeGadgetsInterface.js";
