/**
 * What the container index of a video says about its frames, without decoding any of them.
 */

export type VideoContainer = "mp4" | "avi" | "matroska";

export interface VideoIndex {
  readonly filePath: string;
  readonly container: VideoContainer;
  /** Codec as the container names it (MP4/AVI FourCC such as "avc1" or "MJPG", Matroska "V_MPEG4/ISO/AVC"). */
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  /** Presentation time of every frame in seconds, ascending, on the container's own clock. */
  readonly timestamps: Float64Array;
  /** Ticks per second of the container's clock (its time resolution): MP4 timescale, AVI rate/scale, ... */
  readonly clockRate: number;
  /** Frame rate the container states, when it states one (AVI header, Matroska DefaultDuration). */
  readonly nominalRate?: number;
}
