// verify through the real CLI: each kind of difference is reported by name (dvc status style) with
// exit 1; --content decodes, --inputs re-hashes the raw download, --official checks MD5s.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeLock, type Lockfile } from '../src/lock/lockfile.js';
import { cli, convertCli, convertedFixture, copyDir, flipByte } from './lock-helpers.js';
import { pythonOk } from './support/run-cli.js';

const fx = convertedFixture('verify');

function outputNames(l: Lockfile): string[] {
  const d = l.datasets['dermamnist']!;
  return [d.samplesCsv, ...(d.docs ? [d.docs.card, d.docs.croissant] : []), ...Object.values(d.sizes).flatMap((s) => [s.metadata, ...Object.values(s.formats).flatMap((f) => f.files)])].map((o) => o.name);
}

describe('verify', () => {
  it('passes on an untouched build, with --content and --inputs', () => {
    const r = cli('verify', fx.out, '--content', '--inputs', fx.raw);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/verify: 7 outputs, 2 decoded contents, 41 raw inputs match /);
  });

  it('reports a flipped byte in any output with the file name', async () => {
    const names = outputNames(fx.lock).sort();
    expect(names).toEqual(['dermamnist.card.md', 'dermamnist.croissant.json', 'dermamnist.json', 'dermamnist.npz', 'dermamnist.samples.csv', 'dermamnist_64.json', 'dermamnist_64.npz']);
    // One byte flipped in every output at once: each must be named, none masks another.
    const dir = await copyDir(fx.out, join(fx.tmp, 'flipped'));
    for (const name of names) await flipByte(join(dir, name));
    const r = cli('verify', dir, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; changes: { kind: string; name: string; dataset?: string }[] };
    expect(report.ok).toBe(false);
    const modified = report.changes.filter((c) => c.kind === 'modified');
    expect(modified.map((c) => c.name).sort()).toEqual(names);
    expect(modified.every((c) => c.dataset === 'dermamnist')).toBe(true);
    // Flipped JSON metadata may also read as another recipe; nothing else may be reported.
    expect(report.changes.filter((c) => c.kind !== 'modified' && c.kind !== 'stale recipe')).toEqual([]);
    const text = cli('verify', dir);
    expect(text.code).toBe(1);
    for (const name of names) {
      expect(text.stdout).toMatch(new RegExp(`\\tmodified: +${name.replaceAll('.', '\\.')}  \\(sha256 [0-9a-f]{12} -> [0-9a-f]{12}\\)\\n`));
    }
  });

  it('reports missing and unexpected files', async () => {
    const dir = await copyDir(fx.out, join(fx.tmp, 'missing'));
    await rename(join(dir, 'dermamnist_64.npz'), join(dir, 'dermamnist_64.npz.bak'));
    const r = cli('verify', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/dermamnist:\n\tmissing: +dermamnist_64\.npz\n/);
    expect(r.stdout).toMatch(/not in the lock:\n\tunexpected: +dermamnist_64\.npz\.bak\n/);
  });

  it('--content finds decoded pixels that differ, by split', async () => {
    const dir = await copyDir(fx.out, join(fx.tmp, 'content'));
    // Flip a byte inside the last test image of the NPZ (stored members: data lies before the directory).
    const npz = join(dir, 'dermamnist.npz');
    const { readNpz } = await import('../src/formats/npz.js');
    const test = (await readNpz(npz))['test_images']!;
    const bytes = await readFile(npz);
    const at = bytes.lastIndexOf(Buffer.from(test.data.subarray(test.data.length - 64)));
    await flipByte(npz, at + 10);
    const r = cli('verify', dir, '--content', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { changes: { kind: string; name: string; detail?: string }[] };
    expect(report.changes).toEqual([
      expect.objectContaining({ kind: 'modified', name: 'dermamnist.npz' }),
      expect.objectContaining({ kind: 'content', name: 'dermamnist (npz)', detail: 'decoded arrays and labels differ in test' }),
    ]);
  });

  it('marks the recipe stale when outputs were rebuilt with a changed option', async () => {
    const dir = await copyDir(fx.out, join(fx.tmp, 'stale'));
    // Rebuild with another seed, recording the lock elsewhere: the folder's lock now describes other outputs.
    convertCli(fx.raw, dir, '--seed', '7', '--lock', join(fx.tmp, 'elsewhere.lock.json'));
    const r = cli('verify', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('stale recipe:      split.seed  (0 in the lock, 7 in dermamnist.json)');
    expect(r.stdout).toContain('stale recipe:      split.seed  (0 in the lock, 7 in dermamnist_64.json)');
    expect(r.stdout).toMatch(/modified: +dermamnist\.samples\.csv/);
  });

  it('marks the recipe stale when this tool would build differently', async () => {
    const lockPath = join(fx.tmp, 'old-tool.lock.json');
    const l = structuredClone(fx.lock);
    l.datasets['dermamnist']!.recipe.tool.version = '0.0.1';
    l.datasets['dermamnist']!.recipe.pixels = [{ op: 'convert', mode: 'RGB' }, { op: 'resize', filter: 'bilinear' }];
    await writeLock(lockPath, l);
    const r = cli('verify', fx.out, '--lock', lockPath, '--json');
    expect(r.code).toBe(1);
    const kinds = (JSON.parse(r.stdout) as { changes: { kind: string; name: string; detail?: string }[] }).changes;
    expect(kinds).toEqual(
      expect.arrayContaining([
        { kind: 'stale recipe', dataset: 'dermamnist', name: 'recipeSha256', detail: 'does not match the recorded recipe (was the lock edited by hand?)' },
        { kind: 'stale recipe', dataset: 'dermamnist', name: 'tool.version', detail: '"0.0.1" in the lock, "0.1.0" in this medmnist-build' },
        { kind: 'stale recipe', dataset: 'dermamnist', name: 'pixels.1.filter', detail: '"bilinear" in the lock, "bicubic" in this medmnist-build' },
        { kind: 'stale recipe', dataset: 'dermamnist', name: 'pixels.1.filter', detail: '"bilinear" in the lock, "bicubic" in dermamnist.json' },
      ]),
    );
  });

  it('--inputs catches a changed, a missing and an added raw file', async () => {
    const raw2 = await copyDir(fx.raw, join(fx.tmp, 'raw-changed'));
    const meta = await readFile(join(raw2, 'HAM10000_metadata.csv'), 'utf8');
    const [, first, second] = meta.split('\n');
    const changedId = /ISIC_\d{7}/.exec(first!)![0];
    const goneId = /ISIC_\d{7}/.exec(second!)![0];
    const where = (id: string): string => execFileSync('find', [raw2, '-name', `${id}.jpg`], { encoding: 'utf8' }).trim();
    const changed = where(changedId);
    await flipByte(changed, 2000);
    // Drop one image (and its row) and add a new one: the converter reads other files now.
    const gone = where(goneId);
    await rm(gone);
    const added = changed.replace(changedId, 'ISIC_0099999');
    await writeFile(added, await readFile(changed));
    await writeFile(
      join(raw2, 'HAM10000_metadata.csv'),
      meta.replace(second! + '\n', '') + second!.replace(goneId, 'ISIC_0099999') + '\n',
    );
    const rel = (p: string): string => p.slice(raw2.length + 1);
    const r = cli('verify', fx.out, '--inputs', `ham10000=${raw2}`, '--json');
    expect(r.code).toBe(1);
    const changes = (JSON.parse(r.stdout) as { changes: { kind: string; name: string }[] }).changes.map((c) => `${c.kind} ${c.name}`);
    expect(changes.sort()).toEqual(
      [`input modified ${rel(changed)}`, `input modified HAM10000_metadata.csv`, `input missing ${rel(gone)}`, `input unexpected ${rel(added)}`].sort(),
    );
  });

  it('gives a clear error for a lock that breaks the schema', async () => {
    const lockPath = join(fx.tmp, 'broken.lock.json');
    const l = JSON.parse(JSON.stringify(fx.lock)) as Record<string, unknown> & { datasets: Record<string, Record<string, unknown>> };
    delete l.datasets['dermamnist']!['recipeSha256'];
    l.datasets['dermamnist']!['samplesCsv'] = { name: 'dermamnist.samples.csv', bytes: 1, sha256: 'xyz' };
    await writeFile(lockPath, JSON.stringify(l));
    const r = cli('verify', fx.out, '--lock', lockPath);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${lockPath} is not a valid lock file (schemas/lock.schema.json):`);
    expect(r.stderr).toContain("/datasets/dermamnist: must have required property 'recipeSha256'");
    expect(r.stderr).toContain('/datasets/dermamnist/samplesCsv/sha256: must match pattern "^[0-9a-f]{64}$"');
    await writeFile(lockPath, '{"lockfileVersion": 1, "datasets": ');
    const j = cli('verify', fx.out, '--lock', lockPath);
    expect(j.code).toBe(1);
    expect(j.stderr).toContain(`${lockPath} is not valid JSON`);
  });

  it('--official checks present official files against their MD5s', async () => {
    const dir = join(fx.tmp, 'official');
    const lockPath = join(fx.tmp, 'official.lock.json');
    await copyDir(join(fx.out), dir);
    await writeFile(join(dir, 'pathmnist.npz'), 'pretend official pathmnist');
    await writeFile(join(dir, 'bloodmnist_64.npz'), 'pretend official bloodmnist 64');
    const md5 = (p: string): string =>
      pythonOk('import hashlib,sys;print(hashlib.md5(open(sys.argv[1],"rb").read()).hexdigest())', [p]).trim();
    const files = {
      'pathmnist.npz': { md5: md5(join(dir, 'pathmnist.npz')), url: 'u1' },
      'bloodmnist_64.npz': { md5: md5(join(dir, 'bloodmnist_64.npz')), url: 'u2' },
      'organmnist3d.npz': { md5: 'c'.repeat(32), url: 'u3' },
    };
    await writeLock(lockPath, { lockfileVersion: 1, datasets: {}, official: { release: 'test release', files } });
    const ok = cli('verify', '--official', dir, '--lock', lockPath);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('ok            pathmnist.npz\n');
    expect(ok.stdout).toContain('2 of 3 official files present');
    await writeFile(join(dir, 'bloodmnist_64.npz'), 'a corrupted download');
    const bad = cli('verify', '--official', dir, '--lock', lockPath, '--json');
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { checks: { name: string; status: string }[] };
    expect(report.checks.map((c) => `${c.name} ${c.status}`)).toEqual(['bloodmnist_64.npz mismatch', 'organmnist3d.npz absent', 'pathmnist.npz ok']);
  });

  it('--official fails when nothing was checked, saying which files were expected where', async () => {
    const empty = join(fx.tmp, 'no-downloads');
    await mkdir(empty);
    const r = cli('verify', '--official', empty);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`0 of 60 official files present in ${empty}`);
    expect(r.stderr).toContain(`verify --official: nothing was checked: none of the 60 official MedMNIST files of MedMNIST v3.0.2`);
    expect(r.stderr).toContain('Expected there, under their published names: F.npz, F_64.npz for F in adrenalmnist3d, fracturemnist3d,');
    expect(r.stderr).toContain('F.npz, F_64.npz, F_128.npz, F_224.npz for F in bloodmnist, breastmnist, chestmnist, dermamnist,');
    expect(r.stderr).toContain(`curl -L -o ${join(empty, 'dermamnist.npz')} 'https://zenodo.org/records/10519652/files/dermamnist.npz?download=1'`);
    // Downloads saved under other names are pointed out; --json still prints the report, ok false.
    await writeFile(join(empty, 'dermamnist (1).npz'), 'renamed by a browser');
    const j = cli('verify', '--official', empty, '--json');
    expect(j.code).toBe(1);
    expect((JSON.parse(j.stdout) as { ok: boolean }).ok).toBe(false);
    expect(j.stderr).toContain(`holds 1 .npz file under other names: dermamnist (1).npz; rename them to the published names`);
  });
});
