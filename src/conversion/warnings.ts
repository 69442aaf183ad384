/**
 * The one channel for warnings about data left out, fallbacks and metadata. By default a warning goes
 * through Node's `process.emitWarning` (visible, and silenced or listened to the usual way); the command
 * line routes them to its own one-line output with {@link withWarningHandler}.
 */

/** Receives each warning: its text and its kind (e.g. "NeuroconvSourceWarning"). */
export type WarningHandler = (message: string, kind: string) => void;

const emitThroughNode: WarningHandler = (message, kind) => process.emitWarning(message, kind);
let handler: WarningHandler = emitThroughNode;

/**
 * Reports something the user should know: data left out, a header field missing and its fallback, metadata
 * to fix. Conversions go on after a warning.
 */
export function emitNeuroconvWarning(message: string, kind = "NeuroconvWarning"): void {
  handler(message, kind);
}

/**
 * Runs `work` with warnings sent to `onWarning` instead of Node's warning channel, then restores it.
 *
 * @example
 * ```ts
 * const warnings: string[] = [];
 * await withWarningHandler((message) => warnings.push(message), () => converter.runConversion(options));
 * ```
 */
export async function withWarningHandler<T>(onWarning: WarningHandler, work: () => Promise<T>): Promise<T> {
  const previous = handler;
  handler = onWarning;
  try {
    return await work();
  } finally {
    handler = previous;
  }
}

/**
 * One warning per header field a reader had to replace; each names the file, the field and the value used
 * ("<file>: <field> is missing; <fallback>").
 */
export function warnFallbacks(fallbacks: readonly string[]): void {
  for (const fallback of fallbacks) emitNeuroconvWarning(fallback, "NeuroconvSourceWarning");
}
