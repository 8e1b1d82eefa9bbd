// Progress of a download or an extraction, for people: a bar redrawn in place on a TTY, otherwise one
// line every `intervalMs` (logs and CI), e.g.
//   fetch kather: CRC-VAL-HE-7K.zip 412/800 MB 35 MB/s ETA 11 s
import type { ExtractStats } from './extract.js';
import type { ByteProgress } from './http.js';

/** 412 kB, 41 MB, 4.1 GB (decimal units, as download sizes are published). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e11 ? 0 : 1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${Math.round(n)} B`;
}

/** "412/800 MB": both numbers in the unit of the total. */
function fraction(done: number, total: number): string {
  const [div, unit] = total >= 1e9 ? [1e9, 'GB'] : total >= 1e6 ? [1e6, 'MB'] : total >= 1e3 ? [1e3, 'kB'] : [1, 'B'];
  const digits = div > 1 && total / div < 10 ? 1 : 0; // 1.2 MB, not 1 MB
  return `${(done / div).toFixed(digits)}/${(total / div).toFixed(digits)} ${unit}`;
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.max(0, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** One progress line (no prefix): "CRC-VAL-HE-7K.zip 412/800 MB 35 MB/s ETA 11 s". */
export function progressText(file: string, p: ByteProgress, bytesPerSecond: number): string {
  const rate = `${formatBytes(bytesPerSecond)}/s`;
  if (p.total === undefined) return `${file} ${formatBytes(p.done)} ${rate}`;
  const eta = bytesPerSecond > 0 ? (p.total - p.done) / bytesPerSecond : Infinity;
  return `${file} ${fraction(p.done, p.total)} ${rate} ETA ${seconds(eta)}`;
}

export interface ProgressSink {
  bytes(file: string, p: ByteProgress): void;
  entries(file: string, s: ExtractStats): void;
  /** The current operation finished: end a TTY bar's line. */
  end(): void;
}

export interface ProgressOptions {
  /** Written as is (the reporter adds line ends and, on a TTY, carriage returns). */
  write: (text: string) => void;
  tty: boolean;
  /** "fetch kather: " */
  prefix: string;
  /** Non-TTY: the gap between lines (default 10 s). */
  intervalMs?: number;
}

export function progressReporter(o: ProgressOptions): ProgressSink {
  const interval = o.tty ? 200 : (o.intervalMs ?? 10_000);
  let current: string | null = null;
  let started = 0;
  let base = 0;
  let last = 0;
  let open = false;
  const begin = (key: string, done: number): void => {
    if (current === key) return;
    current = key;
    started = performance.now();
    base = done;
    last = started;
  };
  const show = (text: string, bar?: number): void => {
    if (o.tty) {
      const b = bar === undefined ? '' : `[${'#'.repeat(Math.round(bar * 24)).padEnd(24, '.')}] `;
      o.write(`\r\x1b[K${o.prefix}${b}${text}`);
      open = true;
    } else o.write(`${o.prefix}${text}\n`);
  };
  return {
    bytes(file, p) {
      begin(`bytes:${file}`, p.done);
      const now = performance.now();
      if (now - last < interval) return;
      last = now;
      const rate = (p.done - base) / Math.max(0.001, (now - started) / 1000);
      show(progressText(file, p, rate), p.total ? p.done / p.total : undefined);
    },
    entries(file, s) {
      begin(`entries:${file}`, 0);
      const now = performance.now();
      if (now - last < interval) return;
      last = now;
      show(`extracting ${file}: ${s.entries.toLocaleString('en-US')} entries, ${formatBytes(s.bytes)}`);
    },
    end() {
      if (open) o.write('\n');
      open = false;
      current = null;
    },
  };
}
