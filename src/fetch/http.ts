// One HTTP(S) download into a `.part` file, with resume and retries (Node's own http/https).
//
// - An existing `.part` is resumed: its bytes are hashed, then `Range: bytes=N-` asks for the rest
//   (with `If-Range` when the server gave a validator, so a changed file comes back whole).
// - 206 with the matching Content-Range appends; 200 means the server ignored the Range (or the file
//   changed): the part is truncated and the download restarts from 0. 416 with a total equal to the
//   part's size means the part is already complete.
// - A dropped connection, a stall (no data for `timeoutMs`), 408, 429 and 5xx are retried: at once
//   when the attempt brought new bytes, else after an exponential backoff (Retry-After honoured, capped
//   at 60 s). `retries` failures in a row without new bytes give up (DownloadError).
// - Redirects (301/302/303/307/308) are followed, at most 10, never from https to http.
// - Other 4xx, a size that contradicts the manifest, or a content encoding are not retried.
// MD5 and SHA-256 are computed while the bytes arrive (the part's old bytes first), so verification
// needs no second pass over the file.
import { open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DataError } from '../core/errors.js';
import { Hasher, hashFileInto, type Digest } from './verify.js';

/** A download that failed for network reasons after every retry (exit code 4). */
export class DownloadError extends Error {
  readonly exitCode = 4;
  constructor(
    message: string,
    /** The HTTP status that ended it, when one did. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** A failure worth retrying (connection dropped, stalled, 5xx...). */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface Validator {
  etag?: string;
  lastModified?: string;
}

export interface ByteProgress {
  done: number;
  total?: number;
}

export interface DownloadOptions {
  url: string;
  /** The `.part` file (resumed when it exists). */
  part: string;
  /** The published size, when known: a server that reports another size is refused at once. */
  expectedBytes?: number;
  /** Failures in a row without new bytes before giving up. */
  retries: number;
  /** First backoff delay; doubles on each failure in a row (capped at 60 s). */
  retryDelayMs: number;
  /** A connection with no data for this long is dropped and retried. */
  timeoutMs: number;
  userAgent: string;
  /** The validator a previous run saw for this part (resume across runs). */
  validator?: Validator;
  /** Called when the server's validator for the file is first seen (persist it for a later resume). */
  onValidator?: (v: Validator) => Promise<void>;
  onProgress?: (p: ByteProgress) => void;
  /** Human-readable events: resumes, restarts, retries. */
  log?: (message: string) => void;
}

export interface DownloadResult extends Digest {
  /** Requests made (redirects not counted). */
  attempts: number;
  /** Requests that continued a part with a Range request and got 206. */
  resumes: number;
  /** Times the part was thrown away because the server ignored a Range request (or the file changed). */
  restarts: number;
  /** Bytes already in the part when this run started. */
  resumedFrom: number;
  seconds: number;
}

const MAX_REDIRECTS = 10;
const MAX_BACKOFF_MS = 60_000;
const WRITE_BATCH = 1 << 20;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Content-Range: bytes a-b/total (total may be *). */
function parseContentRange(v: string | undefined): { start: number; end: number; total?: number } | { unsatisfied: number } | null {
  if (!v) return null;
  let m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(v.trim());
  if (m) return { start: Number(m[1]), end: Number(m[2]), ...(m[3] !== '*' ? { total: Number(m[3]) } : {}) };
  m = /^bytes \*\/(\d+)$/.exec(v.trim());
  if (m) return { unsatisfied: Number(m[1]) };
  return null;
}

function retryAfterMs(v: string | undefined): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code && !e.message.includes(e.code) ? `${e.message} (${e.code})` : e.message;
}

/** Send one GET; resolves with the response (after following redirects). */
function get(url: URL, headers: Record<string, string>, timeoutMs: number, hops = 0): Promise<{ res: IncomingMessage; url: URL }> {
  return new Promise((resolve, reject) => {
    // One connection per request (agent: false): a dropped or stalled connection is never reused.
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers, agent: false });
    // The idle timeout covers the wait for the response and every gap in its body.
    req.setTimeout(timeoutMs, () => req.destroy(new Retryable(`no data for ${Math.round(timeoutMs / 1000)} s`)));
    req.on('error', (err) => reject(err instanceof Retryable ? err : new Retryable(`${url.host}: ${describe(err)}`)));
    req.on('response', (res) => {
      const code = res.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(code) && res.headers.location) {
        res.resume();
        if (hops >= MAX_REDIRECTS) return reject(new DownloadError(`${url.href}: more than ${MAX_REDIRECTS} redirects`));
        let next: URL;
        try {
          next = new URL(res.headers.location, url);
        } catch {
          return reject(new DownloadError(`${url.href}: redirect to an invalid URL ${JSON.stringify(res.headers.location)}`));
        }
        if (url.protocol === 'https:' && next.protocol !== 'https:') {
          return reject(new DownloadError(`${url.href}: redirect from https to ${next.protocol} refused (${next.href})`));
        }
        if (next.protocol !== 'https:' && next.protocol !== 'http:') return reject(new DownloadError(`${url.href}: redirect to ${next.href} is not http(s)`));
        get(next, headers, timeoutMs, hops + 1).then(resolve, reject);
        return;
      }
      resolve({ res, url });
    });
    req.end();
  });
}

/** Download `o.url` into `o.part` (resuming it), returning the digest of the complete part. */
export async function download(o: DownloadOptions): Promise<DownloadResult> {
  const t0 = performance.now();
  const url = new URL(o.url);
  const log = o.log ?? (() => undefined);
  let hasher = new Hasher();
  const existing = (await stat(o.part).catch(() => null))?.size ?? 0;
  let offset = existing > 0 ? await hashFileInto(o.part, hasher, existing) : 0;
  const resumedFrom = offset;
  let validator: Validator | undefined = o.validator;
  let attempts = 0;
  let resumes = 0;
  let restarts = 0;
  let failures = 0;
  let highWater = offset;
  let total: number | undefined = o.expectedBytes;

  const restart = async (why: string): Promise<void> => {
    if (offset > 0) log(`${why}; restarting from 0`);
    await truncate(o.part, 0).catch(() => undefined);
    hasher = new Hasher();
    offset = 0;
    restarts++;
    validator = undefined;
  };

  const checkTotal = (reported: number | undefined, from: string): void => {
    if (reported === undefined) return;
    if (o.expectedBytes !== undefined && reported !== o.expectedBytes) {
      throw new DataError(`${url.href}: the server reports ${reported} bytes (${from}), the manifest says ${o.expectedBytes}: it is not the published file (or the mirror holds another version); nothing was kept`);
    }
    total = reported;
  };

  for (;;) {
    if (total !== undefined && offset === total) break; // nothing left to fetch (a complete part)
    attempts++;
    const headers: Record<string, string> = { 'user-agent': o.userAgent, 'accept-encoding': 'identity' };
    if (offset > 0) {
      headers['range'] = `bytes=${offset}-`;
      const v = validator?.etag && !validator.etag.startsWith('W/') ? validator.etag : validator?.lastModified;
      if (v) headers['if-range'] = v;
    }
    let fh: FileHandle | undefined;
    try {
      const { res } = await get(url, headers, o.timeoutMs);
      const code = res.statusCode ?? 0;
      if (code === 416) {
        res.resume();
        const cr = parseContentRange(res.headers['content-range']);
        if (cr && 'unsatisfied' in cr && cr.unsatisfied === offset) {
          checkTotal(cr.unsatisfied, 'Content-Range');
          break; // the part already holds the whole file
        }
        await restart(`the server refused the range bytes=${offset}- (416)`);
        throw new Retryable('416 Range Not Satisfiable');
      }
      if (code === 408 || code === 429 || code >= 500) {
        res.resume();
        throw new Retryable(`HTTP ${code} ${res.statusMessage ?? ''}`.trim(), retryAfterMs(res.headers['retry-after'] as string | undefined));
      }
      if (code !== 200 && code !== 206) {
        res.resume();
        const hint = code === 404 ? ' (not found: check the URL or --mirror)' : code === 401 || code === 403 ? " (access refused: this file may need a login; see the source's page)" : '';
        throw new DownloadError(`${url.href}: HTTP ${code} ${res.statusMessage ?? ''}`.trim() + hint, code);
      }
      const encoding = res.headers['content-encoding'];
      if (encoding && encoding !== 'identity') {
        res.resume();
        throw new DownloadError(`${url.href}: the server sent the file with Content-Encoding ${encoding}, not the file's own bytes`);
      }
      const etag = res.headers['etag'];
      const lastModified = res.headers['last-modified'];
      if (!validator && (etag || lastModified)) {
        validator = { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
        await o.onValidator?.(validator);
      }
      const length = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : undefined;
      let bodyEnd: number | undefined;
      if (code === 206) {
        const cr = parseContentRange(res.headers['content-range']);
        if (!cr || 'unsatisfied' in cr || cr.start !== offset) {
          res.resume();
          await restart(`the server answered bytes=${offset}- with ${res.headers['content-range'] ?? 'no Content-Range'}`);
          throw new Retryable('unexpected Content-Range');
        }
        checkTotal(cr.total, 'Content-Range');
        bodyEnd = cr.end + 1;
        resumes++;
        log(`resuming at ${offset} bytes (HTTP 206 Partial Content)`);
      } else {
        if (offset > 0) await restart(`the server ignored the Range request (HTTP 200, whole file)`);
        checkTotal(length, 'Content-Length');
        bodyEnd = length;
      }
      fh = await open(o.part, offset === 0 ? 'w' : 'r+');
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return;
        const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await fh!.write(buf, 0, buf.length, offset);
        hasher.update(buf);
        offset += buf.length;
        o.onProgress?.({ done: offset, ...(total !== undefined ? { total } : {}) });
      };
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          if (total !== undefined && offset + pendingBytes + chunk.length > total) {
            throw new DataError(`${url.href}: the server sent more than the ${total} bytes it announced`);
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BATCH) await flush();
          else o.onProgress?.({ done: offset + pendingBytes, ...(total !== undefined ? { total } : {}) });
        }
      } catch (err) {
        // The bytes that did arrive are good: keep them, so the retry resumes after them.
        await flush();
        if (err instanceof DataError || err instanceof DownloadError) throw err;
        throw new Retryable(`connection lost after ${offset} bytes (${describe(err)})`);
      }
      await flush();
      if (bodyEnd !== undefined && offset < bodyEnd) throw new Retryable(`connection closed after ${offset} of ${bodyEnd} bytes`);
      if (total === undefined) total = offset; // no length announced: the body's end is the file's end
      if (offset !== total) throw new Retryable(`have ${offset} of ${total} bytes`);
      break;
    } catch (err) {
      if (!(err instanceof Retryable)) throw err;
      const progressed = offset > highWater;
      if (progressed) {
        highWater = offset;
        failures = 0;
      }
      failures++;
      if (failures > o.retries) {
        throw new DownloadError(`${url.href}: ${err.message}; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} (${o.retries} retr${o.retries === 1 ? 'y' : 'ies'} without progress). Run the command again later to resume from ${offset} bytes.`);
      }
      const wait = progressed ? 0 : Math.min(MAX_BACKOFF_MS, err.retryAfterMs ?? o.retryDelayMs * 2 ** (failures - 1));
      log(`${err.message}; retry ${failures}/${o.retries}${wait > 0 ? ` in ${(wait / 1000).toFixed(wait < 10_000 ? 1 : 0)} s` : ' now'}${offset > 0 ? `, resuming at ${offset} bytes` : ''}`);
      if (wait > 0) await sleep(wait);
    } finally {
      await fh?.close();
    }
  }
  return { ...hasher.digest(), attempts, resumes, restarts, resumedFrom, seconds: (performance.now() - t0) / 1000 };
}
