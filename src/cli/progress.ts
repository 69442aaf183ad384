/**
 * Write progress on the command line: a bar on a terminal (with an ETA only once it means something), one
 * line per 10 % otherwise (logs, CI), or nothing (`--no-progress`).
 */
import { SingleBar } from "cli-progress";

export type ProgressMode = "bar" | "lines" | "off";

export interface ProgressReporter {
  update(bytesWritten: number, totalBytes: number): void;
  /** The write completed: show 100 %. */
  finish(): void;
  /** The write failed: clear the bar without claiming completion. */
  stop(): void;
}

/** "1m05s" / "42s"; "--" while too little is known. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--";
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Remaining time from the rate so far, "--" during the first second or before any byte is written. */
function eta(bytesWritten: number, totalBytes: number, seconds: number): string {
  if (seconds < 1 || bytesWritten <= 0) return "--";
  return formatEta(((totalBytes - bytesWritten) * seconds) / bytesWritten);
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** A reporter for `mode`; lines go to `writeLine` (stderr). */
export function progressReporter(mode: ProgressMode, writeLine: (text: string) => void): ProgressReporter {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  if (mode === "off") return { update: () => {}, finish: () => {}, stop: () => {} };
  if (mode === "lines") {
    let nextTenth = 1;
    let last: [number, number] | undefined;
    const line = (written: number, total: number, percent: number) =>
      writeLine(`writing: ${percent}% (${mb(written)} of ${mb(total)} MB, ${elapsed().toFixed(1)} s)`);
    return {
      update(written, total) {
        last = [written, total];
        const tenths = total > 0 ? Math.floor((10 * written) / total) : 10;
        if (tenths < nextTenth) return;
        nextTenth = tenths + 1;
        line(written, total, Math.min(100, tenths * 10));
      },
      finish() {
        if (last && nextTenth <= 10) line(last[1], last[1], 100);
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    format: " writing |{bar}| {percentage}% | {written}/{totalMb} MB | {speed} MB/s | ETA {remaining}",
    hideCursor: true,
    etaBuffer: 1,
  });
  let total = 0;
  const payload = (written: number) => ({
    written: mb(written),
    totalMb: mb(total),
    speed: (written / 1e6 / Math.max(elapsed(), 1e-3)).toFixed(1),
    remaining: eta(written, total, elapsed()),
  });
  let barStarted = false;
  return {
    update(written, totalBytes) {
      if (!barStarted) {
        total = totalBytes;
        bar.start(Math.max(totalBytes, 1), 0, payload(0));
        barStarted = true;
      }
      bar.update(written, payload(written));
    },
    finish() {
      if (!barStarted) return;
      bar.update(bar.getTotal(), { ...payload(total), remaining: "0s" });
      bar.stop();
    },
    stop() {
      if (barStarted) bar.stop();
    },
  };
}
