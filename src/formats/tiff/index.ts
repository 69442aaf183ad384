/** TIFF stacks (classic and BigTIFF), read one page at a time. */
export { decodeLzw, decodePackBits } from "./decompress.js";
export { DIMENSION_ORDERS, type DimensionOrder, type HyperstackOptions, hyperstack } from "./layout.js";
export { type PageRef, PageSequence, type PageStackOptions, pageStack } from "./stack.js";
export { Tag, TiffFile, type TiffPage } from "./tiff.js";
