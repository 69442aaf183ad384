/**
 * Tucker-Davis Technologies tank blocks (`.tsq` index, `.tev` data, `.sev` stream files). Knows nothing of NWB.
 */
export {
  openTdtBlock,
  type TdtBlock,
  type TdtEpocs,
  type TdtOtherStore,
  type TdtSnippets,
  type TdtStream,
} from "./tank.js";
