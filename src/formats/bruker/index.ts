/** Bruker PrairieView T-series folders. */
export { type BrukerFrame, type BrukerFrameFile, type BrukerTSeries, readBrukerTSeries } from "./tseries.js";
