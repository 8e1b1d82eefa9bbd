// `fetch` for people: a source behind a page fetch must not scrape (the steps, exit code 3, nothing
// touched), a manual download a person extracted by hand, a file with no published checksum (said
// plainly, its SHA-256 recorded and checked on the next run), progress lines when stderr is not a
// TTY, and every argument refused before any network or disk work (exit code 2, the flag named).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchArgs as checkFetchArgs } from '../src/cli/fetch.js';
import { FetchServer, facts, manifestRow , writeManifestFile } from './support/fetch-server.js';
import { cleanupTempDirs, cliAsync, tempDir } from './support/run-cli.js';

const server = new FetchServer();
let work = '';

beforeAll(async () => {
  await server.start();
  work = tempDir('fetch-manual');
});
afterAll(async () => {
  await server.stop();
  cleanupTempDirs();
});

const writeManifest = (name: string, rows: string[]): string => writeManifestFile(join(work, name), rows);

const fetchArgs = (dir: string, ...more: string[]) => ['fetch', '--dir', dir, '--retry-delay', '0.02', ...more];

describe('fetch: manual sources', () => {
  it('prints the steps for a source behind a page fetch must not scrape, exits 3 and touches nothing', async () => {
    const dir = join(work, 'busi-never-created');
    const r = await cliAsync(['fetch', '--source', 'busi', '--dir', dir]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('From https://scholar.cu.edu.eg/?q=afahmy/pages/dataset get:');
    expect(r.stdout).toContain('1. Dataset_BUSI.zip');
    expect(r.stdout).toContain(`save it as ${join(dir, 'Dataset_BUSI.zip')} and run this command again (fetch verifies it and extracts it)`);
    expect(r.stdout).toContain(`or extract it yourself so that ${join(dir, 'Dataset_BUSI_with_GT/{benign,malignant,normal}/*.png')} exists`);
    expect(r.stdout).toContain(`medmnist-build convert --source busi --input ${dir} --out OUT`);
    expect(r.stdout).toContain('Exit code 3: manual download needed.');
    expect(existsSync(dir)).toBe(false);
  });

  it('lists every NIH file with its published MD5 and the folder it extracts into (--json)', async () => {
    const dir = join(work, 'nih-never-created');
    const r = await cliAsync(['fetch', '--source', 'nih-cxr14', '--dir', dir, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { complete: boolean; manual: Record<string, unknown>[] };
    expect(out.complete).toBe(false);
    expect(out.manual).toHaveLength(15);
    expect(out.manual[0]).toEqual({
      file: 'images_001.tar.gz',
      kind: 'tar.gz',
      page: 'https://nihcc.app.box.com/v/ChestXray-NIHCC',
      saveAs: join(dir, 'images_001.tar.gz'),
      layout: join(dir, 'images_001/images/*.png'),
      md5: 'fe8ed0a6961412fddcbb3603c11b3698',
    });
    expect(existsSync(dir)).toBe(false);
  });

  it('a folder the person extracted by hand counts as present (not verified)', async () => {
    const dir = join(work, 'busi-by-hand');
    mkdirSync(join(dir, 'Dataset_BUSI_with_GT', 'benign'), { recursive: true });
    const r = await cliAsync(['fetch', '--source', 'busi', '--dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Dataset_BUSI.zip: ${join(dir, 'Dataset_BUSI_with_GT')} is present (not made by fetch, so not verified); leaving it as it is`);
    expect(readdirSync(dir)).toEqual(['Dataset_BUSI_with_GT']);
  });
});

describe('fetch: files without published checksums', () => {
  it('a file with nothing published: says so, records the sha256, and checks it against that record later; progress lines when not on a TTY', async () => {
    const data = randomBytes(1_200_000);
    const mirror = server.serve('plain', 'notes.bin', { data, slowMs: 40 });
    const manifest = writeManifest('plain.tsv', [manifestRow('notes.bin', { kind: 'file', layout: 'notes.bin' })]);
    const dir = join(work, 'plain');
    const r = await cliAsync(fetchArgs(dir, '--source', 'kather', '--mirror', mirror, '--manifest', manifest), { env: { MEDMNIST_BUILD_PROGRESS_MS: '150' } });
    expect(r.code, r.stderr).toBe(0);
    const sha = facts(data).sha256;
    expect(r.stderr).toContain(`No checksum or size is published for this file, so it cannot be verified; its sha256 is ${sha} (recorded in ${join(dir, '.medmnist-fetch', 'notes.bin.json')})`);
    expect(r.stderr).toMatch(/^fetch kather: notes\.bin \d+(\.\d)?\/1\.2 MB \d+(\.\d)? (kB|MB)\/s ETA \d+ s$/m);
    expect(JSON.parse(readFileSync(join(dir, '.medmnist-fetch', 'notes.bin.json'), 'utf8'))).toMatchObject({ sha256: sha, bytes: data.length, verified: [] });

    const again = await cliAsync(fetchArgs(dir, '--source', 'kather', '--mirror', mirror, '--manifest', manifest));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`notes.bin: verified (size ${data.length} bytes, sha256 ${sha}, as recorded when fetch downloaded it)`);

    writeFileSync(join(dir, 'notes.bin'), 'changed');
    const changed = await cliAsync(fetchArgs(dir, '--source', 'kather', '--mirror', mirror, '--manifest', manifest));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(`${join(dir, 'notes.bin')}: bytes expected ${data.length}, got 7; sha256 expected ${sha}`);
    expect(changed.stderr).toContain('It changed since fetch downloaded and recorded it');
  });
});

describe('fetch: arguments', () => {
  /** The flags as yargs hands them to the command (its defaults included). */
  const argv = (o: Record<string, unknown>) => ({ retries: 5, 'retry-delay': 1, timeout: 60, 'max-extract-size': '200G', 'max-entries': 1_000_000, ...o });

  it.each([
    [{ source: 'nope' }, /unknown --source "nope"/],
    [{ source: '' }, /--source needs a source id: one of kather, /],
    [{ dir: '' }, /--dir needs the download folder/],
    [{ dir: 'FILE' }, /--dir .*a-file is a file, not a folder/],
    [{ dir: 'FILE/sub' }, /--dir .*a-file\/sub: .*a-file is a file, so the folder cannot be created/],
    [{ mirror: 'not a url' }, /--mirror "not a url" is not a URL/],
    [{ mirror: 'ftp://example.org/x/' }, /--mirror ftp:\/\/example.org\/x\/: only http:\/\/ and https:\/\//],
    [{ mirror: 'https://example.org/x/?key=1' }, /--mirror .*: a base URL without \?query or #fragment/],
    [{ file: 'nope.zip' }, /--file nope\.zip: not a download of kather; its files are NCT-CRC-HE-100K\.zip, NCT-CRC-HE-100K-NONORM\.zip, CRC-VAL-HE-7K\.zip/],
    [{ 'max-extract-size': '12X' }, /--max-extract-size "12X" is not a size/],
    [{ 'max-entries': 0 }, /--max-entries 0 must be a whole number from 1 to/],
    [{ retries: -1 }, /--retries -1 must be a whole number from 0 to 100/],
    [{ 'retry-delay': 'soon' }, /--retry-delay "soon" must be a number from 0 to 600/],
    [{ timeout: 0 }, /--timeout 0 must be a number from 0.1 to 3600/],
    [{ manifest: 'BAD' }, /--manifest: .*bad\.tsv line 2: column kind: "rar" is not one of zip, tar\.gz, file, folder/],
    [{ manifest: 'MISSING' }, /--manifest .*missing\.tsv: cannot read it \(ENOENT\)/],
  ])('refuses %j', (o, message) => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const bad = writeManifest('bad.tsv', [manifestRow('x.zip', { kind: 'rar', layout: 'x' })]);
    const dir = join(work, 'never');
    const sub = (v: unknown) => (typeof v === 'string' ? v.replace('FILE', file).replace('BAD', bad).replace('MISSING', join(work, 'missing.tsv')) : v);
    const args = argv({ source: 'kather', dir, ...Object.fromEntries(Object.entries(o).map(([k, v]) => [k, sub(v)])) });
    expect(() => checkFetchArgs(args)).toThrow(message);
    expect(existsSync(dir)).toBe(false);
  });

  it('accepts sizes with units, and picks optional files only when named', () => {
    const dir = join(work, 'never');
    const a = checkFetchArgs(argv({ source: 'kather', dir, 'max-extract-size': '1.5G' }));
    expect(a.limits.maxBytes).toBe(1.5 * 2 ** 30);
    expect(a.rows.map((r) => r.file)).toEqual(['NCT-CRC-HE-100K.zip', 'CRC-VAL-HE-7K.zip']);
    expect(a.skippedOptional.map((r) => r.file)).toEqual(['NCT-CRC-HE-100K-NONORM.zip']);
    const b = checkFetchArgs(argv({ source: 'kather', dir, file: 'NCT-CRC-HE-100K-NONORM.zip,CRC-VAL-HE-7K.zip' }));
    expect(b.rows.map((r) => r.file)).toEqual(['NCT-CRC-HE-100K-NONORM.zip', 'CRC-VAL-HE-7K.zip']);
    expect(existsSync(dir)).toBe(false);
  });

  it('through the CLI: exit 2 naming the flag, no request, nothing created', async () => {
    const dir = join(work, 'never');
    const before = server.seen.length;
    const r = await cliAsync(['fetch', '--source', 'kather', '--dir', dir, '--mirror', 'not a url']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mirror "not a url" is not a URL');
    expect(server.seen.length).toBe(before);
    expect(existsSync(dir)).toBe(false);
  });
});
