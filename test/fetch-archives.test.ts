// Archives `fetch` extracts: a tar.gz (folders, a long pax name, a symbolic and a hard link inside it)
// downloaded from a server that ignores Range (restart), next to a manual zip the mirror lacks (exit 3)
// that a person then puts in place; and hostile archives, refused with nothing written outside the
// download folder and nothing that looks extracted: through the real CLI a `../` traversal, an
// absolute path and a tar symbolic link out of the folder; in process (src/fetch/extract-*.ts) the
// rest of the matrix (zip links, link chains, hard links, devices, the zip-bomb limits, damage).
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, UnsafeArchiveError, type ExtractLimits } from '../src/fetch/extract.js';
import { extractTarGz } from '../src/fetch/extract-tar.js';
import { extractZip } from '../src/fetch/extract-zip.js';
import { FetchServer, facts, manifestRow , writeManifestFile } from './support/fetch-server.js';
import { cleanupTempDirs, cliAsync, pythonOk, tempDir } from './support/run-cli.js';

const server = new FetchServer();
let work = '';
let evil = '';

/** Hostile archives, made with Python's zipfile/tarfile (which write names as given). */
const MAKE_EVIL = String.raw`
import io, sys, tarfile, zipfile
out, absolute = sys.argv[1], sys.argv[2]
def zi(name, mode=0o100644):
    z = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)); z.create_system = 3; z.external_attr = mode << 16
    return z
def zipped(name, entries):
    with zipfile.ZipFile(out + '/' + name, 'w', zipfile.ZIP_DEFLATED) as z:
        for n, data, mode in entries:
            z.writestr(zi(n, mode), data)
F = 0o100644
L = 0o120777
zipped('traversal.zip', [('ok/a.txt', 'fine', F), ('../../../../evil.txt', 'evil', F)])
zipped('absolute.zip', [('ok/a.txt', 'fine', F), (absolute, 'evil', F)])
zipped('backslash.zip', [('ok/a.txt', 'fine', F), ('..\\..\\evil.txt', 'evil', F)])
zipped('ziplink.zip', [('ok/a.txt', 'fine', F), ('ok/up', '../../outside', L)])
zipped('bomb.zip', [('zeros.bin', b'\0' * (8 << 20), F)])
zipped('many.zip', [('f%02d.txt' % i, 'x', F) for i in range(20)])
zipped('device.zip', [('ok/tty', '', 0o020644)])
def add(t, name, data=b'', kind=tarfile.REGTYPE, link=''):
    ti = tarfile.TarInfo(name); ti.type = kind; ti.linkname = link; ti.mtime = 0
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
def tarred(name, entries):
    with tarfile.open(out + '/' + name, 'w:gz') as t:
        for e in entries:
            add(t, *e)
tarred('tarlink.tar.gz', [('ok/a.txt', b'fine'), ('ok/escape', b'', tarfile.SYMTYPE, '../../outside'), ('ok/escape/pwned.txt', b'evil')])
tarred('tarabslink.tar.gz', [('ok/etc', b'', tarfile.SYMTYPE, '/etc')])
tarred('through.tar.gz', [('ok/here', b'', tarfile.SYMTYPE, '.'), ('ok/here/b.txt', b'x')])
# Each link stays inside when it is made; once ok/d is a link to ok, ok/l resolves to ok/../.. = outside.
tarred('retarget.tar.gz', [('ok/l', b'', tarfile.SYMTYPE, 'd/../..'), ('ok/d', b'', tarfile.SYMTYPE, '.')])
tarred('hardlink.tar.gz', [('ok/h', b'', tarfile.LNKTYPE, '/etc/hostname')])
tarred('hardlink-missing.tar.gz', [('ok/h', b'', tarfile.LNKTYPE, 'ok/nothing')])
tarred('tarbomb.tar.gz', [('ok/a.txt', b'fine'), ('ok/zeros.bin', b'\0' * (8 << 20))])
tarred('fifo.tar.gz', [('ok/pipe', b'', tarfile.FIFOTYPE)])
tarred('tar-traversal.tar.gz', [('ok/../../x.txt', b'evil')])
open(out + '/truncated.tar.gz', 'wb').write(open(out + '/tarlink.tar.gz', 'rb').read()[:40])
open(out + '/not-gzip.tar.gz', 'wb').write(b'PK\x03\x04 this is no gzip')
print('ok')
`;

beforeAll(async () => {
  await server.start();
  work = tempDir('fetch-archives');
  evil = join(work, 'evil');
  mkdirSync(evil);
  expect(pythonOk(MAKE_EVIL, [evil, join(work, 'abs-evil.txt')]).trim()).toBe('ok');
});
afterAll(async () => {
  await server.stop();
  cleanupTempDirs();
});

const writeManifest = (name: string, rows: string[]): string => writeManifestFile(join(work, name), rows);

const fetchArgs = (dir: string, ...more: string[]) => ['fetch', '--source', 'kather', '--dir', dir, '--retry-delay', '0.02', ...more];

describe('fetch: archives', () => {
  it('restarts from 0 when the server ignores Range; extracts a tar.gz (links, long names) into its folder; a manual file the mirror lacks is listed (exit 3), then verified and extracted once put in place', async () => {
    const src = join(work, 'tar-src');
    mkdirSync(src);
    const pad = randomBytes(400_000); // incompressible: the drop happens mid-file
    writeFileSync(join(src, 'pad'), pad);
    const made = pythonOk(
      `
import io, sys, tarfile, zipfile
out, pad = sys.argv[1], open(sys.argv[2], 'rb').read()
def add(t, name, data=b'', kind=tarfile.REGTYPE, link=''):
    ti = tarfile.TarInfo(name); ti.type = kind; ti.linkname = link; ti.mtime = 0
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
with tarfile.open(out + '/good.tar.gz', 'w:gz', format=tarfile.PAX_FORMAT) as t:
    add(t, 'data', kind=tarfile.DIRTYPE)
    add(t, 'data/a/b.txt', b'bee')
    add(t, 'data/pad.bin', pad)
    add(t, 'data/' + 'n' * 150 + '.txt', b'long name')
    add(t, 'data/latest', kind=tarfile.SYMTYPE, link='a')
    add(t, 'data/b-again.txt', kind=tarfile.LNKTYPE, link='data/a/b.txt')
with zipfile.ZipFile(out + '/hand.zip', 'w') as z:
    z.writestr('hand/x.txt', 'by hand')
print('ok')`,
      [src, join(src, 'pad')],
    );
    expect(made.trim()).toBe('ok');
    const good = readFileSync(join(src, 'good.tar.gz'));
    const hand = readFileSync(join(src, 'hand.zip'));
    const mirror = server.serve('tar', 'good.tar.gz', { data: good, dropFirst: true, ignoreRange: true });
    const manifest = writeManifest('tar.tsv', [
      manifestRow('good.tar.gz', { ...facts(good), kind: 'tar.gz', into: 'good', layout: 'good/data/*' }),
      manifestRow('hand.zip', { sha256: facts(hand).sha256, get: 'manual', kind: 'zip', into: '.', layout: 'hand/*.txt' }),
    ]);
    const dir = join(work, 'tar');
    const r = await cliAsync(fetchArgs(dir, '--mirror', mirror, '--manifest', manifest, '--json'));
    expect(r.code, r.stderr).toBe(3);
    const seen = server.requestsFor('tar', 'good.tar.gz');
    expect(seen.map((s) => [s.status, Boolean(s.range)])).toEqual([
      [200, false],
      [200, true], // asked for the rest, got the whole file: started again
    ]);
    expect(r.stderr).toContain('good.tar.gz: the server ignored the Range request (HTTP 200, whole file); restarting from 0');
    const out = JSON.parse(r.stdout) as { complete: boolean; files: Record<string, unknown>[]; manual: Record<string, unknown>[] };
    expect(out.complete).toBe(false);
    expect(out.files[0]).toMatchObject({ file: 'good.tar.gz', status: 'downloaded', verified: ['bytes', 'md5', 'sha256'], download: { restarts: 1 } });
    expect(out.files[1]).toMatchObject({ file: 'hand.zip', status: 'manual' });
    expect(out.manual).toEqual([{ file: 'hand.zip', kind: 'zip', page: 'https://example.org/hand.zip', saveAs: join(dir, 'hand.zip'), layout: join(dir, 'hand/*.txt'), sha256: facts(hand).sha256 }]);
    expect(r.stderr).toContain(`hand.zip: the mirror has no copy (${mirror}hand.zip: HTTP 404); it must be got by hand`);
    expect(r.stderr).toContain(`save it as ${join(dir, 'hand.zip')} and run this command again`);

    const g = join(dir, 'good', 'data');
    expect(readFileSync(join(g, 'a', 'b.txt'), 'utf8')).toBe('bee');
    expect(readFileSync(join(g, 'pad.bin')).equals(pad)).toBe(true);
    expect(readFileSync(join(g, `${'n'.repeat(150)}.txt`), 'utf8')).toBe('long name');
    expect(readlinkSync(join(g, 'latest'))).toBe('a');
    expect(readFileSync(join(g, 'latest', 'b.txt'), 'utf8')).toBe('bee');
    expect(readFileSync(join(g, 'b-again.txt'), 'utf8')).toBe('bee');

    // The person saves hand.zip where the steps said; the next run verifies and extracts it, and asks
    // the server for nothing (good.tar.gz is verified from disk).
    copyFileSync(join(src, 'hand.zip'), join(dir, 'hand.zip'));
    const before = server.seen.length;
    const again = await cliAsync(fetchArgs(dir, '--mirror', mirror, '--manifest', manifest));
    expect(again.code, again.stderr).toBe(0);
    expect(server.seen.length).toBe(before);
    expect(again.stderr).toContain(`hand.zip: verified (sha256 ${facts(hand).sha256}); nothing to download`);
    expect(again.stderr).toContain('good.tar.gz: already extracted');
    expect(readFileSync(join(dir, 'hand', 'x.txt'), 'utf8')).toBe('by hand');
  });

  it('refuses hostile archives through the CLI (exit 1): nothing outside the folder, nothing extracted', async () => {
    const cases: [string, string, string[], RegExp][] = [
      ['traversal.zip', 'zip', [], /traversal\.zip: entry "\.\.\/\.\.\/\.\.\/\.\.\/evil\.txt" climbs out of the extraction folder with "\.\."/],
      ['absolute.zip', 'zip', [], new RegExp(`absolute\\.zip: entry "${join(work, 'abs-evil.txt')}" has an absolute path`)],
      ['tarlink.tar.gz', 'tar.gz', [], /tarlink\.tar\.gz: entry "ok\/escape" is a symbolic link to "\.\.\/\.\.\/outside", which points outside the extraction folder/],
    ];
    const runs = await Promise.all(
      cases.map(([name, kind, flags], i) => {
        const data = readFileSync(join(evil, name));
        const mirror = server.serve(`evil${i}`, name, { data });
        const manifest = writeManifest(`evil${i}.tsv`, [manifestRow(name, { ...facts(data), kind, into: '.', layout: 'ok/*' })]);
        const parent = join(work, `evil-run-${i}`);
        mkdirSync(parent);
        return cliAsync(fetchArgs(join(parent, 'dir'), '--mirror', mirror, '--manifest', manifest, ...flags));
      }),
    );
    runs.forEach((r, i) => {
      const [name, , , message] = cases[i]!;
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('The archive was refused; nothing of it was extracted.');
      const parent = join(work, `evil-run-${i}`);
      const dir = join(parent, 'dir');
      // The verified download is kept; nothing else: no extracted entry, no temporary folder, and
      // nothing beside or above the download folder.
      expect(readdirSync(parent)).toEqual(['dir']);
      expect(readdirSync(dir).sort()).toEqual(['.medmnist-fetch', name]);
      expect(readdirSync(join(dir, '.medmnist-fetch'))).toEqual([`${name}.json`]);
    });
    expect(existsSync(join(work, 'evil.txt'))).toBe(false);
    expect(existsSync(join(work, 'abs-evil.txt'))).toBe(false);
    expect(existsSync(join(work, 'outside'))).toBe(false);
  });
});

describe('safe extraction (src/fetch/extract-*.ts)', () => {
  const limits: ExtractLimits = DEFAULT_LIMITS;
  let n = 0;
  /** Extract into a fresh root inside its own parent; return the parent for inspection. */
  async function attempt(name: string, l: ExtractLimits = limits): Promise<{ error: unknown; parent: string }> {
    const parent = join(work, `inproc-${n++}`);
    const root = join(parent, 'root');
    mkdirSync(root, { recursive: true });
    const archive = join(evil, name);
    const error = await (name.endsWith('.zip') ? extractZip(archive, root, l) : extractTarGz(archive, root, l)).then(
      () => null,
      (e: unknown) => e,
    );
    return { error, parent };
  }

  it.each([
    ['traversal.zip', /climbs out of the extraction folder/],
    ['backslash.zip', /"\.\.\\\\\.\.\\\\evil\.txt" climbs out/],
    ['absolute.zip', /has an absolute path/],
    ['ziplink.zip', /entry "ok\/up" is a symbolic link to "\.\.\/\.\.\/outside", which points outside/],
    ['device.zip', /is a special file/],
    ['tarlink.tar.gz', /symbolic link to "\.\.\/\.\.\/outside", which points outside/],
    ['tarabslink.tar.gz', /symbolic link to the absolute path "\/etc"/],
    ['through.tar.gz', /entry "ok\/here\/b\.txt" would be written through the symbolic link ok\/here/],
    ['retarget.tar.gz', /entry "ok\/l" is a symbolic link to "d\/\.\.\/\.\.", which \(through the archive's other links\) points outside/],
    ['hardlink.tar.gz', /has an absolute path/],
    ['hardlink-missing.tar.gz', /hard link to "ok\/nothing", which is not a file the archive extracted before it/],
    ['fifo.tar.gz', /is a FIFO, not a file, folder or link/],
    ['tar-traversal.tar.gz', /climbs out/],
  ])('%s is refused and nothing lands outside the root', async (name, message) => {
    const { error, parent } = await attempt(name);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect((error as Error).message).toMatch(message);
    expect(readdirSync(parent)).toEqual(['root']);
  });

  it('refuses a zip beyond the entry limit before writing anything, and a bomb beyond the size limit', async () => {
    const many = await attempt('many.zip', { ...limits, maxEntries: 10 });
    expect((many.error as Error).message).toMatch(/many\.zip: 20 entries, beyond the limit of 10 \(a zip bomb\? raise it with --max-entries/);
    expect(readdirSync(join(many.parent, 'root'))).toEqual([]);
    const bomb = await attempt('bomb.zip', { ...limits, maxBytes: 1 << 20 });
    expect((bomb.error as Error).message).toMatch(/bomb\.zip: its entries declare 8388608 bytes in all, beyond the limit of 1048576 \(a zip bomb\? raise it with --max-extract-size/);
    expect(readdirSync(join(bomb.parent, 'root'))).toEqual([]);
    const ok = await attempt('bomb.zip', { ...limits, maxBytes: 8 << 20 });
    expect(ok.error).toBeNull();
    // A tar.gz declares sizes entry by entry: refused at the entry that crosses the limit, before its data.
    const tarBomb = await attempt('tarbomb.tar.gz', { ...limits, maxBytes: 1 << 20 });
    expect((tarBomb.error as Error).message).toMatch(/tarbomb\.tar\.gz: entry "ok\/zeros\.bin" takes the extracted size to 8388612 bytes, beyond the limit of 1048576 \(a zip bomb\? raise it with --max-extract-size/);
    expect(existsSync(join(tarBomb.parent, 'root', 'ok', 'zeros.bin'))).toBe(false);
  });

  it('names a truncated or non-gzip tar.gz as damaged', async () => {
    for (const name of ['truncated.tar.gz', 'not-gzip.tar.gz']) {
      const { error } = await attempt(name);
      expect((error as Error).message, name).toMatch(new RegExp(`${name.replace(/\./g, '\\.')}: (not a readable gzip file|the archive ends|a tar header)`));
    }
  });
});
