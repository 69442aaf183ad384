export {
  type CellExplorerChannel,
  type CellExplorerSession,
  findSessionFile,
  readCellExplorerSession,
} from "./session.js";
export { type CellExplorerUnit, type CellExplorerUnits, readCellExplorerUnits } from "./units.js";
