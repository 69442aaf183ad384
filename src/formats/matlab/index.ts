export { Hdf5MatFile } from "./hdf5.js";
export { Level5File } from "./level5.js";
export { type MatFile, openMatFile, openMatFileSync } from "./matFile.js";
export {
  isMatStruct,
  MatArray,
  type MatLocation,
  type MatlabNumericClass,
  MatSparse,
  type MatStruct,
  MatUnsupported,
  type MatValue,
  matNumber,
  matNumbers,
  matString,
  rowMajor,
} from "./values.js";
