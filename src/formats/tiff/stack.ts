/**
 * Movies made of TIFF pages: which page holds frame t (of plane z), across one or many files, and the lazy
 * source that reads only the pages of the frames asked for.
 */
import type { TypedArray } from "../../data/dtype.js";
import { type ChunkSource, reusedOrNew } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { TiffFile } from "./tiff.js";

/** One page of one file. */
export interface PageRef {
  readonly file: TiffFile;
  readonly page: number;
}

/** Every page of several files, in order: page `i` of the acquisition. */
export class PageSequence {
  readonly files: readonly TiffFile[];
  /** First acquisition page index of each file. */
  private readonly starts: number[];
  readonly length: number;

  constructor(files: readonly TiffFile[]) {
    this.files = files;
    this.starts = [];
    let total = 0;
    for (const file of files) {
      this.starts.push(total);
      total += file.pages.length;
    }
    this.length = total;
  }

  static open(paths: readonly string[]): PageSequence {
    return new PageSequence(paths.map((p) => TiffFile.open(p)));
  }

  at(index: number): PageRef {
    if (index < 0 || index >= this.length) {
      throw new RangeError(`page ${index} is outside the ${this.length} pages of the acquisition`);
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.files[lo]!, page: index - this.starts[lo]! };
  }
}

export interface PageStackOptions {
  readonly numFrames: number;
  readonly numPlanes: number;
  /** The page holding `plane` of `frame`. */
  pageAt(frame: number, plane: number): PageRef;
}

/**
 * Frames as NWB stores them: (time, x, y) for one plane, (time, x, y, z) for several, where x is the
 * image's column (TIFF rows are y). Each block reads only its own pages.
 *
 * @example
 * ```ts
 * const pages = PageSequence.open(["a.tif", "b.tif"]);
 * const movie = pageStack({ numFrames: pages.length, numPlanes: 1, pageAt: (t) => pages.at(t) });
 * const firstTen = await movie.readRows(0, 10); // (10, width, height)
 * ```
 */
export function pageStack(options: PageStackOptions): ChunkSource {
  const { numFrames, numPlanes } = options;
  if (numFrames < 1) throw new RangeError("a movie needs at least one frame");
  const first = options.pageAt(0, 0);
  const geometry = first.file.page(first.page);
  const { width, height, dtype } = geometry;
  const frameSize = width * height * numPlanes;
  const check = (ref: PageRef): void => {
    const page = ref.file.page(ref.page);
    if (page.width !== width || page.height !== height || page.dtype !== dtype) {
      throw new SourceDataError(
        ref.file.path,
        `page ${ref.page} is ${page.width}×${page.height} ${page.dtype}, unlike the first page (${width}×${height} ${dtype}); every frame of a movie must have one shape and type`,
      );
    }
  };
  return {
    dtype,
    shape: numPlanes > 1 ? [numFrames, width, height, numPlanes] : [numFrames, width, height],
    async readRows(start, end, reuse) {
      const out = reusedOrNew(dtype, reuse, (end - start) * frameSize);
      for (let t = start; t < end; t++) {
        for (let z = 0; z < numPlanes; z++) {
          const ref = options.pageAt(t, z);
          check(ref);
          const pixels = await ref.file.readPage(ref.page);
          transposeInto(pixels, out, (t - start) * frameSize + z, width, height, numPlanes);
        }
      }
      return out;
    },
  };
}

/** page[y][x] -> out[x][y][z] (z = the plane, already in `offset`). */
function transposeInto(
  page: TypedArray,
  out: TypedArray,
  offset: number,
  width: number,
  height: number,
  planes: number,
): void {
  const src = page as Uint16Array;
  const dst = out as Uint16Array;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) dst[offset + (x * height + y) * planes] = src[row + x]!;
  }
}
