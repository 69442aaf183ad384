/** ScanImage TIFF acquisitions (2016 and later, and 3.x). */
export { type MatlabValue, parseMatlabAssignments, parseMatlabValue } from "./matlab.js";
export {
  findScanImageFiles,
  openScanImage,
  type ScanImageAcquisition,
  scanImageFrameTimes,
  scanImagePageLayout,
} from "./scanimage.js";
