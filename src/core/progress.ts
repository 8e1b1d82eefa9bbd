// Progress events of long steps (hashing, the item loop, packing, fitting, inference). Lower layers
// emit them through a callback they are given; only src/cli/progress.ts draws them (a bar on a TTY,
// periodic lines otherwise), so nothing below the CLI writes to a terminal.

export interface ProgressEvent {
  /** What is being done: 'samples', 'hashing inputs', 'fitting reference model', ... */
  step: string;
  /** What it is done to (a dataset flag, a source id); part of the step's identity. */
  subject?: string;
  done: number;
  /** 0 when not known. */
  total: number;
  /** 'bytes': done/total are bytes (shown as MB/GB); default: a count. */
  unit?: 'bytes';
}

export type OnProgress = (e: ProgressEvent) => void;

export interface ProgressCounter {
  /** Add n (default 1) and emit. */
  (n?: number): void;
  /** The step is over: emit done = total if it was not reached (work skipped, files missing). */
  finish(): void;
}

/**
 * A counter for one step. Emits `done = 0` at once, so the step's clock starts when its work does.
 * Without a callback every call is a no-op.
 */
export function progressCounter(on: OnProgress | undefined, step: string, total: number, o: { subject?: string; unit?: 'bytes' } = {}): ProgressCounter {
  if (!on) return Object.assign(() => undefined, { finish: () => undefined });
  let done = 0;
  const base = { step, total, ...(o.subject !== undefined ? { subject: o.subject } : {}), ...(o.unit ? { unit: o.unit } : {}) };
  on({ ...base, done });
  const tick = (n = 1): void => {
    done += n;
    on({ ...base, done });
  };
  return Object.assign(tick, {
    finish: () => {
      if (total > 0 && done < total) tick(total - done);
    },
  });
}
