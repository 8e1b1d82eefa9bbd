// Hostile input and careless commands (issue: "the output folder is always the old build or the new
// one"). A corpus of crafted files (bombs, size lies, truncations, garbage, symbolic links, special files) is
// generated here, small, and each is refused by the real CLI within a stated time and memory bound
// (wall seconds and peak RSS measured with /usr/bin/time). Then the classes found by the probe: the folder
// lock, recovery of leftovers, arguments checked before any work, inputs never overwritten, the strict
// CSV reader, partial manifests, the lock's raw-input list, --frozen over damaged outputs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConverter } from '../converters/index.js';
import { walkFiles } from '../converters/_kit/scan-helpers.js';
import { parseCsvRows, readTable } from '../src/core/csv.js';
import { splitManifest } from '../src/split/manifest.js';
import { BIN, cleanupTempDirs, tempDir } from './support/run-cli.js';

const ARGS = ['--source', 'busi', '--no-fingerprint', '--workers', '2'];
let root: string;
let raw: string;
let build: string;

interface Timed {
  code: number;
  stderr: string;
  stdout: string;
  seconds: number;
  rssMb: number;
}

/**
 * Run the CLI under /usr/bin/time: exit code, output, wall seconds, peak RSS in MB. Asynchronous, so the
 * test worker keeps answering vitest while it waits.
 */
function timed(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<Timed> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn('/usr/bin/time', ['-f', 'RSS_KB=%M', process.execPath, BIN, ...args], { env: { ...process.env, ...env }, cwd: cwd ?? root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const m = /RSS_KB=(\d+)/.exec(stderr);
      // /usr/bin/time reports a signal death as "Command terminated by signal N" and exit code 1
      done({ code: code ?? -1, stdout, stderr: stderr.replace(/RSS_KB=\d+\n?/, ''), seconds: (performance.now() - t0) / 1000, rssMb: m ? Number(m[1]) / 1024 : NaN });
    });
  });
}

/** A ZIP holding one member, with the sizes its directory declares chosen by the caller (size lies). */
function zipOne(name: string, data: Uint8Array, method: 0 | 8, declared: { csize?: number; usize: number; crc?: number }): Buffer {
  const body = method === 8 ? deflateRawSync(data) : Buffer.from(data);
  const n = Buffer.from(name);
  const crc = declared.crc ?? crc32(data);
  const csize = declared.csize ?? body.length;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(csize, 18);
  local.writeUInt32LE(declared.usize, 22);
  local.writeUInt16LE(n.length, 26);
  const cd = Buffer.alloc(46);
  cd.writeUInt32LE(0x02014b50, 0);
  cd.writeUInt16LE(20, 4);
  cd.writeUInt16LE(20, 6);
  cd.writeUInt16LE(method, 10);
  cd.writeUInt32LE(crc >>> 0, 16);
  cd.writeUInt32LE(csize, 20);
  cd.writeUInt32LE(declared.usize, 24);
  cd.writeUInt16LE(n.length, 28);
  const cdStart = 30 + n.length + body.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + n.length, 12);
  eocd.writeUInt32LE(cdStart, 16);
  return Buffer.concat([local, n, body, cd, n, eocd]);
}

function npyHeader(shape: number[]): Buffer {
  let h = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const b = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(b);
  b[6] = 1;
  b.writeUInt16LE(h.length, 8);
  return Buffer.concat([b, Buffer.from(h, 'latin1')]);
}

/** A PNG whose header declares width x height gray pixels, with a short valid zlib stream. */
function pngHeaderBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // 8-bit gray, non-interlaced
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1 << 16))), chunk('IEND', Buffer.alloc(0))]);
}

beforeAll(async () => {
  root = tempDir('hostile');
  raw = join(root, 'raw');
  await getConverter('busi').writeFakeDownload(raw, { count: 24, seed: 0 });
  build = join(root, 'build');
  const r = await timed(['convert', ...ARGS, '--input', raw, '--out', build, '--format', 'npz,arrow,parquet,png']);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => cleanupTempDirs());

// Bounds per case (this 2-core machine is shared, so they are generous; the failures they guard against
// hung forever or took 2-3 GB): 30 s wall, 400 MB peak RSS for the whole CLI process.
const MAX_S = 30;
const MAX_MB = 400;

describe('a corpus of hostile files, each refused in bounded time and memory', () => {
  const figures: string[] = [];
  afterAll(() => process.stderr.write(`\nhostile corpus (wall s, peak RSS MB):\n${figures.join('\n')}\n`));

  const refuse = async (what: string, args: string[], msg: RegExp, env: Record<string, string> = {}): Promise<void> => {
    const r = await timed(args, env);
    figures.push(`  ${what}: exit ${r.code}, ${r.seconds.toFixed(1)} s, ${r.rssMb.toFixed(0)} MB`);
    expect(r.code, `${what}: ${r.stderr}`).not.toBe(0);
    expect(r.stderr, what).toMatch(msg);
    expect(r.stderr, what).not.toMatch(/Cannot read properties|at .*\.js:\d+|internal error/);
    expect(r.seconds, what).toBeLessThan(MAX_S);
    expect(r.rssMb, what).toBeLessThan(MAX_MB);
  };

  it('NPZ: deflate bomb, declared-size lie, stored-size lie, truncation, garbage', async () => {
    const dir = join(root, 'npz');
    mkdirSync(dir);
    const head = npyHeader([1, 28, 28]);
    // 1: a member that declares 794 bytes and inflates to 256 MB of zeros (about 250 KB on disk).
    const bomb = Buffer.concat([head, Buffer.alloc(256 << 20)]);
    writeFileSync(join(dir, 'bomb.npz'), zipOne('train_images.npy', bomb, 8, { usize: head.length + 784 }));
    await refuse('deflate bomb (256 MB behind a 784-byte declaration)', ['inspect', join(dir, 'bomb.npz')], /inflates past its declared|fails its CRC|has \d+ bytes, the directory says/);
    // 2: a directory that declares 4 GB from a few hundred compressed bytes.
    writeFileSync(join(dir, 'lie.npz'), zipOne('train_images.npy', Buffer.concat([head, Buffer.alloc(784)]), 8, { usize: 0xfffffff0 }));
    await refuse('declared size 4 GB from 0.1 KB', ['inspect', join(dir, 'lie.npz')], /more than deflate can produce/);
    // 3: a stored member whose declared size is not its length.
    writeFileSync(join(dir, 'stored.npz'), zipOne('train_images.npy', Buffer.concat([head, Buffer.alloc(784)]), 0, { usize: 1 << 30 }));
    await refuse('stored member declaring 1 GB', ['inspect', join(dir, 'stored.npz')], /declares \d+ bytes but holds/);
    const good = readFileSync(join(build, 'breastmnist.npz'));
    writeFileSync(join(dir, 'half.npz'), good.subarray(0, good.length >> 1));
    await refuse('truncated NPZ', ['inspect', join(dir, 'half.npz')], /truncated|not a ZIP/);
    writeFileSync(join(dir, 'garbage.npz'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
    await refuse('garbage NPZ', ['inspect', join(dir, 'garbage.npz')], /not a ZIP\/NPZ file or truncated/);
  }, 200_000);

  it('Arrow and Parquet: truncated and garbage files name what is wrong', async () => {
    const dir = join(root, 'columnar');
    mkdirSync(dir);
    for (const ext of ['arrow', 'parquet'] as const) {
      const good = readFileSync(join(build, `breastmnist_train.${ext}`));
      writeFileSync(join(dir, `t_train.${ext}`), good.subarray(0, 300));
      writeFileSync(join(dir, `g_train.${ext}`), Buffer.alloc(3000, 0x41));
      await refuse(`truncated ${ext}`, ['inspect', join(dir, `t_train.${ext}`)], new RegExp(`truncated ${ext === 'arrow' ? 'Arrow IPC' : 'Parquet'} file`));
      await refuse(`garbage ${ext}`, ['inspect', join(dir, `g_train.${ext}`)], new RegExp(`not an? ${ext === 'arrow' ? 'Arrow IPC' : 'Parquet'} file`));
    }
  }, 200_000);

  it('PNG: a header declaring 32000x32000 pixels is refused before decoding (convert and the PNG reader); the limit is configurable', async () => {
    const bomb = pngHeaderBomb(32000, 32000);
    // In a raw download (sharp's limitInputPixels)
    const input = join(root, 'raw-bomb');
    spawnSync('cp', ['-r', raw, input]);
    const benign = join(input, 'Dataset_BUSI_with_GT', 'benign');
    const victim = readdirSync(benign).find((f) => !f.includes('mask'))!;
    writeFileSync(join(benign, victim), bomb);
    await refuse('32000x32000 PNG in the raw input', ['convert', ...ARGS, '--input', input, '--out', join(root, 'out-bomb')], /exceeds the limit|pixel limit|Input image exceeds pixel limit/);
    expect(existsSync(join(root, 'out-bomb'))).toBe(false);
    // In a PNG-folder output (our PNG reader)
    const folder = join(root, 'pngfolder');
    spawnSync('cp', ['-r', join(build, 'breastmnist'), join(build, 'breastmnist.csv'), root]);
    renameSync(join(root, 'breastmnist'), folder);
    renameSync(join(root, 'breastmnist.csv'), `${folder}.csv`);
    const first = readdirSync(folder).sort()[0]!;
    writeFileSync(join(folder, first), bomb);
    await refuse('32000x32000 PNG in a PNG-folder output', ['inspect', folder], /1,024,000,000 pixels exceeds the limit of 178,956,970/);
    // A lower limit refuses the ordinary 28x28 images too, naming the variable.
    await refuse('MEDMNIST_BUILD_MAX_IMAGE_PIXELS=100', ['inspect', join(build, 'breastmnist')], /exceeds the limit of 100.*MEDMNIST_BUILD_MAX_IMAGE_PIXELS/, { MEDMNIST_BUILD_MAX_IMAGE_PIXELS: '100' });
  }, 200_000);

  it('symbolic links in --input: followed inside, reported when they leave it, a broken one named; a loop does not hang', async () => {
    const input = join(root, 'raw-links');
    spawnSync('cp', ['-r', raw, input]);
    const benign = join(input, 'Dataset_BUSI_with_GT', 'benign');
    const imgs = readdirSync(benign).filter((f) => !f.includes('mask')).sort();
    const outside = join(root, 'elsewhere');
    mkdirSync(outside);
    renameSync(join(benign, imgs[0]!), join(outside, imgs[0]!));
    symlinkSync(join(outside, imgs[0]!), join(benign, imgs[0]!)); // leaves --input
    renameSync(join(benign, imgs[1]!), join(benign, `.${imgs[1]}`));
    symlinkSync(`.${imgs[1]}`, join(benign, imgs[1]!)); // inside --input
    const r = await timed(['convert', ...ARGS, '--input', input, '--out', join(root, 'out-links'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { images: number }).images).toBe(24); // both linked images were read
    expect(r.stderr).toMatch(/1 input file\(s\) are symbolic links .* that leave --input/);
    expect(r.stderr).toContain(`${imgs[0]} -> ${join(outside, imgs[0]!)}`);
    symlinkSync('/nonexistent/x.png', join(benign, 'zz-broken.png'));
    await refuse('broken symbolic link in --input', ['convert', ...ARGS, '--input', input, '--out', join(root, 'out-links2')], /zz-broken\.png is a symbolic link to \/nonexistent\/x\.png, which does not exist/);
  }, 200_000);

  it('a folder link loop is walked once', async () => {
    const dir = tempDir('loop');
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'x.jpg'), 'x');
    symlinkSync('..', join(dir, 'a', 'up'));
    expect((await walkFiles(dir)).map((f) => f.slice(dir.length))).toEqual(['/a/x.jpg']);
  });

  it('special files never block verify: a FIFO beside, instead of, and inside outputs, and as the lock', async () => {
    const out = join(root, 'special');
    spawnSync('cp', ['-r', build, out]);
    spawnSync('mkfifo', [join(out, 'stray.fifo')]);
    rmSync(join(out, 'breastmnist.npz'));
    spawnSync('mkfifo', [join(out, 'breastmnist.npz')]);
    spawnSync('mkfifo', [join(out, 'breastmnist', 'zz.png')]);
    const r = await timed(['verify', out, '--content']);
    figures.push(`  FIFOs in an output folder (verify --content): exit ${r.code}, ${r.seconds.toFixed(1)} s, ${r.rssMb.toFixed(0)} MB`);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/modified: +breastmnist\.npz +\(a FIFO \(named pipe\) where the lock has a file\)/);
    expect(r.stdout).toMatch(/modified: +breastmnist\/ +\(cannot be read: .*zz\.png is a FIFO/);
    expect(r.stdout).toMatch(/unexpected: +stray\.fifo/);
    expect(r.seconds).toBeLessThan(MAX_S);
    rmSync(join(out, 'datasets.lock.json'));
    spawnSync('mkfifo', [join(out, 'datasets.lock.json')]);
    await refuse('a FIFO as the lock', ['verify', out], /datasets\.lock\.json is not a regular file/);
    await refuse('a FIFO as the montage target', ['inspect', join(build, 'breastmnist.npz'), '--montage', join(out, 'stray.fifo')], /name a \.png file/);
  }, 200_000);
});

describe('the output folder: one writer, recovery, --frozen, the lock', () => {
  it('a second writer fails at once naming the holder; a stale lock is taken over', async () => {
    const out = join(root, 'locked');
    spawnSync('cp', ['-r', build, out]);
    // This test process is alive: its pid holds the folder.
    const start = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    const startTime = start.slice(start.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(join(out, '.medmnist-build.lock'), JSON.stringify({ pid: process.pid, start: startTime, host: readFileSync('/proc/sys/kernel/hostname', 'utf8').trim(), command: 'convert --out x', since: 'now' }));
    const r = await timed(['convert', ...ARGS, '--input', raw, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`is being written by another medmnist-build (pid ${process.pid}, \`convert --out x\``);
    expect(r.seconds).toBeLessThan(MAX_S);
    const v = await timed(['verify', out]);
    expect(v.code).toBe(1); // verify waits for no one either
    // A lock whose process is gone is stale.
    writeFileSync(join(out, '.medmnist-build.lock'), JSON.stringify({ pid: 2 ** 22 + 7, start: null, host: readFileSync('/proc/sys/kernel/hostname', 'utf8').trim(), command: 'convert', since: 'then' }));
    const v2 = await timed(['verify', out]);
    expect(v2.code, v2.stderr + v2.stdout).toBe(0);
    expect(v2.stderr).toMatch(/took over the lock of pid 4194311, which is no longer running/);
    expect(existsSync(join(out, '.medmnist-build.lock'))).toBe(false);
  }, 120_000);

  it('leftover temporary folders of a killed run are removed by the next command, which says so', async () => {
    const out = join(root, 'leftover');
    spawnSync('cp', ['-r', build, out]);
    mkdirSync(join(out, '.medmnist-build-tmp-abc123', 'breastmnist'), { recursive: true });
    writeFileSync(join(out, '.medmnist-build-tmp-abc123', 'breastmnist.npz'), Buffer.alloc(1 << 20));
    mkdirSync(join(out, '.medmnist-build-shards-xyz'));
    const v = await timed(['verify', out]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stderr).toMatch(/removed 2 temporary folders \(1\.0 MB\) left by an interrupted run; its outputs were never committed/);
    expect(v.stderr).toMatch(/\(\.medmnist-build-shards-xyz, \.medmnist-build-tmp-abc123: safe to delete, nothing refers to them\)/);
    expect(readdirSync(out).filter((n) => n.startsWith('.') && n !== '.medmnist-build-inputs.json')).toEqual([]);
  }, 60_000);

  it('--frozen refuses damaged or deleted outputs and says how to rebuild; the folder is left as it was', async () => {
    const out = join(root, 'frozen');
    spawnSync('cp', ['-r', build, out]);
    const npz = readFileSync(join(out, 'breastmnist.npz'));
    npz[npz.length >> 1] ^= 1;
    writeFileSync(join(out, 'breastmnist.npz'), npz);
    rmSync(join(out, 'breastmnist_val.arrow'));
    const r = await timed(['convert', ...ARGS, '--input', raw, '--out', out, '--format', 'npz,arrow,parquet,png', '--frozen']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--frozen: 2 outputs in .* differ from .*datasets\.lock\.json \(damaged, deleted or replaced\); nothing was written/);
    expect(r.stderr).toMatch(/modified: breastmnist\.npz/);
    expect(r.stderr).toMatch(/missing: breastmnist_val\.arrow/);
    expect(r.stderr).toMatch(/run the same convert command without --frozen/);
    expect(readFileSync(join(out, 'breastmnist.npz'))).toEqual(npz);
    expect(existsSync(join(out, 'breastmnist_val.arrow'))).toBe(false);
  }, 120_000);

  it('verify checks the lock raw-input list entry by entry (--inputs), and its internal consistency', async () => {
    const out = join(root, 'edited-lock');
    spawnSync('cp', ['-r', build, out]);
    const lockPath = join(out, 'datasets.lock.json');
    const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
    const files = lock.datasets.breastmnist.inputs.files;
    files[0].sha256 = '0'.repeat(64);
    files[1].bytes += 1;
    writeFileSync(lockPath, JSON.stringify(lock));
    const v = await timed(['verify', out, '--inputs', raw]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/lock: +inputs +\(the raw-input file list hashes to/);
    expect(v.stdout).toContain(`input modified:    ${files[0].path}`);
    expect(v.stdout).toContain(`input modified:    ${files[1].path}`);
  }, 60_000);
});

describe('arguments are checked before any work; inputs are never written', () => {
  it('unknown options, missing or empty paths, bounds: exit 2, nothing written', async () => {
    const out = join(root, 'args');
    const cases: [string[], RegExp][] = [
      [['convert', ...ARGS, '--input', raw, '--out', out, '--sizes', '64'], /Unknown argument: sizes/],
      [['convert', '--source', 'busi', '--input', raw], /Missing required argument: out/],
      [['convert', '--source', 'busi', '--out', out, '--input'], /--input needs the folder with the raw download/],
      [['convert', '--source', '', '--input', raw, '--out', out], /--source needs a source id/],
      [['convert', ...ARGS.slice(0, 2), '--input', raw, '--out', out, '--workers', '1000'], /--workers 1000 must be a whole number from 1 to 64/],
      [['convert', ...ARGS, '--input', raw, '--out', join(raw, 'out')], /lies inside --input/],
      [['demo', '--ouy', out], /Unknown argument: ouy/],
      [['evaluate', '--flag', 'breastmnist', '--root', build, '--model', 'm.onnx', '--batch', '100000000'], /--batch 100000000 must be a whole number from 1 to 4096/],
      [['inspect', join(build, 'breastmnist.npz'), '--montage', join(build, 'breastmnist.npz')], /--montage .*: name a \.png file/],
      [['inspect', join(build, 'breastmnist.npz'), '--montage', join(build, 'breastmnist', 'x.png')], /lies inside the PNG-folder output/],
      [['evaluate', '--flag', 'breastmnist', '--root', build, '--fit-reference', join(build, 'breastmnist.npz')], /--fit-reference .*: name a new \.onnx file/],
    ];
    const before = readFileSync(join(build, 'datasets.lock.json'));
    for (const [args, msg] of cases) {
      const r = await timed(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(root, 'medmnist-demo'))).toBe(false);
    expect(readFileSync(join(build, 'datasets.lock.json'))).toEqual(before);
  }, 200_000);
});

describe('strict CSV and manifests', () => {
  it('a stray quote, text after a closing quote, an unclosed quote: refused with the physical line', async () => {
    expect(() => parseCsvRows('a,b\n\n1,x"y\n', 'm.csv')).toThrow(/m\.csv line 3: a quote inside the unquoted field "x\\""/);
    expect(() => parseCsvRows('a,b\n1,"x"y\n', 'm.csv')).toThrow(/m\.csv line 2: text after the closing quote/);
    expect(() => parseCsvRows('a,b\n1,2\n3,"4\n5,6\n7,8\n', 'm.csv')).toThrow(/m\.csv line 3: a quoted field opened here is never closed/);
    // Quoted line breaks and blank lines count in line numbers.
    expect(parseCsvRows('a,b\n"1\n1",2\n\n3,4\n').map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('duplicate or empty header names and rows of the wrong width are refused', async () => {
    const dir = tempDir('csv');
    writeFileSync(join(dir, 'dup.csv'), 'image_id,dx,dx\nISIC_0000001,nv,mel\n');
    await expect(readTable(join(dir, 'dup.csv'), ['image_id', 'dx'])).rejects.toThrow(/line 1: column 'dx' appears twice in the header \(columns 2 and 3\)/);
    writeFileSync(join(dir, 'wide.csv'), 'image_id,dx\n\nISIC_0000001,nv,extra\n');
    await expect(readTable(join(dir, 'wide.csv'), ['image_id', 'dx'])).rejects.toThrow(/wide\.csv line 3: 3 fields, the header has 2/);
  });

  it('HAM10000: a stray quote in the metadata no longer swallows rows; unlisted images are named', async () => {
    const input = tempDir('ham-csv');
    await getConverter('ham10000').writeFakeDownload(input, { count: 12, seed: 0 });
    const meta = join(input, 'HAM10000_metadata.csv');
    const lines = readFileSync(meta, 'utf8').split('\n');
    const { scan } = getConverter('ham10000');
    // Drop one row: its image is present but unlisted.
    const dropped = /ISIC_\d{7}/.exec(lines[3]!)![0];
    writeFileSync(meta, [...lines.slice(0, 3), ...lines.slice(4)].join('\n'));
    const writes: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stderr.write;
    try {
      const r = await scan(input);
      expect(Object.values(r.samples)[0]!.length).toBe(11);
    } finally {
      process.stderr.write = orig;
    }
    expect(writes.join('')).toMatch(new RegExp(`1 image\\(s\\) below .* are not listed in .*HAM10000_metadata\\.csv and are left out: ${dropped}`));
    lines[5] = lines[5]!.replace(',', ',"');
    writeFileSync(meta, lines.join('\n'));
    await expect(scan(input)).rejects.toThrow(/HAM10000_metadata\.csv line 6: a quote(d field opened here is never closed| inside the unquoted field)/);
  });

  it('a manifest with only its header, or without a split, is refused', async () => {
    const dir = tempDir('manifest');
    const spec = getConverter('busi').datasets[0]!;
    const samples = ['a', 'b', 'c'].map((id) => ({ id, item: id, label: [0] }));
    writeFileSync(join(dir, 'empty.csv'), 'split,index,image_id\n');
    await expect(splitManifest(samples, spec, join(dir, 'empty.csv'))).rejects.toThrow(/lists no samples \(only its header\)/);
    writeFileSync(join(dir, 'notrain.csv'), 'split,index,image_id\nval,0,a\ntest,0,b\n');
    await expect(splitManifest(samples, spec, join(dir, 'notrain.csv'))).rejects.toThrow(/has no train rows \(train 0, val 1, test 1\)/);
  });
});
