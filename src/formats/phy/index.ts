/** Phy / Kilosort output folders: spike times, cluster properties, templates. Knows nothing of NWB. */
export {
  type ClusterProperties,
  KNOWN_COLUMN_DESCRIPTIONS,
  type PhyColumn,
  parseClusterFile,
  readClusterProperties,
} from "./clusterTables.js";
export { type PhyParams, parsePhyParams, readPhyParams } from "./params.js";
export { type PhySorting, type PhyUnit, type ReadPhyOptions, readPhyFolder } from "./phy.js";
