/** The HDF5 engines: our own writer (default) and h5wasm (reading, and a reference writer). */
export { createHdf5Engine, type Hdf5EngineOptions, hdf5Backend } from "./engine.js";
export { h5wasmEngine } from "./h5wasmBackend.js";
