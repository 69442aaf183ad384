/** Tucker-Davis Technologies block interface. */
export {
  TdtRecordingInterface,
  type TdtRecordingSource,
  TdtRecordingSourceSchema,
} from "./tdtInterface.js";
