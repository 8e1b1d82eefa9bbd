// Progress of long steps on stderr (design §4): a bar on a TTY, otherwise one line every few seconds,
// e.g. `convert dermamnist: samples 3000/10015 (30%, 1200/s, ETA 6 s)`. A step shows nothing until it
// has run for about two seconds, so quick steps stay silent; a step that showed progress ends with one
// line saying how long it took. `--quiet` turns it off; stdout (and so `--json`) is never touched.
// MEDMNIST_BUILD_PROGRESS_MS=D[,I] sets the delay before a step shows and the interval between lines
// (tests use 0 to see every event).
import type { OnProgress, ProgressEvent } from '../core/progress.js';
import { formatBytes } from './common.js';

export type { OnProgress, ProgressEvent } from '../core/progress.js';

export interface ReporterOptions {
  /** The command shown at the start of each line (`convert`, `verify`...). */
  command: string;
  /** No output at all. */
  quiet?: boolean;
  /** Draw a bar (default: stderr is a TTY). */
  tty?: boolean;
  write?: (text: string) => void;
  /** Terminal width for the bar (default: stderr's columns, else 100). */
  columns?: number;
  /** How long a step runs before it shows (default 2000 ms). */
  delayMs?: number;
  /** Least time between two updates (default 3000 ms in line mode, 100 ms for the bar). */
  intervalMs?: number;
  now?: () => number;
}

interface StepState {
  start: number;
  last: number;
  printed: boolean;
  /** The rate is measured since this point (moved every RATE_WINDOW_MS), so it follows the current speed. */
  mark: { t: number; done: number };
  rate: number | null;
}

const DEFAULT_DELAY_MS = 2000;
const LINE_INTERVAL_MS = 3000;
const BAR_INTERVAL_MS = 100;
const BAR_WIDTH = 24;
const RATE_WINDOW_MS = 2000;

/** MEDMNIST_BUILD_PROGRESS_MS: `D` (delay and interval) or `D,I`. */
function envTiming(): { delayMs?: number; intervalMs?: number } {
  const v = process.env['MEDMNIST_BUILD_PROGRESS_MS'];
  if (!v) return {};
  const [d, i] = v.split(',').map((x) => Number(x.trim()));
  if (d === undefined || !Number.isFinite(d) || d < 0) return {};
  return { delayMs: d, intervalMs: i !== undefined && Number.isFinite(i) && i >= 0 ? i : d };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function formatRate(perSecond: number, bytes: boolean): string {
  if (bytes) return `${formatBytes(perSecond)}/s`;
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}/s`;
}

export class ProgressReporter {
  /** The callback to hand to the engine; undefined when quiet (so no event is even built). */
  readonly onProgress: OnProgress | undefined;
  private readonly steps = new Map<string, StepState>();
  /** TTY: the step whose bar is on the current line. */
  private open: StepState | null = null;
  private readonly o: Required<Omit<ReporterOptions, 'quiet'>>;

  constructor(o: ReporterOptions) {
    const tty = o.tty ?? process.stderr.isTTY === true;
    const env = envTiming();
    this.o = {
      command: o.command,
      tty,
      write: o.write ?? ((t) => void process.stderr.write(t)),
      columns: o.columns ?? (process.stderr.columns || 100),
      delayMs: o.delayMs ?? env.delayMs ?? DEFAULT_DELAY_MS,
      intervalMs: o.intervalMs ?? env.intervalMs ?? (tty ? BAR_INTERVAL_MS : LINE_INTERVAL_MS),
      now: o.now ?? (() => performance.now()),
    };
    this.onProgress = o.quiet ? undefined : (e) => this.event(e);
  }

  private event(e: ProgressEvent): void {
    const key = `${e.subject ?? ''}\u0000${e.step}`;
    const now = this.o.now();
    let s = this.steps.get(key);
    if (!s) this.steps.set(key, (s = { start: now, last: -Infinity, printed: false, mark: { t: now, done: e.done }, rate: null }));
    const complete = e.total > 0 && e.done >= e.total;
    if (complete) {
      this.steps.delete(key);
      if (s.printed) this.draw(s, e, now, true);
      return;
    }
    if (now - s.start < this.o.delayMs || now - s.last < this.o.intervalMs) return;
    s.last = now;
    s.printed = true;
    this.draw(s, e, now, false);
  }

  private text(s: StepState, e: ProgressEvent, now: number, final: boolean): { label: string; amount: string; rate: string; tail: string } {
    const bytes = e.unit === 'bytes';
    const seconds = (now - s.start) / 1000;
    const label = `${this.o.command}${e.subject ? ` ${e.subject}` : ''}: ${e.step}`;
    const amount = bytes ? (e.total > 0 ? `${formatBytes(e.done)}/${formatBytes(e.total)}` : formatBytes(e.done)) : e.total > 0 ? `${e.done}/${e.total}` : String(e.done);
    // While running: the rate over the last window of about two seconds (or since the start, at first);
    // at the end: the average over the whole step.
    if (!final && now - s.mark.t >= RATE_WINDOW_MS) {
      s.rate = ((e.done - s.mark.done) * 1000) / (now - s.mark.t);
      s.mark = { t: now, done: e.done };
    }
    const perSecond = !final && s.rate !== null ? s.rate : e.done / Math.max(seconds, 1e-3);
    const rate = formatRate(perSecond, bytes);
    let tail = '';
    if (final) tail = `done in ${formatDuration(seconds)}`;
    else if (e.total > 0 && perSecond > 0) tail = `ETA ${formatDuration((e.total - e.done) / perSecond)}`;
    return { label, amount, rate, tail };
  }

  private draw(s: StepState, e: ProgressEvent, now: number, final: boolean): void {
    const t = this.text(s, e, now, final);
    const pct = e.total > 0 ? `${Math.floor((Math.min(e.done, e.total) / e.total) * 100)}%, ` : '';
    if (!this.o.tty) {
      this.o.write(`${t.label} ${t.amount} (${pct}${t.rate}${t.tail ? `, ${t.tail}` : ''})\n`);
      return;
    }
    if (this.open && this.open !== s) this.o.write('\n');
    const filled = e.total > 0 ? Math.round((Math.min(e.done, e.total) / e.total) * BAR_WIDTH) : 0;
    const bar = e.total > 0 ? ` [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]` : '';
    let line = `${t.label}${bar} ${t.amount} ${t.rate}${t.tail ? ` ${t.tail}` : ''}`;
    const max = Math.max(20, this.o.columns - 1);
    if (line.length > max) line = line.slice(0, max);
    this.o.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    this.open = final ? null : s;
  }

  /** Write a message line without tearing a bar (the bar is redrawn on its next update). */
  log(message: string): void {
    if (this.open) {
      this.o.write('\r\x1b[K');
      this.open.last = -Infinity;
      this.open = null;
    }
    this.o.write(message.endsWith('\n') ? message : `${message}\n`);
  }

  /** End an unfinished bar's line (call when the command ends, also on error). */
  finish(): void {
    if (this.open) this.o.write('\n');
    this.open = null;
  }
}

/** The reporter of a command from its parsed arguments (`--quiet`). */
export function reporterFor(command: string, args: Record<string, unknown>): ProgressReporter {
  return new ProgressReporter({ command, quiet: args['quiet'] === true });
}

/** A progress callback for the engine (undefined when quiet). */
export function progressReporter(o: Partial<ReporterOptions> = {}): OnProgress | undefined {
  return new ProgressReporter({ command: 'medmnist-build', ...o }).onProgress;
}
