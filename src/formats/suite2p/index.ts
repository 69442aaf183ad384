/** Suite2p output folders. */
export { readSuite2pPlane, type Suite2pPlane, type Suite2pRoi, suite2pPlaneNames } from "./suite2p.js";
