/** NeuroScope / Klusters (Buzsáki lab NeuroSuite) files: the `.xml` parameters, sample files and clusters. */
export * from "./files.js";
export * from "./session.js";
