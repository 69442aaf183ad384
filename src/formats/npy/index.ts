/** NumPy `.npy` reader and the small Python-literal reader it (and Phy's `params.py`) needs. */
export {
  type NpyArray,
  type NpyDtype,
  NpyFile,
  type NpyHeader,
  type NpyReadOptions,
  npyToFloat64,
  parseNpy,
  parseNpyHeader,
  readNpy,
  readNpyHeader,
  readNpyRows,
} from "./npy.js";
export {
  type PyAssignment,
  PyLiteralError,
  type PyValue,
  parsePyAssignments,
  parsePyLiteral,
} from "./pyliteral.js";
