// `fetch` through the real CLI against a real HTTP server on 127.0.0.1 (test/support/fetch-server.ts):
// a dropped connection resumed with a Range request and verified; Kather's fake download, zipped here
// into its real archive names, extracted into the layout `convert` reads (and converted); a re-run that
// only verifies; a wrong checksum against the real manifest (refused, nothing kept); network failures
// (exit code 4). Archives and their safety: fetch-archives.test.ts; manual sources, files without
// published checksums, progress and arguments: fetch-manual.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kather } from '../converters/kather/index.js';
import { FetchServer, facts, manifestRow , writeManifestFile } from './support/fetch-server.js';
import { cleanupTempDirs, cliAsync, pythonOk, tempDir } from './support/run-cli.js';

const server = new FetchServer();
let work = '';

beforeAll(async () => {
  await server.start();
  work = tempDir('fetch');
});
afterAll(async () => {
  await server.stop();
  cleanupTempDirs();
});

/** Zip each named folder of `src` into `<out>/<name>.zip`, paths relative to `src` (as the real archives hold them). */
const ZIP_FOLDERS = `
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
for top in sys.argv[3:]:
    with zipfile.ZipFile(os.path.join(out, top + '.zip'), 'w', zipfile.ZIP_DEFLATED) as z:
        for root, dirs, files in os.walk(os.path.join(src, top)):
            dirs.sort()
            z.write(root, os.path.relpath(root, src))
            for f in sorted(files):
                p = os.path.join(root, f)
                z.write(p, os.path.relpath(p, src))
`;

const writeManifest = (name: string, rows: string[]): string => writeManifestFile(join(work, name), rows);

/** Relative path -> sha256 of every file below `dir` (hidden ones included). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const fetchArgs = (dir: string, ...more: string[]) => ['fetch', '--dir', dir, '--retry-delay', '0.02', ...more];

describe('fetch: resume, verify, extract, then convert', () => {
  it('resumes a dropped download with a Range request, verifies it, extracts Kather\'s zips, and convert reads the folder', async () => {
    const raw = join(work, 'kather-raw');
    await kather.writeFakeDownload(raw, { count: 20, seed: 5 });
    const zips = join(work, 'kather-zips');
    mkdirSync(zips);
    pythonOk(ZIP_FOLDERS, [raw, zips, 'NCT-CRC-HE-100K', 'CRC-VAL-HE-7K']);
    const big = readFileSync(join(zips, 'NCT-CRC-HE-100K.zip'));
    const small = readFileSync(join(zips, 'CRC-VAL-HE-7K.zip'));
    const mirror = server.serve('kather', 'NCT-CRC-HE-100K.zip', { data: big, dropFirst: true });
    server.serve('kather', 'CRC-VAL-HE-7K.zip', { data: small });
    const manifest = writeManifest('kather.tsv', [
      manifestRow('NCT-CRC-HE-100K.zip', { ...facts(big), kind: 'zip', into: '.', layout: 'NCT-CRC-HE-100K/<CLASS>/*.tif' }),
      manifestRow('CRC-VAL-HE-7K.zip', { ...facts(small), kind: 'zip', into: '.', layout: 'CRC-VAL-HE-7K/<CLASS>/*.tif' }),
    ]);
    const dir = join(work, 'kather');
    const r = await cliAsync(fetchArgs(dir, '--source', 'kather', '--mirror', mirror, '--manifest', manifest, '--json'));
    expect(r.code, r.stderr).toBe(0);

    // The server dropped the first request halfway; the second asked for the rest with Range.
    const seen = server.requestsFor('kather', 'NCT-CRC-HE-100K.zip');
    expect(seen.map((s) => s.status)).toEqual([200, 206]);
    expect(seen[0]!.range).toBeUndefined();
    const from = Number(/^bytes=(\d+)-$/.exec(seen[1]!.range ?? '')?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThan(big.length);
    expect(seen[1]!.ifRange).toMatch(/^"[0-9a-f]{16}"$/);
    expect(r.stderr).toMatch(/NCT-CRC-HE-100K\.zip: connection lost after \d+ bytes .*retry 1\/5 now, resuming at \d+ bytes/);

    const out = JSON.parse(r.stdout) as { complete: boolean; exitCode: number; files: Record<string, any>[]; manual: unknown[] };
    expect(out).toMatchObject({ complete: true, exitCode: 0, manual: [] });
    const nct = out.files.find((f) => f['file'] === 'NCT-CRC-HE-100K.zip')!;
    expect(nct).toMatchObject({ status: 'downloaded', verified: ['bytes', 'md5', 'sha256'], ...facts(big), bytes: big.length, download: { resumes: 1, restarts: 0, attempts: 2 } });
    expect(nct['extracted']).toMatchObject({ entries: ['NCT-CRC-HE-100K'], fresh: true });
    expect(readFileSync(join(dir, 'NCT-CRC-HE-100K.zip')).equals(big)).toBe(true);

    // The converter's layout, byte for byte; no part files, no temporary folders, no lock left.
    expect(readdirSync(dir).sort()).toEqual(['.medmnist-fetch', 'CRC-VAL-HE-7K', 'CRC-VAL-HE-7K.zip', 'NCT-CRC-HE-100K', 'NCT-CRC-HE-100K.zip']);
    expect(readdirSync(join(dir, '.medmnist-fetch')).sort()).toEqual(['CRC-VAL-HE-7K.zip.json', 'NCT-CRC-HE-100K.zip.json']);
    for (const top of ['NCT-CRC-HE-100K', 'CRC-VAL-HE-7K']) expect(tree(join(dir, top))).toEqual(tree(join(raw, top)));

    const conv = await cliAsync(['convert', '--source', 'kather', '--input', dir, '--out', join(work, 'kather-out'), '--no-fingerprint', '--json']);
    expect(conv.code, conv.stderr).toBe(0);
    const tifs = Object.keys(tree(raw)).filter((f) => f.endsWith('.tif')).length;
    expect(JSON.parse(conv.stdout)).toMatchObject({ source: 'kather', images: tifs });

    // Again: everything is present and verified, nothing is downloaded or extracted.
    const before = server.seen.length;
    const again = await cliAsync(fetchArgs(dir, '--source', 'kather', '--mirror', mirror, '--manifest', manifest));
    expect(again.code, again.stderr).toBe(0);
    expect(server.seen.length).toBe(before);
    expect(again.stderr).toContain(`NCT-CRC-HE-100K.zip: verified (size ${big.length} bytes, md5 ${facts(big).md5}, sha256 ${facts(big).sha256}); nothing to download`);
    expect(again.stderr).toContain(`NCT-CRC-HE-100K.zip: already extracted (${join(dir, 'NCT-CRC-HE-100K')})`);
    expect(again.stderr).toMatch(/done: 2 verified\. Next: medmnist-build convert --source kather/);
  });

  it('refuses a download whose checksum differs from the published one (the real manifest): exit 1, nothing named like the file kept', async () => {
    const wrong = randomBytes(300_000);
    const mirror = server.serve('badsum', 'CRC-VAL-HE-7K.zip', { data: wrong });
    const dir = join(work, 'badsum');
    const r = await cliAsync(fetchArgs(dir, '--source', 'kather', '--mirror', mirror, '--file', 'CRC-VAL-HE-7K.zip'));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`CRC-VAL-HE-7K.zip: downloaded from ${mirror}CRC-VAL-HE-7K.zip, but md5 expected 2fd1651b4f94ebd818ebf90ad2b6ce06, got ${facts(wrong).md5}`);
    expect(r.stderr).toContain('The download was deleted');
    expect(readdirSync(dir).filter((n) => n.startsWith('CRC-VAL-HE-7K'))).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

});

describe('fetch: network failures', () => {
  it('gives up with exit 4 after the retries (503), at once on a 404; a stalled transfer is dropped after --timeout and resumed', async () => {
    const mirror = server.serve('down', 'CRC-VAL-HE-7K.zip', { data: Buffer.alloc(0), status: 503 });
    const dir = join(work, 'down');
    const stalled = randomBytes(200_000);
    const stallMirror = server.serve('stall', 'notes.bin', { data: stalled, stallFirst: true });
    const manifest = writeManifest('stall.tsv', [manifestRow('notes.bin', { ...facts(stalled), kind: 'file', layout: 'notes.bin' })]);
    const [busy, missing, stall] = await Promise.all([
      cliAsync(fetchArgs(dir, '--source', 'kather', '--mirror', mirror, '--file', 'CRC-VAL-HE-7K.zip', '--retries', '2')),
      cliAsync(fetchArgs(join(work, 'missing'), '--source', 'kather', '--mirror', `${server.base}/nothing-here/`, '--file', 'CRC-VAL-HE-7K.zip')),
      cliAsync(fetchArgs(join(work, 'stall'), '--source', 'kather', '--mirror', stallMirror, '--manifest', manifest, '--timeout', '0.5')),
    ]);
    expect(stall.code, stall.stderr).toBe(0);
    expect(stall.stderr).toMatch(/notes\.bin: connection lost after 100000 bytes .*retry 1\/5 now, resuming at 100000 bytes/);
    expect(server.requestsFor('stall').map((s) => s.range)).toEqual([undefined, 'bytes=100000-']);
    expect(readFileSync(join(work, 'stall', 'notes.bin')).equals(stalled)).toBe(true);
    expect(busy.code, busy.stderr).toBe(4);
    expect(busy.stderr).toContain(`${mirror}CRC-VAL-HE-7K.zip: HTTP 503 Service Unavailable; gave up after 3 attempts`);
    expect(server.requestsFor('down')).toHaveLength(3);
    expect(missing.code, missing.stderr).toBe(4);
    expect(missing.stderr).toContain('HTTP 404 Not Found (not found: check the URL or --mirror)');
    expect(server.requestsFor('nothing-here')).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
