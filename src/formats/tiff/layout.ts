/**
 * Where frame t, channel c and plane z are in a sequence of pages, for stacks that interleave channels and
 * planes in a fixed order (ImageJ hyperstacks, OME-TIFF, generic multi-page files).
 */
import { SourceDataError } from "../../errors.js";
import type { PageSequence, PageStackOptions } from "./stack.js";

/**
 * The order in which pages step through the dimensions, fastest first (OME's DimensionOrder without XY):
 * "ZCT" means planes change every page, then channels, then time.
 */
export type DimensionOrder = "ZCT" | "ZTC" | "CZT" | "CTZ" | "TZC" | "TCZ";

export const DIMENSION_ORDERS: readonly DimensionOrder[] = ["ZCT", "ZTC", "CZT", "CTZ", "TZC", "TCZ"];

export interface HyperstackOptions {
  readonly dimensionOrder: DimensionOrder;
  readonly numChannels: number;
  readonly numPlanes: number;
  /** The channel read (0-based). */
  readonly channel: number;
}

/**
 * The frames of one channel of a hyperstack. Trailing pages that do not complete a frame (an acquisition
 * stopped mid-volume) are left out and counted in `leftOver`.
 */
export function hyperstack(
  pages: PageSequence,
  options: HyperstackOptions,
): PageStackOptions & { readonly leftOver: number } {
  const { dimensionOrder, numChannels, numPlanes, channel } = options;
  const where = pages.files[0]?.path ?? "<no file>";
  if (channel < 0 || channel >= numChannels) {
    throw new SourceDataError(
      where,
      `channel ${channel} does not exist: the stack has ${numChannels} channel(s)`,
    );
  }
  const perFrame = numChannels * numPlanes;
  const numFrames = Math.floor(pages.length / perFrame);
  if (numFrames < 1) {
    throw new SourceDataError(
      where,
      `${pages.length} page(s) cannot hold one frame of ${numChannels} channel(s) × ${numPlanes} plane(s); check numChannels and numPlanes`,
    );
  }
  const sizes: Record<string, number> = { Z: numPlanes, C: numChannels, T: numFrames };
  const strides: Record<string, number> = {};
  let stride = 1;
  for (const axis of dimensionOrder) {
    strides[axis] = stride;
    stride *= sizes[axis]!;
  }
  return {
    numFrames,
    numPlanes,
    leftOver: pages.length - numFrames * perFrame,
    pageAt: (t, z) => pages.at(t * strides.T! + channel * strides.C! + z * strides.Z!),
  };
}
