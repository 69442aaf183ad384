/** The HDF5 storage engine (h5wasm). */
import type { StorageBackend } from "../types.js";
import { h5wasmBackend } from "./h5wasmBackend.js";

/** Writes and reads HDF5 files through h5wasm; the wasm module is loaded on first use. */
export const hdf5Backend: StorageBackend = h5wasmBackend;
