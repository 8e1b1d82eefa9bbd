// `fetch`: bring a source's published downloads into a folder, verified and extracted in the layout its
// converter scans. For each manifest row, in order:
//
//   1. a file already at DIR/<file> is verified (published size/MD5/SHA-256, else the SHA-256 an earlier
//      fetch recorded) and, for an archive, extracted if that has not been done;
//   2. an archive whose extraction an earlier fetch recorded (and whose contents are all there) is left
//      alone, as is anything already at the row's layout path that fetch did not make (not verified);
//   3. otherwise a direct file (or any file, with --mirror) is downloaded to DIR/<file>.part (resumed
//      when present), verified, renamed to DIR/<file> and extracted; a manual one is listed for a person.
//
// Nothing partial looks complete: a download is named DIR/<file> only once its checksum matched, and
// a wrong one is deleted; an archive is extracted into DIR/.medmnist-fetch/<file>.unpack/ and its top
// entries are renamed into place only when every entry was written. The renames are journalled in the
// file's record (DIR/.medmnist-fetch/<file>.json, state `moving`, written before the first rename), so
// a run killed among them is rolled forward by the next one. One fetch works in a folder at a time
// (DIR/.medmnist-fetch/lock). A source with nothing present and nothing to download is not touched.
import { lstat, mkdir, open, readFile, readdir, rename, rm, rmdir, statfs, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDirSync, writeFileAtomic } from '../core/atomic-write.js';
import { DataError } from '../core/errors.js';
import { extractTarGz } from './extract-tar.js';
import { extractZip } from './extract-zip.js';
import type { ExtractLimits, ExtractStats } from './extract.js';
import { download, DownloadError, type Validator } from './http.js';
import { isArchive, layoutTop, type DownloadKind, type GetMode, type ManifestRow } from './manifest.js';
import { formatBytes, type ProgressSink } from './progress.js';
import { type CheckName, type Digest, type Expected, describeMismatches, digestFile, knownChecks, mismatches } from './verify.js';

/** The hidden folder of fetch's records, temporary extractions and lock, inside the download folder. */
export const STATE_DIR = '.medmnist-fetch';

export interface FetchOptions {
  /** Source id, for messages. */
  source: string;
  /** The download folder (absolute). */
  dir: string;
  /** The manifest rows to bring in, in order. */
  rows: readonly ManifestRow[];
  /** Institutional mirror: the file name is appended to this base URL (every kind but folders). */
  mirror?: string;
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
  limits: ExtractLimits;
  userAgent: string;
  /** One-line messages for people. */
  log: (message: string) => void;
  progress?: ProgressSink;
}

/**
 * downloaded: fetched by this run and checked; verified: already in the folder and matching the published
 * facts (or what an earlier fetch recorded); present: in place with nothing to check it against (put
 * there by a person, a folder, an archive extracted earlier and since removed, nothing published);
 * manual: a person must get it.
 */
export type FileStatus = 'downloaded' | 'verified' | 'present' | 'manual';

export interface Extraction {
  /** Where the entries went (absolute). */
  into: string;
  /** The top-level names it created under the download folder. */
  entries: string[];
  files: number;
  bytes: number;
  /** False when an earlier fetch extracted it and everything is still there. */
  fresh: boolean;
}

export interface FileOutcome {
  file: string;
  get: GetMode;
  kind: DownloadKind;
  status: FileStatus;
  /** The published facts the file matched ([] when none are published, or it was not checked). */
  verified: CheckName[];
  /** True when nothing was published to check the file against: `sha256` is what fetch computed. */
  unverifiable?: boolean;
  bytes?: number;
  md5?: string;
  sha256?: string;
  url?: string;
  download?: { attempts: number; resumes: number; restarts: number; resumedFrom: number; seconds: number; bytesPerSecond: number };
  extracted?: Extraction;
  note?: string;
}

export interface FetchResult {
  files: FileOutcome[];
  /** Rows a person must get (not present, not downloadable). */
  manual: ManifestRow[];
}

/** What fetch records about a file it brought in. */
interface FileRecord {
  file: string;
  url: string;
  bytes: number;
  md5: string;
  sha256: string;
  verified: CheckName[];
  extract?: {
    sha256: string;
    into: string;
    entries: string[];
    files: number;
    bytes: number;
    state: 'moving' | 'done';
    /** While moving: the entries still to rename from the temporary folder. */
    moving?: string[];
  };
}

async function exists(p: string): Promise<boolean> {
  return (await lstat(p).catch(() => null)) !== null;
}

/**
 * mkdir -p, one component at a time (Node's recursive mkdir never returns where the kernel answers
 * ENOENT for an existing parent, as in /proc).
 */
async function makeFolders(path: string): Promise<void> {
  const missing: string[] = [];
  let p = path;
  while (!(await exists(p))) {
    missing.unshift(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const m of missing) {
    await mkdir(m).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw new DataError(`cannot create the folder ${m} (${err.code ?? err.message}); choose another --dir`);
    });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** DIR/.medmnist-fetch: created (with the lock taken) only when fetch first has to write. */
class StateDir {
  readonly path: string;
  private locked = false;
  constructor(readonly dir: string) {
    this.path = join(dir, STATE_DIR);
  }

  get lockFile(): string {
    return join(this.path, 'lock');
  }

  async ensure(): Promise<void> {
    if (this.locked) return;
    await makeFolders(this.path);
    for (let tries = 0; ; tries++) {
      try {
        const fh = await open(this.lockFile, 'wx');
        await fh.writeFile(`${process.pid}\n`);
        await fh.close();
        this.locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) throw err;
        const pid = Number((await readFile(this.lockFile, 'utf8').catch(() => '')).trim());
        if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
          throw new DataError(`${this.dir} is being fetched into by another medmnist-build (pid ${pid}); wait for it to finish. If no such process runs, delete ${this.lockFile}.`);
        }
        await unlink(this.lockFile).catch(() => undefined); // a lock left by a process that is gone
      }
    }
  }

  async release(): Promise<void> {
    if (this.locked) await unlink(this.lockFile).catch(() => undefined);
    this.locked = false;
    await rmdir(this.path).catch(() => undefined); // only when empty (a failed first download)
  }

  recordPath(file: string): string {
    return join(this.path, `${file}.json`);
  }

  async read(file: string, log: (m: string) => void): Promise<FileRecord | undefined> {
    const text = await readFile(this.recordPath(file), 'utf8').catch(() => null);
    if (text === null) return undefined;
    try {
      const r = JSON.parse(text) as FileRecord;
      if (r.file === file && typeof r.sha256 === 'string') return r;
    } catch {
      /* below */
    }
    log(`note: ${this.recordPath(file)} is not a record fetch wrote; ignoring it`);
    return undefined;
  }

  async write(r: FileRecord): Promise<void> {
    await this.ensure();
    await writeFileAtomic(this.recordPath(r.file), JSON.stringify(r, null, 2) + '\n');
  }

}

/** The published facts of a row. */
function published(row: ManifestRow): Expected {
  return { ...(row.bytes !== undefined ? { bytes: row.bytes } : {}), ...(row.md5 ? { md5: row.md5 } : {}), ...(row.sha256 ? { sha256: row.sha256 } : {}) };
}

/** Where a row is downloaded from: the mirror's copy, or its own URL. */
export function downloadUrl(row: ManifestRow, mirror?: string): string {
  if (!mirror) return row.url;
  return `${mirror.endsWith('/') ? mirror : `${mirror}/`}${encodeURIComponent(row.file)}`;
}

function checkWords(checks: readonly CheckName[], d: Digest): string {
  return checks.map((c) => (c === 'bytes' ? `size ${d.bytes} bytes` : c === 'md5' ? `md5 ${d.md5}` : `sha256 ${d.sha256}`)).join(', ');
}

export async function fetchDownloads(o: FetchOptions): Promise<FetchResult> {
  const state = new StateDir(o.dir);
  const files: FileOutcome[] = [];
  const manual: ManifestRow[] = [];
  try {
    for (const row of o.rows) {
      const r = await fetchRow(o, state, row);
      files.push(r);
      if (r.status === 'manual') manual.push(row);
    }
  } finally {
    o.progress?.end();
    await state.release();
  }
  return { files, manual };
}

async function fetchRow(o: FetchOptions, state: StateDir, row: ManifestRow): Promise<FileOutcome> {
  const log = (m: string) => o.log(`${row.file}: ${m}`);
  const base = { file: row.file, get: row.get, kind: row.kind };
  const final = join(o.dir, row.file);
  let record = await state.read(row.file, o.log);
  if (record?.extract?.state === 'moving') {
    await state.ensure();
    log('finishing an extraction an interrupted fetch had begun to move into place');
    await finishMoves(o, state, record);
  }

  if (row.kind === 'folder') {
    const st = await lstat(final).catch(() => null);
    if (st?.isDirectory()) {
      log(`present (a folder of files; fetch cannot verify it)`);
      return { ...base, status: 'present', verified: [], note: 'a folder of files, not verified' };
    }
    return { ...base, status: 'manual', verified: [] };
  }

  const expected = published(row);
  const st = await lstat(final).catch(() => null);
  if (st) {
    if (!st.isFile()) throw new DataError(`${final} exists but is not a file; move it away and run fetch again`);
    log(`already present; verifying`);
    const d = await digestFile(final, (done) => o.progress?.bytes(`verifying ${row.file}`, { done, total: st.size }));
    o.progress?.end();
    const fromRecord = knownChecks(expected).length === 0 && record !== undefined;
    const against: Expected = fromRecord ? { bytes: record!.bytes, sha256: record!.sha256 } : expected;
    const bad = mismatches(against, d);
    if (bad.length > 0) {
      throw new DataError(
        `${final}: ${describeMismatches(bad)}. ${fromRecord ? 'It changed since fetch downloaded and recorded it' : 'It is not the published file (another version, or a damaged or partial copy)'}. ` +
          `Delete it and run fetch again to download it.`,
      );
    }
    const checks = knownChecks(against);
    if (checks.length > 0) log(`verified (${checkWords(checks, d)}${fromRecord ? ', as recorded when fetch downloaded it' : ''}); nothing to download`);
    else log(`no checksum or size is published for this file, so it cannot be verified; its sha256 is ${d.sha256} (recorded in ${state.recordPath(row.file)})`);
    const verified = fromRecord ? [] : checks;
    const rec: FileRecord = { ...(record ?? {}), file: row.file, url: record?.url ?? '', bytes: d.bytes, md5: d.md5, sha256: d.sha256, verified };
    if (JSON.stringify(rec) !== JSON.stringify(record)) await state.write(rec);
    const extracted = isArchive(row.kind) ? await ensureExtracted(o, state, row, rec) : undefined;
    return {
      ...base,
      // Nothing to check against (neither published nor recorded): present, not verified.
      status: checks.length > 0 ? 'verified' : 'present',
      verified,
      ...(knownChecks(expected).length === 0 ? { unverifiable: true } : {}),
      bytes: d.bytes,
      md5: d.md5,
      sha256: d.sha256,
      ...(extracted ? { extracted } : {}),
      ...(fromRecord ? { note: 'matches the sha256 fetch recorded when it downloaded the file; nothing is published to verify it against' } : {}),
    };
  }

  // No file: extracted earlier (the archive since removed), or put in place by a person?
  if (isArchive(row.kind) && record?.extract?.state === 'done') {
    const missing = await missingEntries(o.dir, record.extract.entries);
    if (missing.length === 0) {
      log(`extracted earlier into ${record.extract.entries.map((e) => join(o.dir, e)).join(', ')}; the archive was removed since, so there is nothing to verify`);
      return { ...base, status: 'present', verified: [], note: 'extracted by an earlier fetch; the archive was removed' };
    }
  }
  const top = join(o.dir, layoutTop(row.layout));
  if (!record && (await exists(top))) {
    log(`${top} is present (not made by fetch, so not verified); leaving it as it is`);
    return { ...base, status: 'present', verified: [], note: `${top} was present; not verified` };
  }
  const downloadable = row.get !== 'manual' || o.mirror !== undefined;
  if (!downloadable) return { ...base, status: 'manual', verified: [] };

  // Download.
  const url = downloadUrl(row, o.mirror);
  await state.ensure();
  const part = `${final}.part`;
  const sidecar = join(state.path, `${row.file}.part.json`);
  const side = await readSidecar(sidecar);
  let partSize = (await lstat(part).catch(() => null))?.size ?? 0;
  if (partSize > 0 && side && side.url !== url) {
    log(`the partial download came from ${side.url}; starting again from ${url}`);
    await rm(part, { force: true });
    partSize = 0;
  }
  if (row.bytes !== undefined) await checkFreeSpace(o.dir, row.bytes - partSize, row.file);
  log(`downloading ${url}${row.bytes !== undefined ? ` (${formatBytes(row.bytes)})` : ''}${partSize > 0 ? `, resuming the partial download at ${formatBytes(partSize)}` : ''}`);
  let r: Awaited<ReturnType<typeof download>>;
  try {
    r = await download({
      url,
      part,
      ...(row.bytes !== undefined ? { expectedBytes: row.bytes } : {}),
      retries: o.retries,
      retryDelayMs: o.retryDelayMs,
      timeoutMs: o.timeoutMs,
      userAgent: o.userAgent,
      ...(side && side.url === url ? { validator: { ...(side.etag ? { etag: side.etag } : {}), ...(side.lastModified ? { lastModified: side.lastModified } : {}) } } : {}),
      onValidator: (v) => writeFileAtomic(sidecar, JSON.stringify({ url, ...v }) + '\n'),
      onProgress: (p) => o.progress?.bytes(row.file, p),
      log,
    });
  } catch (err) {
    o.progress?.end();
    if (err instanceof DataError) {
      await rm(part, { force: true });
      await rm(sidecar, { force: true });
    }
    if (err instanceof DownloadError && err.status === 404 && row.get === 'manual') {
      // A mirror need not carry the files behind a login: then a person gets it, as without a mirror.
      log(`the mirror has no copy (${url}: HTTP 404); it must be got by hand`);
      return { ...base, status: 'manual', verified: [] };
    }
    throw err;
  }
  o.progress?.end();
  const bad = mismatches(expected, r);
  if (bad.length > 0) {
    await rm(part, { force: true });
    await rm(sidecar, { force: true });
    throw new DataError(
      `${row.file}: downloaded from ${url}, but ${describeMismatches(bad)}. The download was deleted; nothing named ${row.file} was kept. ` +
        `Run fetch again to retry; if it fails the same way, the server (or mirror) holds another file than the one published.`,
    );
  }
  const checks = knownChecks(expected);
  const rate = (r.bytes - r.resumedFrom) / Math.max(r.seconds, 1e-6);
  const how = `${formatBytes(r.bytes)} in ${r.seconds.toFixed(1)} s, ${formatBytes(rate)}/s${r.resumes ? `, resumed ${r.resumes}x` : ''}${r.restarts ? `, restarted ${r.restarts}x` : ''}`;
  if (checks.length > 0) log(`downloaded and verified (${checkWords(checks, r)}; ${how})`);
  else log(`downloaded (${how}). No checksum or size is published for this file, so it cannot be verified; its sha256 is ${r.sha256} (recorded in ${state.recordPath(row.file)})`);
  await rename(part, final);
  fsyncDirSync(o.dir);
  await rm(sidecar, { force: true });
  const rec: FileRecord = { file: row.file, url, bytes: r.bytes, md5: r.md5, sha256: r.sha256, verified: checks };
  await state.write(rec);
  const extracted = isArchive(row.kind) ? await ensureExtracted(o, state, row, rec) : undefined;
  return {
    ...base,
    status: 'downloaded',
    verified: checks,
    ...(checks.length === 0 ? { unverifiable: true } : {}),
    bytes: r.bytes,
    md5: r.md5,
    sha256: r.sha256,
    url,
    download: {
      attempts: r.attempts,
      resumes: r.resumes,
      restarts: r.restarts,
      resumedFrom: r.resumedFrom,
      seconds: Number(r.seconds.toFixed(3)),
      bytesPerSecond: Math.round(rate),
    },
    ...(extracted ? { extracted } : {}),
  };
}

async function readSidecar(path: string): Promise<({ url: string } & Validator) | null> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as { url?: unknown; etag?: unknown; lastModified?: unknown };
    if (typeof v.url !== 'string') return null;
    return { url: v.url, ...(typeof v.etag === 'string' ? { etag: v.etag } : {}), ...(typeof v.lastModified === 'string' ? { lastModified: v.lastModified } : {}) };
  } catch {
    return null;
  }
}

async function missingEntries(dir: string, entries: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const e of entries) if (!(await exists(join(dir, e)))) out.push(e);
  return out;
}

async function checkFreeSpace(dir: string, need: number, file: string): Promise<void> {
  let probe = dir;
  while (!(await exists(probe))) probe = join(probe, '..');
  const s = await statfs(probe).catch(() => null);
  if (!s) return;
  const free = s.bavail * s.bsize;
  if (need > free) throw new DataError(`${file} needs ${formatBytes(need)} more in ${dir}, which has ${formatBytes(free)} free. Free some space (or use a --dir on a larger disk) and run fetch again.`);
}

/**
 * Extract a verified archive, unless an earlier fetch did and its contents are all there, or its
 * layout's top folder is already present (extracted by a person: left as it is; undefined).
 */
async function ensureExtracted(o: FetchOptions, state: StateDir, row: ManifestRow, rec: FileRecord): Promise<Extraction | undefined> {
  const log = (m: string) => o.log(`${row.file}: ${m}`);
  const into = row.into!;
  const target = into === '.' ? o.dir : join(o.dir, into);
  const archive = join(o.dir, row.file);
  let only: Set<string> | undefined;
  const prev = rec.extract;
  if (prev && prev.state === 'done' && prev.sha256 === rec.sha256) {
    const missing = await missingEntries(o.dir, prev.entries);
    if (missing.length === 0) {
      log(`already extracted (${prev.entries.map((e) => join(o.dir, e)).join(', ')})`);
      return { into: target, entries: prev.entries, files: prev.files, bytes: prev.bytes, fresh: false };
    }
    log(`extracting again: ${missing.map((e) => join(o.dir, e)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
    only = new Set(missing);
  } else if (await exists(join(o.dir, layoutTop(row.layout)))) {
    const top = join(o.dir, layoutTop(row.layout));
    log(`not extracted: ${top} is already present (not made by fetch, so not verified); leaving it as it is. To have fetch extract the archive, move ${top} away and run fetch again.`);
    return undefined;
  }
  await state.ensure();
  const tmp = join(state.path, `${row.file}.unpack`);
  await rm(tmp, { recursive: true, force: true }); // what a killed run left (no journal: never moved)
  const root = into === '.' ? tmp : join(tmp, into);
  await mkdir(root, { recursive: true });
  log(`extracting into ${target}`);
  let stats: ExtractStats;
  try {
    const onEntry = (s: ExtractStats) => o.progress?.entries(row.file, s);
    stats = row.kind === 'zip' ? await extractZip(archive, root, o.limits, onEntry) : await extractTarGz(archive, root, o.limits, onEntry);
  } catch (err) {
    o.progress?.end();
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  o.progress?.end();
  const entries = (await readdir(tmp)).sort();
  const moving = only ? entries.filter((e) => only.has(e)) : entries;
  const conflicts: string[] = [];
  for (const e of moving) if (await exists(join(o.dir, e))) conflicts.push(join(o.dir, e));
  if (conflicts.length > 0) {
    await rm(tmp, { recursive: true, force: true });
    throw new DataError(`${conflicts.join(', ')} already exist${conflicts.length === 1 ? 's' : ''} and ${conflicts.length === 1 ? 'was' : 'were'} not extracted from ${row.file} by fetch; move ${conflicts.length === 1 ? 'it' : 'them'} away (or delete) and run fetch again. ${archive} is verified and kept.`);
  }
  const expectedTop = layoutTop(row.layout);
  if (!entries.includes(expectedTop)) {
    log(`note: the archive did not create ${expectedTop} as its manifest layout (${row.layout}) says; it created ${entries.join(', ')}. The converter may not find it there.`);
  }
  // The journal: from here on, a killed run is rolled forward by the next one.
  rec.extract = { sha256: rec.sha256, into, entries, files: stats.files, bytes: stats.bytes, state: 'moving', moving };
  await state.write(rec);
  await finishMoves(o, state, rec);
  log(`extracted ${stats.files.toLocaleString('en-US')} files (${formatBytes(stats.bytes)}) into ${target}`);
  return { into: target, entries, files: stats.files, bytes: stats.bytes, fresh: true };
}

/** Rename the journalled entries into place (idempotent), then mark the extraction done. */
async function finishMoves(o: FetchOptions, state: StateDir, rec: FileRecord): Promise<void> {
  const x = rec.extract!;
  const tmp = join(state.path, `${rec.file}.unpack`);
  for (const e of x.moving ?? []) {
    const from = join(tmp, e);
    const to = join(o.dir, e);
    if (await exists(from)) {
      if (await exists(to)) throw new DataError(`${to} appeared while fetch was moving ${rec.file}'s contents into place; move it away and run fetch again`);
      await rename(from, to);
    } else if (!(await exists(to))) {
      throw new DataError(`${rec.file}: ${from} is gone before it was moved into place; delete ${state.recordPath(rec.file)} and run fetch again`);
    }
  }
  fsyncDirSync(o.dir);
  rec.extract = { ...x, state: 'done' };
  delete rec.extract.moving;
  await state.write(rec);
  await rm(tmp, { recursive: true, force: true });
}
