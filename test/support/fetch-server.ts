// A real HTTP server on 127.0.0.1 (port 0) for the fetch tests, serving files from memory with chosen
// misbehaviours, and a log of every request it saw (path, Range header, status answered).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  data: Buffer;
  /** The first request gets half the bytes, then the connection is dropped. */
  dropFirst?: boolean;
  /** The first request gets half the bytes, then nothing more (the connection stays open). */
  stallFirst?: boolean;
  /** Range headers are ignored: always 200 with the whole file. */
  ignoreRange?: boolean;
  /** Answer every request with this status and no body. */
  status?: number;
  /** Send the body in 64 kB pieces this many ms apart. */
  slowMs?: number;
}

export interface SeenRequest {
  path: string;
  range?: string;
  ifRange?: string;
  status: number;
}

export class FetchServer {
  readonly files = new Map<string, ServedFile & { requests: number }>();
  readonly seen: SeenRequest[] = [];
  private server: Server | null = null;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const f = this.files.get(path);
      const range = req.headers['range'];
      const ifRange = req.headers['if-range'] as string | undefined;
      const note = (status: number) => this.seen.push({ path, ...(range ? { range } : {}), ...(ifRange ? { ifRange } : {}), status });
      if (!f) {
        note(404);
        res.writeHead(404).end();
        return;
      }
      const first = f.requests++ === 0;
      if (f.status) {
        note(f.status);
        res.writeHead(f.status).end();
        return;
      }
      const len = f.data.length;
      let start = 0;
      const m = range && !f.ignoreRange ? /^bytes=(\d+)-$/.exec(range) : null;
      const etag = `"${createHash('sha256').update(f.data).digest('hex').slice(0, 16)}"`;
      if (m) {
        start = Number(m[1]);
        if (start >= len) {
          note(416);
          res.writeHead(416, { 'content-range': `bytes */${len}` }).end();
          return;
        }
        note(206);
        res.writeHead(206, { 'content-range': `bytes ${start}-${len - 1}/${len}`, 'content-length': len - start, 'accept-ranges': 'bytes', etag });
      } else {
        note(200);
        res.writeHead(200, { 'content-length': len, ...(f.ignoreRange ? {} : { 'accept-ranges': 'bytes' }), etag });
      }
      const body = f.data.subarray(start);
      if (f.dropFirst && first) {
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => req.socket.destroy(), 10));
        return;
      }
      if (f.stallFirst && first) {
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        return;
      }
      if (f.slowMs) {
        let at = 0;
        const step = (): void => {
          if (at >= body.length) return void res.end();
          res.write(body.subarray(at, at + 65536));
          at += 65536;
          setTimeout(step, f.slowMs);
        };
        step();
        return;
      }
      res.end(body);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serve `data` at /<folder>/<name>; returns the mirror base URL of the folder. */
  serve(folder: string, name: string, file: ServedFile): string {
    this.files.set(`/${folder}/${name}`, { ...file, requests: 0 });
    return `${this.base}/${folder}/`;
  }

  requestsFor(folder: string, name?: string): SeenRequest[] {
    return this.seen.filter((s) => (name ? s.path === `/${folder}/${name}` : s.path.startsWith(`/${folder}/`)));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Size, MD5 and SHA-256 of bytes, as a checksums.tsv row wants them. */
export function facts(data: Buffer): { bytes: string; md5: string; sha256: string } {
  return {
    bytes: String(data.length),
    md5: createHash('md5').update(data).digest('hex'),
    sha256: createHash('sha256').update(data).digest('hex'),
  };
}

/** Write a manifest (checksums.tsv format) with these rows to `path`; returns `path`. */
export function writeManifestFile(path: string, rows: string[]): string {
  writeFileSync(path, [MANIFEST_HEADER, ...rows].join('\n') + '\n');
  return path;
}

export const MANIFEST_HEADER = 'file\tbytes\tmd5\tsha256\turl\tget\tkind\tinto\tlayout';

/** One checksums.tsv row (url: a placeholder; --mirror supplies the real one). */
export function manifestRow(file: string, o: { bytes?: string; md5?: string; sha256?: string; get?: string; kind: string; into?: string; layout: string }): string {
  return [file, o.bytes ?? '', o.md5 ?? '', o.sha256 ?? '', `https://example.org/${file}`, o.get ?? 'direct', o.kind, o.into ?? '', o.layout].join('\t');
}
