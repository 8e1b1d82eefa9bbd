// Installable as a command (README, "Install the command"): `npm pack` ships the built CLI and every file
// it reads at run time, and nothing else; the tarball installs globally into a temporary prefix with no
// build tools and no install script, and `medmnist-build demo` runs from a folder outside the repository.
// And `npx medmnist-build --help` prints nothing on stderr (npm 11 warned about the old .npmrc key).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cleanupTempDirs, tempDir, type Run } from './support/run-cli.js';

afterAll(cleanupTempDirs);

/** The environment without what a surrounding `npm test` adds (npm_config_*, npm_package_*...). */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Run a command without blocking the test worker; resolves with its exit code and output. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv()): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** Files of a folder of the repository, relative to the repository, recursively. */
function filesUnder(dir: string, keep: (path: string) => boolean = () => true): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(ROOT.length + 1)) // Dirent.path before Node 20.12
    .filter(keep);
}

const isSource = (p: string): boolean => p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts');

let tarball: string;
let packed: string[];

beforeAll(async () => {
  const dest = tempDir('pack');
  // --ignore-scripts: pack the dist/ this test run built (`npm test` builds first); a real `npm pack`
  // empties dist/ (prepack) and rebuilds it (prepare), which would pull it from under parallel tests.
  const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], ROOT);
  expect(r.code, r.stderr).toBe(0);
  const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(dest, info!.filename);
  packed = info!.files.map((f) => f.path).sort();
}, 120_000);

describe('npm pack', () => {
  it('ships the compiled CLI: every source module, compiled, and the wasm resampler', () => {
    const compiled = [...filesUnder('src', isSource), ...filesUnder('converters', isSource)].map((p) => `dist/${p.replace(/\.ts$/, '.js')}`);
    for (const f of compiled) expect(packed, f).toContain(f);
    expect(packed).toContain('bin/medmnist-build.js');
    expect(packed).toContain('dist/wasm/resample.wasm');
    // A real `npm pack` empties dist/ first, so a compiled file whose source is gone never ships.
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['prepack']).toMatch(/rmSync\('dist'/);
  });

  it('ships every file the CLI reads at run time', () => {
    const data = [
      'package.json',
      'datasets.lock.json',
      ...filesUnder('schemas', (p) => p.endsWith('.schema.json')),
      ...filesUnder('src/catalog', (p) => p.endsWith('.json')),
      ...filesUnder('converters', (p) => p.endsWith('/checksums.tsv')),
      ...filesUnder('examples'),
    ];
    for (const f of data) expect(packed, f).toContain(f);
  });

  it('ships the licence notices and the README', () => {
    expect(packed).toContain('LICENSE');
    expect(packed).toContain('README.md');
    if (existsSync(join(ROOT, 'THIRD_PARTY_NOTICES.md'))) expect(packed).toContain('THIRD_PARTY_NOTICES.md');
  });

  it('ships nothing else: no TypeScript, tests, benchmarks, build inputs or CI files', () => {
    const allowed = [
      /^(package\.json|README\.md|LICENSE|THIRD_PARTY_NOTICES\.md|datasets\.lock\.json)$/,
      /^bin\/medmnist-build\.js$/,
      /^dist\/(src|converters)\/.+\.js$/,
      /^dist\/wasm\/resample\.wasm$/,
      /^schemas\/[^/]+\.schema\.json$/,
      /^src\/catalog\/[^/]+\.json$/,
      /^converters\/[^/]+\/checksums\.tsv$/,
      /^examples\//,
    ];
    expect(packed.filter((p) => !allowed.some((re) => re.test(p)))).toEqual([]);
    expect(packed.filter((p) => /\.test\.|^test\/|^bench\/|^dist\/bench\/|\.ts$/.test(p))).toEqual([]);
  });
});

describe('the tarball as a global command', () => {
  it('installs into a temporary prefix and runs `medmnist-build demo --out X` from another folder', async () => {
    const prefix = tempDir('prefix');
    const elsewhere = tempDir('elsewhere');
    // --ignore-scripts: nothing needs building (dist/ is in the tarball, sharp's and onnxruntime's
    // binaries come from the registry), and onnxruntime-node's postinstall would fetch CUDA libraries
    // from NuGet. Run from a folder outside the repository, as a user would.
    const install = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], elsewhere);
    expect(install.code, install.stderr).toBe(0);
    const bin = join(prefix, 'bin', 'medmnist-build');
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(join(prefix, 'lib', 'node_modules', 'medmnist-build', 'package.json'), 'utf8')).toContain('"name": "medmnist-build"');

    const version = await run(bin, ['--version'], elsewhere);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);

    const demo = await run(bin, ['demo', '--out', 'X'], elsewhere);
    expect(demo.code, demo.stderr).toBe(0);
    const out = readdirSync(join(elsewhere, 'X'));
    expect(out).toContain('datasets.lock.json');
    expect(out).toContain('dermamnist.npz');
    expect(out).toContain('organmnist3d.npz');
    // The lock it wrote checks out with the installed copy (schemas, catalog and wasm found there).
    const verify = await run(bin, ['verify', 'X'], elsewhere);
    expect(verify.code, verify.stderr + verify.stdout).toBe(0);
    // fetch reads the installed converters/<id>/checksums.tsv: HAM10000 is manual, so it prints the
    // steps and exits 3 without touching the network.
    const fetch = await run(bin, ['fetch', '--source', 'ham10000', '--dir', 'raw'], elsewhere);
    expect(fetch.code, fetch.stderr).toBe(3);
    expect(fetch.stdout + fetch.stderr).toContain('HAM10000_images_part_1.zip');
  }, 900_000);
});

describe('npm ci stays on the npm registry', () => {
  it("onnxruntime-node's install script (CUDA libraries from NuGet) is denied, for every npm", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false); // npm >= 11.16 reads allowScripts
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^export ONNXRUNTIME_NODE_INSTALL=skip$/m); // older npm
    expect(existsSync(join(ROOT, '.npmrc'))).toBe(false); // its unknown keys made npm 11 warn on every npx
  });
});

describe('npx', () => {
  it('`npx medmnist-build --help` prints the help and nothing on stderr (no npm warning)', async () => {
    const r = await run('npx', ['medmnist-build', '--help'], ROOT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Commands:');
    expect(r.stderr).not.toMatch(/npm warn|Unknown \w+ config/i);
    expect(r.stderr).toBe('');
  });
});
