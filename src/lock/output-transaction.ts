// The output folder's commit protocol (design §7, §8.3): after an interruption at any instant (SIGKILL,
// power loss, full disk, Ctrl-C), the folder reads as the old build or the new one, lock included:
// immediately, or after the next command's automatic recovery. README "Crash safety" explains it to
// users. The protocol is a roll-forward journal:
//
//   1. lock     `<out>/.medmnist-build.lock` is created exclusively (O_EXCL) and names the holder (pid,
//               process start time, command). A second writer fails at once naming that pid; a lock
//               whose process is gone is stale and taken over (and the folder recovered first).
//   2. stage    every output, and the new datasets.lock.json, is written into the staging folder
//               `<out>/.medmnist-build-tmp-XXXXXX/`. Nothing outside it changes. Every staged file and
//               folder is then fsynced.
//   3. journal  `<out>/.medmnist-build-journal.json` (the list of renames staging -> final name) is
//               written to a temporary name, fsynced, renamed into place, and the folder fsynced. This
//               rename is the commit point: before it the old build stands, after it the new one does.
//   4. apply    each staged path is renamed over its final name (a folder being replaced is first moved
//               aside into `<out>/.medmnist-build-trash-XXXXXX/`); the lock is renamed last. Every step
//               is idempotent: a staged path that is gone was already renamed.
//   5. finish   the folders are fsynced, the journal is removed (fsync), staging and trash are deleted.
//
// Steps 3-5 run synchronously, so a SIGINT/SIGTERM (handled on the event loop) never interrupts them: an
// interrupt before step 3 abandons the build (old build stands), one after it finds the build committed.
// Recovery (every writing command after taking the lock, and `verify`): a journal present means a commit
// was interrupted after its commit point: apply it again (roll forward) and finish. Without a journal,
// staging, shard-spill and trash folders and half-written journals are leftovers of an abandoned run:
// delete them (roll back). Both are reported on stderr.
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fsyncDirSync, fsyncFile, writeFileAtomicSync } from '../core/atomic-write.js';
import { DataError, UsageError } from '../core/errors.js';
import { testPoint } from '../core/test-hooks.js';

export const TMP_PREFIX = '.medmnist-build-tmp-';
export const SHARDS_PREFIX = '.medmnist-build-shards-';
export const TRASH_PREFIX = '.medmnist-build-trash-';
export const JOURNAL_NAME = '.medmnist-build-journal.json';
export const FOLDER_LOCK_NAME = '.medmnist-build.lock';
/** Names the tool itself keeps in an output folder while it works (verify never calls them unexpected). */
export function isControlName(name: string): boolean {
  return name.startsWith('.medmnist-build');
}

// ---------------------------------------------------------------------------------------------------
// The folder lock

interface Holder {
  pid: number;
  /** /proc/<pid>/stat start time (Linux), so a recycled pid is not taken for the holder. */
  start: string | null;
  host: string;
  command: string;
  since: string;
}

function procStart(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(h: Holder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (h.start !== null && existsSync('/proc/self/stat')) return procStart(h.pid) === h.start;
  return true;
}

function readHolder(path: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null; // being written, or garbage: treated as stale below only if it stays so
  }
}

const held = new Map<string, { count: number; createdOut: boolean; path: string }>();

/** One line per thing recovery did, for stderr. */
export type Notes = (line: string) => void;
const defaultNotes: Notes = (l) => process.stderr.write(`medmnist-build: ${l}\n`);

/** The command line, for the folder lock (who holds it). */
function commandLine(): string {
  return process.argv.slice(2).join(' ').slice(0, 300);
}

/**
 * Take the exclusive lock on `out` (created if missing) for this process, then recover the folder from
 * any interrupted run. Re-entrant within one process. Throws a DataError naming the holder when another
 * live process has it.
 */
export function acquireOutputFolder(outArg: string, notes: Notes = defaultNotes, opts: { create?: boolean } = {}): void {
  const out = resolve(outArg);
  const mine = held.get(out);
  if (mine) {
    mine.count++;
    return;
  }
  hookSignals();
  const st = statSync(out, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new UsageError(`--out ${out} exists and is not a folder; name a folder (it is created if missing).`);
  let createdOut = false;
  if (!st) {
    if (opts.create === false) throw new DataError(`${out} does not exist.`);
    try {
      mkdirSync(out, { recursive: true });
    } catch (err) {
      throw fsError(err, `cannot create the output folder ${out}`);
    }
    createdOut = true;
  }
  const path = join(out, FOLDER_LOCK_NAME);
  const me: Holder = { pid: process.pid, start: procStart(process.pid), host: hostName(), command: commandLine(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify(me) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      fsyncDirSync(out);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw fsError(err, `cannot lock the output folder ${out}`);
      const h = readHolder(path);
      if (h && (h.host !== me.host || alive(h))) {
        throw new DataError(
          `${out} is being written by another medmnist-build (pid ${h.pid}${h.host !== me.host ? ` on ${h.host}` : ''}, \`${h.command}\`, since ${h.since}); ` +
            `wait for it to finish. If no such process is running, delete ${path} and run again.`,
        );
      }
      if (!h && attempt === 0) {
        // Someone is writing it this very moment, or it is garbage: look again once after a pause.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
        continue;
      }
      if (attempt > 3) throw new DataError(`cannot take the lock ${path}; delete it and run again.`);
      // Stale: its process is gone. Move it aside atomically (only one contender wins), then retry.
      try {
        renameSync(path, `${path}.stale-${process.pid}`);
        rmSync(`${path}.stale-${process.pid}`, { force: true });
        notes(`${out}: took over the lock of pid ${h?.pid ?? '?'}, which is no longer running`);
      } catch {
        /* another process moved it first: retry, and meet its lock */
      }
    }
  }
  held.set(out, { count: 1, createdOut, path });
  try {
    recoverOutputFolder(out, notes);
  } catch (err) {
    releaseOutputFolder(out);
    throw err;
  }
}

function hostName(): string {
  try {
    return readFileSync('/proc/sys/kernel/hostname', 'utf8').trim();
  } catch {
    return process.env['HOSTNAME'] ?? '';
  }
}

/** Release the folder lock; an output folder this process created is removed again if left empty. */
export function releaseOutputFolder(outArg: string): void {
  const out = resolve(outArg);
  const mine = held.get(out);
  if (!mine || --mine.count > 0) return;
  held.delete(out);
  rmSync(mine.path, { force: true });
  if (mine.createdOut) {
    try {
      if (readdirSync(out).length === 0) rmdirSync(out);
    } catch {
      /* not empty, or gone */
    }
  }
}

export function holdsOutputFolder(out: string): boolean {
  return held.has(resolve(out));
}

/** Run `fn` holding the folder lock. */
export async function withOutputFolder<T>(out: string, fn: () => Promise<T>, notes?: Notes): Promise<T> {
  acquireOutputFolder(out, notes);
  try {
    return await fn();
  } finally {
    releaseOutputFolder(out);
  }
}

// ---------------------------------------------------------------------------------------------------
// The journal and recovery

interface JournalEntry {
  /** Relative to the output folder (staged path). */
  from: string;
  /** Relative to the output folder, or absolute (a lock file outside it). */
  to: string;
  /** Copy instead of rename (a lock file on another file system). */
  copy?: boolean;
  /** Delete `to` (an output pruned by this build); `from` is unused. */
  remove?: boolean;
}

interface Journal {
  version: 1;
  pid: number;
  staging: string;
  entries: JournalEntry[];
}

function removeTree(path: string): void {
  // A signal can arrive while the thread pool still writes into the folder: retry ENOTEMPTY.
  rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
}

function folderBytes(path: string): number {
  let n = 0;
  const visit = (p: string): void => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else n += st.size;
  };
  visit(path);
  return n;
}

function applyJournal(out: string, j: Journal): void {
  let trash: string | null = null;
  const dirs = new Set<string>([out]);
  j.entries.forEach((e, i) => {
    const from = resolve(out, e.from);
    const to = resolve(out, e.to);
    dirs.add(dirname(to));
    if (e.remove) {
      // Idempotent: a pruned output already gone was removed before the interruption.
      const cur = lstatSync(to, { throwIfNoEntry: false });
      if (!cur) return;
      if (cur.isDirectory()) {
        trash ??= mkdtempSync(join(out, TRASH_PREFIX));
        renameSync(to, join(trash, `${i}`));
      } else unlinkSync(to);
    } else if (e.copy) {
      if (!existsSync(from)) return;
      const tmp = `${to}.medmnist-build-copy`;
      copyFileSync(from, tmp);
      const fd = openSync(tmp, 'r');
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, to);
    } else {
      if (!existsSync(from)) return; // renamed before the interruption
      const cur = lstatSync(to, { throwIfNoEntry: false });
      if (cur?.isDirectory()) {
        trash ??= mkdtempSync(join(out, TRASH_PREFIX));
        renameSync(to, join(trash, `${i}`));
      }
      renameSync(from, to);
    }
    testPoint('commit-renamed');
  });
  for (const d of dirs) fsyncDirSync(d);
}

/**
 * Bring `out` to a consistent state after an interrupted run: roll a journalled commit forward, delete
 * the leftovers of an abandoned one. Caller holds the folder lock. Returns what it did.
 */
export function recoverOutputFolder(out: string, notes: Notes = defaultNotes): string[] {
  const did: string[] = [];
  const say = (l: string): void => {
    did.push(l);
    notes(l);
  };
  const journalPath = join(out, JOURNAL_NAME);
  if (existsSync(journalPath)) {
    let j: Journal;
    try {
      j = JSON.parse(readFileSync(journalPath, 'utf8')) as Journal;
      if (j.version !== 1 || !Array.isArray(j.entries)) throw new Error('unknown journal version');
    } catch (err) {
      throw new DataError(
        `${journalPath}: the journal of an interrupted commit cannot be read (${(err as Error).message}). ` +
          `The folder may mix two builds: rebuild it with \`medmnist-build convert\` into a new --out.`,
      );
    }
    applyJournal(out, j);
    unlinkSync(journalPath);
    fsyncDirSync(out);
    removeTree(join(out, basename(j.staging)));
    for (const name of readdirSync(out)) if (name.startsWith(TRASH_PREFIX)) removeTree(join(out, name));
    say(`${out}: completed the commit of an interrupted run (pid ${j.pid}): the folder now holds that run's new build`);
  }
  let n = 0;
  let bytes = 0;
  const names: string[] = [];
  for (const name of readdirSync(out)) {
    const stale =
      name.startsWith(TMP_PREFIX) ||
      name.startsWith(SHARDS_PREFIX) ||
      name.startsWith(TRASH_PREFIX) ||
      (name.startsWith(`.${JOURNAL_NAME}.`) && name.endsWith('.tmp')) ||
      name === '.medmnist-build-test-filler.removed';
    if (!stale) continue;
    const p = join(out, name);
    bytes += folderBytes(p);
    removeTree(p);
    names.push(name);
    n++;
  }
  if (n > 0) {
    fsyncDirSync(out);
    say(
      `${out}: removed ${n} temporary folder${n === 1 ? '' : 's'} (${(bytes / 1e6).toFixed(1)} MB) left by an interrupted run; its outputs were never committed ` +
        `(${names.sort().join(', ')}: safe to delete, nothing refers to ${n === 1 ? 'it' : 'them'})`,
    );
  }
  return did;
}

/** True when `out` holds a journal or leftovers that recovery would act on. */
export function needsRecovery(out: string): boolean {
  try {
    return readdirSync(out).some((n) => n === JOURNAL_NAME || n.startsWith(TMP_PREFIX) || n.startsWith(SHARDS_PREFIX) || n.startsWith(TRASH_PREFIX));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Signals

const live = new Set<OutputTransaction>();
let committedOnce = false;
let signalsHooked = false;

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      const abandoned = live.size > 0 || !committedOnce;
      for (const t of live) t.abortSync();
      for (const out of [...held.keys()]) {
        held.get(out)!.count = 1;
        releaseOutputFolder(out);
      }
      process.stderr.write(
        `\nmedmnist-build: interrupted (${sig}); ` +
          (abandoned ? 'no outputs were changed (the build was abandoned)\n' : 'the new build had already been committed (complete, lock included)\n'),
      );
      process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// The transaction

/** A file system error as a message naming the path, what was being done and what to do. */
export function fsError(err: unknown, doing: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof DataError || err instanceof UsageError || !e?.code) return err as Error;
  const where = e.path ? ` (${e.path})` : '';
  const fix: Record<string, string> = {
    ENOSPC: 'the disk is full: free space there (or choose another --out) and run again',
    EDQUOT: 'the disk quota is exhausted: free space (or choose another --out) and run again',
    EROFS: 'that file system is read-only: choose a writable --out',
    EACCES: 'permission denied: choose a folder you can write, or fix its permissions',
    EPERM: 'operation not permitted: choose a folder you can write, or fix its permissions',
    EISDIR: 'a folder is in the way where a file must go: move it away',
    ENOTDIR: 'a file is in the way where a folder must be: move it away',
    EMFILE: 'too many open files: raise `ulimit -n` or lower --workers',
    EIO: 'an input/output error from the disk: check the device',
  };
  return new DataError(`${doing}${where}: ${e.code}, ${fix[e.code] ?? e.message}.`);
}

export class OutputTransaction {
  private closed = false;
  /** True once the commit point (the journal) is passed. */
  committed = false;
  private constructor(
    readonly outDir: string,
    readonly tmpDir: string,
  ) {}

  /** Start staging into `outDir`, which this process must hold (acquireOutputFolder). */
  static async begin(outArg: string): Promise<OutputTransaction> {
    const outDir = resolve(outArg);
    if (!holdsOutputFolder(outDir)) throw new Error(`internal: output folder ${outDir} is not locked`);
    // Synchronous from here to the registration: a SIGINT can never see an unregistered staging folder.
    let tmp: string;
    try {
      tmp = mkdtempSync(join(outDir, TMP_PREFIX));
    } catch (err) {
      throw fsError(err, `cannot create a staging folder in ${outDir}`);
    }
    const t = new OutputTransaction(outDir, tmp);
    live.add(t);
    return t;
  }

  /** Path of a file inside the staging folder. */
  path(name: string): string {
    return join(this.tmpDir, name);
  }

  /**
   * Commit the staged files `names` (relative to the staging folder; may be folders), and optionally a
   * staged lock file (inside the staging folder) that replaces `lock.to` (absolute path), and delete the
   * outputs `remove` (relative to the output folder), atomically and durably: see the protocol at the top
   * of this file.
   */
  async commit(names: readonly string[], lock?: { staged: string; to: string }, remove: readonly string[] = []): Promise<void> {
    if (this.closed) throw new Error('internal: transaction already closed');
    testPoint('commit-begin');
    // 2. durability of what was staged
    await fsyncTree(this.tmpDir);
    testPoint('commit-synced');
    const staging = basename(this.tmpDir);
    const entries: JournalEntry[] = names.map((n) => ({ from: `${staging}/${n}`, to: n }));
    // Pruned outputs go in the same commit, before the lock that stops listing them.
    for (const n of remove) if (!names.includes(n)) entries.push({ from: '', to: n, remove: true });
    if (lock) {
      const from = relative(this.outDir, lock.staged);
      const sameFs = statSync(lock.staged).dev === statSync(dirname(lock.to)).dev;
      const inside = !relative(this.outDir, lock.to).startsWith('..');
      entries.push({ from, to: inside ? relative(this.outDir, lock.to) : lock.to, ...(sameFs ? {} : { copy: true }) });
    }
    const journal: Journal = { version: 1, pid: process.pid, staging, entries };
    // 3.-5. synchronous: no signal handler runs in between
    writeFileAtomicSync(join(this.outDir, JOURNAL_NAME), JSON.stringify(journal) + '\n');
    testPoint('commit-journal-written');
    this.closed = true;
    this.committed = true;
    live.delete(this);
    try {
      applyJournal(this.outDir, journal);
      testPoint('commit-applied');
      unlinkSync(join(this.outDir, JOURNAL_NAME));
      fsyncDirSync(this.outDir);
    } catch (err) {
      // Past the commit point: the journal stands, and the next command on this folder completes it.
      const e = fsError(err, `the commit into ${this.outDir} was interrupted`);
      throw new DataError(`${e.message}\nThe new build is committed (journal ${JOURNAL_NAME}): the next medmnist-build command on ${this.outDir} (\`medmnist-build verify ${this.outDir}\`) completes it.`);
    }
    testPoint('commit-journal-removed');
    removeTree(this.tmpDir);
    for (const name of readdirSync(this.outDir)) if (name.startsWith(TRASH_PREFIX)) removeTree(join(this.outDir, name));
    committedOnce = true;
    testPoint('commit-done');
  }

  async abort(): Promise<void> {
    this.abortSync();
  }

  abortSync(): void {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    // Writes already queued in the thread pool may still land in the staging folder while it is being
    // removed (ENOTEMPTY): try again for a moment; what still remains is the next command's to recover.
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        removeTree(this.tmpDir);
        if (!existsSync(this.tmpDir)) return;
      } catch {
        /* retry */
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

/** fsync every file and folder below `dir` (and `dir` itself). */
async function fsyncTree(dir: string): Promise<void> {
  const files: string[] = [];
  const dirs: string[] = [];
  const visit = async (d: string): Promise<void> => {
    dirs.push(d);
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.isFile()) files.push(p);
    }
  };
  await visit(dir);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) await fsyncFile(files[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
  for (const d of dirs) fsyncDirSync(d);
}
