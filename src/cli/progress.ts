// A progress bar on stderr, drawn only when stderr is a TTY (design §4).
import type { ProgressEvent } from '../engine/convert.js';

export function progressReporter(enabled = process.stderr.isTTY === true): ((e: ProgressEvent) => void) | undefined {
  if (!enabled) return undefined;
  let last = 0;
  const t0 = performance.now();
  return (e) => {
    const now = performance.now();
    if (e.done !== e.total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = Math.round((e.done / Math.max(1, e.total)) * width);
    const rate = e.done / Math.max(0.001, (now - t0) / 1000);
    process.stderr.write(
      `\r${e.flag} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.done}/${e.total} ${rate.toFixed(0)} img/s`,
    );
    if (e.done === e.total) process.stderr.write('\n');
  };
}
