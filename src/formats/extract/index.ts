export { type ExtractOutput, readExtractOutput } from "./extract.js";
