// `fetch --source ID --dir DIR`: download a source's published files (converters/<id>/checksums.tsv),
// verify and extract them into the layout `convert --input DIR` reads; print the steps for a person
// where a download needs one. Exit codes: 0 everything in place, 1 a verification/data error (wrong
// checksum, unsafe archive), 2 a usage error, 3 manual download needed (nothing else failed),
// 4 a network failure after every retry (run again later: downloads resume).
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REGISTRY } from '../../converters/index.js';
import { UsageError } from '../core/errors.js';
import { DEFAULT_LIMITS } from '../fetch/extract.js';
import { fetchDownloads, type FetchResult } from '../fetch/fetch.js';
import { DownloadError } from '../fetch/http.js';
import { manualStep, manualStepsText } from '../fetch/manual-steps.js';
import { parseManifest, type ManifestRow } from '../fetch/manifest.js';
import { formatBytes, progressReporter } from '../fetch/progress.js';
import { PACKAGE_ROOT, TOOL_VERSION } from '../version.js';
import { boundedInt, type CliCommand, parseList, printJson, requirePath } from './common.js';

export const EXIT_MANUAL = 3;
export const EXIT_NETWORK = 4;

/** converters/<id>/checksums.tsv of the installed package. */
export function manifestPath(source: string): string {
  return join(PACKAGE_ROOT, 'converters', source, 'checksums.tsv');
}

/** 200G, 1.5T, 500M, 1024 (K, M, G, T: powers of 1024). */
export function parseByteSize(v: unknown, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(String(v));
  const n = m ? Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()) : NaN;
  if (!m || !Number.isFinite(n) || n < 1 || !Number.isSafeInteger(Math.floor(n))) {
    throw new UsageError(`${flag} ${JSON.stringify(v)} is not a size; use e.g. ${flag} 200G (K, M, G, T: powers of 1024)`);
  }
  return Math.floor(n);
}

function positiveNumber(v: unknown, flag: string, min: number, max: number): number {
  const n = typeof v === 'number' ? v : Number(String(v).trim() === '' ? NaN : v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} ${JSON.stringify(v)} must be a number from ${min} to ${max}`);
  return n;
}

/** The download folder: an existing writable folder, or a path whose nearest existing parent is one. */
function checkDir(dir: string): void {
  let probe = dir;
  for (;;) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(probe, { throwIfNoEntry: false });
    } catch (err) {
      // ENOTDIR: a file stands where a parent folder should be; keep climbing to name it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
      st = undefined;
    }
    if (st) {
      if (!st.isDirectory()) {
        throw new UsageError(probe === dir ? `--dir ${dir} is a file, not a folder; choose a folder for the downloads` : `--dir ${dir}: ${probe} is a file, so the folder cannot be created`);
      }
      try {
        accessSync(probe, constants.W_OK | constants.X_OK);
      } catch {
        throw new UsageError(`--dir ${dir}: ${probe === dir ? 'the folder is' : `${probe} (where it would be created) is`} not writable; choose another --dir`);
      }
      return;
    }
    const up = dirname(probe);
    if (up === probe) throw new UsageError(`--dir ${dir}: no existing parent folder`);
    probe = up;
  }
}

function checkMirror(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new UsageError(`--mirror ${JSON.stringify(s)} is not a URL; give the mirror's base URL, e.g. --mirror https://mirror.example.org/medmnist/kather/`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--mirror ${s}: only http:// and https:// mirrors are supported`);
  if (u.search || u.hash) throw new UsageError(`--mirror ${s}: a base URL without ?query or #fragment (the file name is appended to it)`);
  return u.href;
}

function readManifestFor(a: Record<string, unknown>, source: string): { path: string; rows: ManifestRow[] } {
  if (a['manifest'] !== undefined) {
    const path = requirePath(a, 'manifest', 'a checksums.tsv file');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`--manifest ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      return { path, rows: parseManifest(text, path) };
    } catch (err) {
      throw new UsageError(`--manifest: ${(err as Error).message}`);
    }
  }
  const path = manifestPath(source);
  return { path, rows: parseManifest(readFileSync(path, 'utf8'), path) };
}

/** Every argument of fetch, checked before any network or disk work. */
export function fetchArgs(a: Record<string, unknown>) {
  const source = String(a['source'] ?? '').trim();
  if (!source) throw new UsageError(`--source needs a source id: one of ${REGISTRY.all.map((c) => c.source.id).join(', ')}`);
  const converter = REGISTRY.get(source);
  const dir = requirePath(a, 'dir', 'the download folder');
  checkDir(dir);
  const mirror = checkMirror(a['mirror']);
  const manifest = readManifestFor(a, source);
  let rows = manifest.rows.filter((r) => r.get !== 'optional');
  if (a['file'] !== undefined) {
    const names = parseList(a['file'], '--file', '');
    for (const n of names) {
      if (!manifest.rows.some((r) => r.file === n)) {
        throw new UsageError(`--file ${n}: not a download of ${source}; its files are ${manifest.rows.map((r) => r.file).join(', ') || '(none listed)'}`);
      }
    }
    rows = manifest.rows.filter((r) => names.includes(r.file));
  }
  return {
    source,
    converter,
    dir,
    mirror,
    manifest,
    rows,
    skippedOptional: a['file'] === undefined ? manifest.rows.filter((r) => r.get === 'optional') : [],
    retries: boundedInt(a['retries'], '--retries', 0, 100),
    retryDelayMs: Math.round(positiveNumber(a['retry-delay'], '--retry-delay', 0, 600) * 1000),
    timeoutMs: Math.round(positiveNumber(a['timeout'], '--timeout', 0.1, 3600) * 1000),
    limits: {
      maxBytes: parseByteSize(a['max-extract-size'], '--max-extract-size'),
      maxEntries: boundedInt(a['max-entries'], '--max-entries', 1, 1_000_000_000),
    },
    quiet: a['quiet'] === true,
    json: a['json'] === true,
  };
}

function summary(r: FetchResult): string {
  const n = (s: string) => r.files.filter((f) => f.status === s).length;
  return [['downloaded', n('downloaded')], ['verified', n('verified')], ['already present', n('present')]]
    .filter(([, k]) => k !== 0)
    .map(([w, k]) => `${k} ${w}`)
    .join(', ');
}

export const fetchCommand: CliCommand = {
  command: 'fetch',
  describe: "Download a source's published files (resume, checksums, safe extraction), or print the steps for those a person must get",
  builder: (y) =>
    y
      .option('source', { type: 'string', demandOption: true, describe: 'source id (see `list`)' })
      .option('dir', { type: 'string', demandOption: true, describe: 'download folder (created when needed); pass it to convert --input' })
      .option('mirror', { type: 'string', describe: 'institutional mirror: BASE_URL + file name replaces each download URL (manual files too)' })
      .option('file', { type: 'string', describe: 'only these files of the source, comma separated (also how to get an optional alternative)' })
      .option('retries', { type: 'number', default: 5, describe: 'failures in a row without new bytes before giving up' })
      .option('retry-delay', { type: 'number', default: 1, describe: 'seconds before the first retry (doubles each time, at most 60)' })
      .option('timeout', { type: 'number', default: 60, describe: 'seconds without data before a connection is dropped and retried' })
      .option('max-extract-size', { type: 'string', default: '200G', describe: 'most bytes one archive may extract (zip-bomb limit)' })
      .option('max-entries', { type: 'number', default: DEFAULT_LIMITS.maxEntries, describe: 'most entries one archive may hold (zip-bomb limit)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress or messages (errors and manual steps still print)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' })
      // For mirrors that package files differently, and for tests: a checksums.tsv used instead of the source's own.
      .option('manifest', { type: 'string', hidden: true, describe: "a checksums.tsv used instead of the source's own (mirrors, testing)" }),
  validate: (a) => void fetchArgs(a),
  run: async (a) => {
    const o = fetchArgs(a);
    const prefix = `fetch ${o.source}: `;
    const progress = o.quiet
      ? undefined
      : progressReporter({
          write: (t) => process.stderr.write(t),
          tty: process.stderr.isTTY === true,
          prefix,
          ...(process.env['MEDMNIST_BUILD_PROGRESS_MS'] ? { intervalMs: Number(process.env['MEDMNIST_BUILD_PROGRESS_MS']) } : {}),
        });
    const log = (m: string): void => {
      if (o.quiet) return;
      progress?.end();
      process.stderr.write(`${prefix}${m}\n`);
    };
    for (const r of o.skippedOptional) log(`${r.file} is optional (an alternative download); fetch it with --file ${r.file}`);
    let result: FetchResult;
    try {
      result = await fetchDownloads({
        source: o.source,
        dir: o.dir,
        rows: o.rows,
        ...(o.mirror ? { mirror: o.mirror } : {}),
        retries: o.retries,
        retryDelayMs: o.retryDelayMs,
        timeoutMs: o.timeoutMs,
        limits: o.limits,
        userAgent: `medmnist-build/${TOOL_VERSION} (fetch)`,
        log,
        ...(progress ? { progress } : {}),
      });
    } catch (err) {
      if (err instanceof DownloadError) {
        process.stderr.write(`medmnist-build: ${err.message}\n`);
        return EXIT_NETWORK;
      }
      throw err;
    }
    const manual = result.manual.length > 0 || o.rows.length === 0;
    const code = manual ? EXIT_MANUAL : 0;
    if (manual) {
      const text = manualStepsText(o.converter.source, o.dir, result.manual, EXIT_MANUAL);
      if (o.json) {
        if (!o.quiet) process.stderr.write(text);
      } else process.stdout.write(text);
      if (result.files.some((f) => f.status !== 'manual')) log(`${summary(result)}; ${result.manual.length} still to get by hand (above)`);
    } else {
      const bytes = result.files.reduce((s, f) => s + (f.download ? f.bytes! - f.download.resumedFrom : 0), 0);
      log(`done: ${summary(result)}${bytes > 0 ? ` (${formatBytes(bytes)} downloaded)` : ''}. Next: medmnist-build convert --source ${o.source} --input ${o.dir} --out OUT`);
    }
    if (o.json) {
      printJson({
        source: o.source,
        dir: o.dir,
        manifest: o.manifest.path,
        ...(o.mirror ? { mirror: o.mirror } : {}),
        complete: !manual,
        exitCode: code,
        files: result.files,
        manual: result.manual.map((r) => manualStep(o.dir, r)),
      });
    }
    return code;
  },
};
