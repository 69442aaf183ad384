/**
 * How the shared codecs appear in HDF5 files (filter pipeline message, HDF5 File Format Specification
 * IV.A.2.l), and the format's limits on chunked datasets. Shared by the writer engine and the h5wasm reader.
 */
import { bytesPerElement, elementCount } from "../../data/dtype.js";
import { DEFAULT_GZIP_LEVEL } from "../codecs.js";
import type { ChunkedDatasetRequest, FilterSpec } from "../types.js";

/** HDF5's predefined filter ids (H5Zpublic.h). */
const H5Z_FILTER_DEFLATE = 1;
const H5Z_FILTER_SHUFFLE = 2;

/** The codecs HDF5 can record without a plugin. */
export const HDF5_CODECS: readonly string[] = ["shuffle", "gzip"];

/** One entry of a filter pipeline message. */
export interface Hdf5FilterEntry {
  readonly id: number;
  readonly name: string;
  readonly clientData: readonly number[];
}

/** The filter pipeline entry of a codec step; shuffle's client data is the element size, deflate's the level. */
export function hdf5FilterOf(filter: FilterSpec, elementSize: number): Hdf5FilterEntry {
  switch (filter.codec) {
    case "shuffle":
      return { id: H5Z_FILTER_SHUFFLE, name: "shuffle", clientData: [elementSize] };
    case "gzip":
      return {
        id: H5Z_FILTER_DEFLATE,
        name: "deflate",
        clientData: [filter.options?.level ?? DEFAULT_GZIP_LEVEL],
      };
    default:
      throw new Error(`HDF5 has no filter for codec '${filter.codec}'`);
  }
}

/** The codec step a filter pipeline entry stands for (unknown filters keep their numeric id). */
export function filterSpecOf(id: number, clientData: readonly number[]): FilterSpec {
  if (id === H5Z_FILTER_SHUFFLE) return { codec: "shuffle" };
  if (id === H5Z_FILTER_DEFLATE) return { codec: "gzip", options: { level: clientData[0] ?? 0 } };
  return { codec: `hdf5-filter-${id}` };
}

/** HDF5 stores a chunk's size in 32 bits: chunks of 4 GiB or more cannot be stored. */
const MAX_CHUNK_BYTES = 2 ** 32 - 1;

/** Why HDF5 cannot store this chunked dataset, or undefined. */
export function hdf5ChunkingProblem(request: ChunkedDatasetRequest): string | undefined {
  const itemBytes = request.dtype === "bool" ? 1 : bytesPerElement(request.dtype);
  if (elementCount(request.chunks) * itemBytes > MAX_CHUNK_BYTES) {
    return `a chunk of [${request.chunks}] is 4 GiB or more, which HDF5 cannot store; use smaller chunks`;
  }
  const unknown = request.filters.find((f) => !HDF5_CODECS.includes(f.codec));
  if (unknown) return `HDF5 files here can record ${HDF5_CODECS.join(" and ")}, not '${unknown.codec}'`;
  return undefined;
}
