/** CaImAn results (HDF5). */
export { type CaimanComponent, type CaimanResults, readCaimanResults } from "./caiman.js";
