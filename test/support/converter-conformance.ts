// The conformance harness every converter's test file calls (converters/<source>/<source>.test.ts):
// one call registers the cases every converter must pass, on its own small fake download.
//
//   (a) live pixels: the fake download converts through the real CLI (dist/, as users run it) and every
//       image of every size equals Pillow's (Debian's /usr/bin/python3) for the spec's recipe, with the
//       label scan() gave it; split sizes follow the split rule on the fake's own classes;
//   (b) official sizes: the split rule applied to the source's real per-class counts gives the spec's
//       officialCounts, and those equal MedMNIST's published numbers (typed in the test file);
//   (c) round trip: scan() of the fake download returns unique item and sample ids, every sample's item
//       exists, every file lies below the input, labels are in range, every class occurs, the fake is
//       deterministic; the folder holds a valid checksums.tsv naming exactly the spec's downloads;
//   (d) bad input: each listed damage of a copy of the fake download makes the CLI exit non-zero with a
//       message naming the file/row/column, writes nothing into a fresh --out and (where asked) leaves an
//       existing output folder byte-identical.
//
// It lives in test/ because converters/ is compiled into dist and must not import vitest.
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Converter, DatasetSpec, FakeDownloadOptions, Sample, ScanResult, SplitCounts } from '../../src/core/contract.js';
import { labelColumns, isMultiLabel } from '../../src/core/contract.js';
import { parseCsv } from '../../src/core/csv.js';
import { MANIFEST_COLUMNS, parseManifest, type ManifestRow } from '../../src/fetch/manifest.js';
import { splitSamples } from '../../src/split/index.js';
import { baseNameFor } from '../../src/formats/sink.js';
import { REGISTRY } from '../../converters/index.js';
import { ROOT, cleanupTempDirs, cli, pythonOk, tempDir } from './run-cli.js';

// ---------------------------------------------------------------------------------------------------
// Options

/** One kind of broken download the converter must refuse. */
export interface BadInput {
  /** What is wrong, e.g. 'an unreadable TIFF' (the test's name). */
  name: string;
  /** Damage `copy`, a fresh copy of the fake download made for this case only. */
  damage(copy: string): Promise<void> | void;
  /** The exit code the CLI must give (default 1, a data error; 2 is a usage error). */
  code?: number;
  /**
   * What stderr must contain: substrings or patterns, at least one naming the file, row or column at
   * fault. Gets the damaged copy's path, so it can name files inside it.
   */
  message(copy: string): string | RegExp | readonly (string | RegExp)[];
  /** Also convert into a copy of a finished output folder and check that it is left byte-identical. */
  keepsExistingOutput?: boolean;
}

/** The source's real class counts, as samples the split rule can take (see samplesFromCounts). */
export interface OfficialSizes {
  /** MedMNIST's published sizes (medmnist/info.py), typed in the test file, not read from the spec. */
  published: SplitCounts;
  /** Samples with the real per-class (per-stratum) counts; only labels and sourceSplit matter. */
  samples(): Sample[] | Promise<Sample[]>;
}

export interface ConformanceOptions {
  /** The fake download (small: every case below reads it). */
  fake: FakeDownloadOptions;
  /** Output sizes converted and compared with Pillow, e.g. [28, 64]. */
  sizes: readonly number[];
  /** Per dataset flag of the converter: the official sizes check. Every flag must be listed. */
  official: Record<string, OfficialSizes>;
  badInputs: readonly BadInput[];
}

// ---------------------------------------------------------------------------------------------------
// What the test file gets back, for its source-specific cases

export interface SamplesRow {
  split: string;
  index: number;
  image_id: string;
  label: string;
  [column: string]: string | number;
}

export interface Converted {
  /** The CLI's output folder for the fake download at `sizes` (official split, seed 0). */
  out: string;
  /** F.samples.csv rows per dataset flag. */
  rows: Record<string, SamplesRow[]>;
}

export interface ConverterFixture {
  /** The temp folder holding everything the test file writes. */
  readonly dir: string;
  /** The fake download, written once before the file's tests. */
  readonly fake: string;
  /** scan() of the fake download. */
  scan(): Promise<ScanResult>;
  /** The fake download converted through the CLI at `sizes` (done once, on first use). */
  converted(): Promise<Converted>;
  /** A fresh copy of the fake download under dir/name, for tests that change it. */
  variant(name: string): Promise<string>;
  /** The file an output sample's pixels come from: its item's first file. */
  fileOf(scan: ScanResult, flag: string, imageId: string): string;
}

// ---------------------------------------------------------------------------------------------------
// Helpers the test files use too

/**
 * Samples with `counts[label]` samples of each label (the source's training part, or the whole source)
 * and `test[label]` samples marked as the source's own test set. Ids and items are synthetic.
 */
export function samplesFromCounts(counts: readonly number[], test: readonly number[] = []): Sample[] {
  const out: Sample[] = [];
  const add = (n: number, label: number, part: string, sourceTest: boolean) => {
    for (let i = 0; i < n; i++) {
      const id = `${part}-${label}-${i}`;
      out.push({ id, item: id, label: [label], ...(sourceTest ? { sourceSplit: 'test' as const } : {}) });
    }
  };
  counts.forEach((n, label) => add(n, label, 'train', false));
  test.forEach((n, label) => add(n, label, 'test', true));
  return out;
}

export async function readSamplesCsv(file: string): Promise<SamplesRow[]> {
  const [header, ...rows] = parseCsv(await readFile(file, 'utf8')).filter((r) => r.length > 1);
  return rows.map((r) => {
    const o: Record<string, string | number> = Object.fromEntries(header!.map((h, i) => [h, r[i] ?? '']));
    o['index'] = Number(o['index']);
    return o as SamplesRow;
  });
}

/** Every file below dir (hidden ones too), relative path -> bytes. */
export async function snapshotFolder(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const visit = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else out.set(relative(dir, p), await readFile(p));
    }
  };
  await visit(dir);
  return out;
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null)) !== null;
}

/** Split sizes the rule gives for these samples, computed here from reference/official-splits.md. */
export function ruleSizes(samples: readonly Sample[], spec: DatasetSpec): SplitCounts | null {
  const rule = spec.split;
  if (rule.rule === 'by-group') return null;
  const strata = (list: readonly Sample[]) => {
    const m = new Map<string, number>();
    for (const s of list) {
      const k = rule.stratify === 'label' ? s.label.join(',') : '';
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return [...m.values()];
  };
  const c: SplitCounts = { train: 0, val: 0, test: 0 };
  if (rule.rule === 'ratio-7-1-2') {
    for (const n of strata(samples)) {
      const a = Math.trunc(n * 0.7);
      const b = Math.trunc(n * 0.8);
      c.train += a;
      c.val += b - a;
      c.test += n - b;
    }
  } else {
    c.test = samples.filter((s) => s.sourceSplit === 'test').length;
    for (const n of strata(samples.filter((s) => s.sourceSplit !== 'test'))) {
      const a = Math.trunc(n * 0.9);
      c.train += a;
      c.val += n - a;
    }
  }
  return c;
}

// ---------------------------------------------------------------------------------------------------
// checksums.tsv: the source's published download files, read by the same strict reader `fetch` uses
// (src/fetch/manifest.ts: columns file, bytes, md5, sha256, url, get, kind, into, layout)

export const CHECKSUM_COLUMNS = MANIFEST_COLUMNS;
export type ChecksumRow = ManifestRow;

/** Parse a checksums.tsv strictly (errors name the file, line and column). */
export function parseChecksumsTsv(text: string, name = 'checksums.tsv'): ChecksumRow[] {
  return parseManifest(text, name);
}

// ---------------------------------------------------------------------------------------------------
// SourceInfo.layout: the tree `list` shows, as path patterns

const escapeRe = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One layout path (`*` any text, `<name>` one named part, `{a,b}` alternatives) as an anchored RegExp. */
export function layoutPattern(path: string): RegExp {
  let re = '';
  for (let i = 0; i < path.length; ) {
    const c = path[i]!;
    const close = c === '<' ? path.indexOf('>', i) : c === '{' ? path.indexOf('}', i) : -1;
    if (c === '*') re += '[^/]*';
    else if (c === '<' && close > i) re += '[^/]+';
    else if (c === '{' && close > i) re += `(?:${path.slice(i + 1, close).split(',').map(escapeRe).join('|')})`;
    else re += escapeRe(c);
    i = close > i ? close + 1 : i + 1;
  }
  return new RegExp(`^${re}$`);
}

/** The file patterns of a layout tree: every line not ending in `/`, below the folders above it. */
export function layoutFilePatterns(layout: readonly string[]): { line: string; re: RegExp }[] {
  const folders: { indent: number; path: string }[] = [];
  const out: { line: string; re: RegExp }[] = [];
  for (const raw of layout) {
    const line = raw.replace(/\s+#\s.*$/, '');
    const indent = line.length - line.trimStart().length;
    if (indent % 2 !== 0) throw new Error(`layout line ${JSON.stringify(raw)}: indent by two spaces a level`);
    while (folders.length > 0 && folders[folders.length - 1]!.indent >= indent) folders.pop();
    const path = folders.map((f) => f.path).join('') + line.trim();
    if (line.endsWith('/')) folders.push({ indent, path: line.trim() });
    else out.push({ line: raw, re: layoutPattern(path) });
  }
  return out;
}

/** converters/<source id>/: the folder of a converter (folder name = --source id). */
export function converterFolder(converter: Converter): string {
  return join(ROOT, 'converters', converter.source.id);
}

// ---------------------------------------------------------------------------------------------------
// Pillow, live

const PILLOW_CHECK = String.raw`
import json, sys
import numpy as np
from PIL import Image
job = json.load(open(sys.argv[1]))
FILTERS = {"nearest": Image.NEAREST, "box": Image.BOX, "bilinear": Image.BILINEAR, "hamming": Image.HAMMING, "bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS}
out = {"checked": 0, "mismatches": [], "counts": {}}
for size in job["sizes"]:
    name = job["flag"] if size == 28 else "%s_%d" % (job["flag"], size)
    npz = np.load("%s/%s.npz" % (job["out"], name))
    for row in job["rows"]:
        img = Image.open(row["file"])
        for op in job["recipe"]:
            kind = op["op"]
            if kind == "convert":
                img = img.convert(op["mode"])
            elif kind in ("square-crop", "center-crop"):
                w, h = img.size
                cw, ch = (min(w, h), min(w, h)) if kind == "square-crop" else (op["width"], op["height"])
                l = (w - cw) // 2; t = (h - ch) // 2
                img = img.crop((l, t, l + cw, t + ch))
            elif kind == "project":
                # numpy max over the frames Pillow reads (each frame as convert('L') makes it: 16-bit clips at 255).
                if op["reduce"] != "max":
                    raise SystemExit("live check: project reduce %s is not covered" % op["reduce"])
                frames = []
                for i in range(getattr(img, "n_frames", 1)):
                    img.seek(i)
                    frames.append(np.asarray(img.convert("L")))
                img = Image.fromarray(np.stack(frames).max(axis=op["axis"]))
            elif kind == "resize":
                img = img.resize((size, size), FILTERS[op["filter"]])
            else:
                raise SystemExit("live check: recipe op %s is not covered" % kind)
        want = np.asarray(img)
        got = npz["%s_images" % row["split"]][row["index"]]
        label = [int(v) for v in npz["%s_labels" % row["split"]][row["index"]]]
        out["checked"] += 1
        if got.shape != want.shape or not np.array_equal(got, want) or label != row["label"]:
            diff = int(np.abs(got.astype(int) - want.astype(int)).max()) if got.shape == want.shape else -1
            out["mismatches"].append({"size": size, "file": row["file"], "maxdiff": diff, "shape": list(got.shape), "want_shape": list(want.shape), "label": label, "want_label": row["label"]})
    out["counts"][str(size)] = {s: int(npz["%s_images" % s].shape[0]) for s in ("train", "val", "test")}
print(json.dumps(out))
`;

/** Recipe operations the live check knows how to do in Pillow. */
const LIVE_OPS: ReadonlySet<string> = new Set(['convert', 'square-crop', 'center-crop', 'project', 'resize']);

export interface PillowResult {
  /** Images compared: sizes x rows. */
  checked: number;
  mismatches: unknown[];
  /** Split sizes of each size's NPZ. */
  counts: Record<string, SplitCounts>;
  /** F.samples.csv of the output. */
  rows: SamplesRow[];
}

/**
 * Compare every image of F.npz (each size) with what Pillow (/usr/bin/python3) makes of its source file
 * with the spec's recipe, and its label with the scan's. Rows of F.samples.csv are matched to a fresh
 * scan of `input` by image id; the file is the sample's item's first file. `converter` may be a --source id.
 */
export async function compareWithPillow(
  converter: Converter | string,
  input: string,
  out: string,
  sizes: readonly number[],
  flag?: string,
): Promise<PillowResult> {
  const conv = typeof converter === 'string' ? REGISTRY.get(converter) : converter;
  const spec = flag ? conv.datasets.find((d) => d.flag === flag)! : conv.datasets[0]!;
  const bad = spec.recipe.filter((x) => !LIVE_OPS.has(x.op)).map((x) => x.op);
  if (bad.length > 0) throw new Error(`${spec.flag}: the live Pillow check covers convert, square-crop, center-crop, project and resize, not ${bad.join(', ')}`);
  const scan = await conv.scan(input);
  const byId = new Map(scan.samples[spec.flag]!.map((s) => [s.id, s]));
  const rows = await readSamplesCsv(join(out, `${spec.flag}.samples.csv`));
  const job = {
    flag: spec.flag,
    out,
    sizes,
    recipe: spec.recipe,
    rows: rows.map((r) => {
      const s = byId.get(r.image_id);
      if (!s) throw new Error(`${spec.flag}.samples.csv: image_id ${r.image_id} is not a scanned sample`);
      if (s.region) throw new Error(`${s.id}: samples with a region are not covered by the live Pillow check`);
      return { split: r.split, index: r.index, file: fileOf(scan, spec.flag, s.id), label: s.label };
    }),
  };
  const jobFile = join(tempDir('pillow-job'), `${spec.flag}.json`);
  await writeFile(jobFile, JSON.stringify(job));
  try {
    return { ...(JSON.parse(pythonOk(PILLOW_CHECK, [jobFile])) as Omit<PillowResult, 'rows'>), rows };
  } finally {
    await rm(jobFile, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// The harness

function fileOf(scan: ScanResult, flag: string, imageId: string): string {
  const sample = scan.samples[flag]?.find((s) => s.id === imageId);
  if (!sample) throw new Error(`${flag}: no sample ${imageId} in the scan`);
  const item = scan.items.find((i) => i.id === sample.item);
  if (!item) throw new Error(`${flag}: sample ${imageId} names item ${sample.item}, which the scan does not list`);
  return item.files[0]!;
}

/**
 * Register the conformance cases for `converter` (call it at the top level of the test file: it adds
 * file-level beforeAll/afterAll hooks), and return the fixture for the file's own cases.
 */
export function describeConverter(converter: Converter, o: ConformanceOptions): ConverterFixture {
  const id = converter.source.id;
  let dir = '';
  let fake = '';
  let scanP: Promise<ScanResult> | null = null;
  let convertedP: Promise<Converted> | null = null;

  beforeAll(async () => {
    dir = tempDir(id);
    fake = join(dir, 'download');
    await converter.writeFakeDownload(fake, o.fake);
  });
  afterAll(cleanupTempDirs);

  const fx: ConverterFixture = {
    get dir() {
      return dir;
    },
    get fake() {
      return fake;
    },
    scan() {
      return (scanP ??= converter.scan(fake));
    },
    converted() {
      return (convertedP ??= convertFake());
    },
    async variant(name: string) {
      const d = join(dir, name);
      await cp(fake, d, { recursive: true });
      return d;
    },
    fileOf,
  };

  async function convertFake(): Promise<Converted> {
    const out = join(dir, 'out');
    const r = cli(['convert', '--source', id, '--input', fake, '--out', out, '--size', o.sizes.join(',')]);
    if (r.code !== 0) throw new Error(`convert --source ${id} of the fake download exited ${r.code}:\n${r.stderr}`);
    const rows: Record<string, SamplesRow[]> = {};
    for (const spec of converter.datasets) rows[spec.flag] = await readSamplesCsv(join(out, `${spec.flag}.samples.csv`));
    return { out, rows };
  }

  describe(`${id}: converter conformance`, () => {
    describe('(a) the fake download through the CLI, pixels equal to Pillow live', () => {
      for (const spec of converter.datasets) {
        it(`${spec.flag}: every image at ${o.sizes.join(', ')} equals Pillow's ${spec.recipe.map((x) => x.op).join(' -> ')}, labels as scanned`, async () => {
          const conv = await fx.converted();
          const scan = await fx.scan();
          const byId = new Map(scan.samples[spec.flag]!.map((s) => [s.id, s]));
          const res = await compareWithPillow(converter, fake, conv.out, o.sizes, spec.flag);
          const rows = res.rows;
          expect(rows.length).toBe(byId.size);
          for (const r of rows) expect(r.label, r.image_id).toBe(byId.get(r.image_id)!.label.join('_'));
          expect(res.mismatches).toEqual([]);
          expect(res.checked).toBe(o.sizes.length * rows.length);
          // Every size has the same split sizes, equal to samples.csv's and to the rule's on the fake.
          const csvCounts = { train: 0, val: 0, test: 0 };
          for (const r of rows) csvCounts[r.split as keyof SplitCounts]++;
          for (const size of o.sizes) expect(res.counts[String(size)], `size ${size}`).toEqual(csvCounts);
          const want = ruleSizes([...byId.values()], spec);
          if (want) expect(csvCounts).toEqual(want);
          // Indices run 0..n-1 within each split.
          for (const split of ['train', 'val', 'test'] as const) {
            expect(rows.filter((r) => r.split === split).map((r) => r.index)).toEqual([...Array(csvCounts[split]).keys()]);
          }
          // The source's own test set is exactly the test split.
          if (spec.split.rule === 'source-test-9-1') {
            const sourceTest = new Set([...byId.values()].filter((s) => s.sourceSplit === 'test').map((s) => s.id));
            expect(new Set(rows.filter((r) => r.split === 'test').map((r) => r.image_id))).toEqual(sourceTest);
          }
        });

        it(`${spec.flag}: samples.csv has the contract's columns and the scan's provenance`, async () => {
          const conv = await fx.converted();
          const scan = await fx.scan();
          const text = await readFile(join(conv.out, `${spec.flag}.samples.csv`), 'utf8');
          // design §5: MedMNIST's mapping columns and the label, then group_id, fine_label (the names the
          // Arrow and Parquet columns have), then the source's metadata.
          const header = ['split', 'index', 'image_id', 'label'];
          if (spec.groupName) header.push('group_id');
          if (spec.fineLabelName) header.push('fine_label');
          header.push(...(spec.metaColumns ?? []));
          expect(parseCsv(text)[0]).toEqual(header);
          // F_S.json says what each column holds, group_id and fine_label by the source's own names.
          const meta = JSON.parse(await readFile(join(conv.out, `${baseNameFor(spec.flag, o.sizes[0]!)}.json`), 'utf8')) as { provenance: { columns: { name: string; source_column?: string; description: string }[] } };
          expect(meta.provenance.columns.map((c) => c.name)).toEqual(header);
          const described = (name: string) => meta.provenance.columns.find((c) => c.name === name);
          if (spec.groupName) {
            expect(spec.groupDescription, `${spec.flag}: groupDescription`).toBeTruthy();
            expect(described('group_id')).toEqual({ name: 'group_id', source_column: spec.groupName, description: spec.groupDescription });
          }
          if (spec.fineLabelName) {
            expect(spec.fineLabelDescription, `${spec.flag}: fineLabelDescription`).toBeTruthy();
            expect(described('fine_label')).toEqual({ name: 'fine_label', source_column: spec.fineLabelName, description: spec.fineLabelDescription });
          }
          const byId = new Map(scan.samples[spec.flag]!.map((s) => [s.id, s]));
          for (const r of conv.rows[spec.flag]!) {
            const s = byId.get(r.image_id)!;
            if (spec.groupName) expect(r['group_id']).toBe(s.groupId ?? '');
            if (spec.fineLabelName) expect(r['fine_label']).toBe(s.fineLabel ?? '');
            for (const c of spec.metaColumns ?? []) expect(r[c]).toBe(s.meta?.[c] ?? '');
          }
        });
      }
    });

    describe('(b) official split sizes from the real class counts', () => {
      it('every dataset of the converter has an official-sizes check', () => {
        expect(Object.keys(o.official).sort()).toEqual(converter.datasets.map((d) => d.flag).sort());
      });
      for (const spec of converter.datasets) {
        it(`${spec.flag}: the split rule on the real counts gives the published sizes`, async () => {
          const official = o.official[spec.flag];
          if (!official) return; // reported by the case above
          expect(spec.officialCounts).toEqual(official.published);
          const samples = await official.samples();
          const s = await splitSamples(samples, spec, { strategy: 'official', seed: 0 });
          expect({ train: s.train.length, val: s.val.length, test: s.test.length }).toEqual(official.published);
          const want = ruleSizes(samples, spec);
          if (want) expect(want).toEqual(official.published);
        });
      }
    });

    describe('(c) round trip: the fake download scans back', () => {
      it('items and samples: unique ids, every item used and below the input, labels in range, every class present', async () => {
        const scan = await fx.scan();
        expect(Object.keys(scan.samples).sort()).toEqual(converter.datasets.map((d) => d.flag).sort());
        const items = new Map<string, string[]>();
        for (const item of scan.items) {
          expect(items.has(item.id), `item ${item.id} listed twice`).toBe(false);
          items.set(item.id, item.files);
          expect(item.files.length).toBeGreaterThan(0);
        }
        const used = new Set<string>();
        for (const spec of converter.datasets) {
          const samples = scan.samples[spec.flag]!;
          expect(samples.length).toBeGreaterThan(0);
          const ids = new Set<string>();
          const cols = labelColumns(spec);
          const seen = new Set<number>();
          for (const s of samples) {
            expect(ids.has(s.id), `sample ${s.id} listed twice`).toBe(false);
            ids.add(s.id);
            expect(items.has(s.item), `sample ${s.id} names item ${s.item}, which is not listed`).toBe(true);
            used.add(s.item);
            expect(s.label.length, s.id).toBe(cols);
            for (const v of s.label) {
              expect(Number.isInteger(v), s.id).toBe(true);
              expect(v, s.id).toBeGreaterThanOrEqual(0);
              expect(v, s.id).toBeLessThan(isMultiLabel(spec.task) ? 2 : spec.labels.length);
            }
            if (!isMultiLabel(spec.task)) seen.add(s.label[0]!);
            if (s.sourceSplit) expect(['train', 'val', 'test']).toContain(s.sourceSplit);
            for (const c of Object.keys(s.meta ?? {})) expect(spec.metaColumns ?? [], `${s.id}: meta key ${c}`).toContain(c);
          }
          if (!isMultiLabel(spec.task)) expect([...seen].sort((a, b) => a - b)).toEqual([...spec.labels.keys()]);
        }
        expect([...items.keys()].filter((i) => !used.has(i)), 'items no sample uses').toEqual([]);
        for (const f of [...scan.items.flatMap((i) => i.files), ...scan.metadataFiles]) {
          expect(f.startsWith(fake + sep), `${f} is not below the input ${fake}`).toBe(true);
          expect((await stat(f)).isFile(), f).toBe(true);
        }
      });

      it('the fake download is deterministic: the same options write the same bytes', async () => {
        const again = join(dir, 'download-again');
        await converter.writeFakeDownload(again, o.fake);
        const [a, b] = [await snapshotFolder(fake), await snapshotFolder(again)];
        expect([...b.keys()]).toEqual([...a.keys()]);
        for (const [k, v] of a) expect(b.get(k)!.equals(v), k).toBe(true);
      });

      it('the folder converters/<source id>/ holds a checksums.tsv naming exactly the spec\'s downloads', async () => {
        const file = join(converterFolder(converter), 'checksums.tsv');
        const rows = parseChecksumsTsv(await readFile(file, 'utf8'), file);
        expect(rows.map((r) => r.file)).toEqual(converter.source.downloads.map((d) => d.name));
        // Where both state a fact, they agree (spec.ts downloads and checksums.tsv must not drift).
        for (const d of converter.source.downloads) {
          const r = rows.find((x) => x.file === d.name)!;
          for (const [k, v] of [['md5', d.md5], ['sha256', d.sha256], ['bytes', d.sizeBytes], ['url', d.url]] as const) {
            if (v !== undefined) expect(r[k], `${d.name} ${k}`).toBe(v);
          }
        }
      });
    });

    describe('(d) bad input: non-zero exit, a message naming the fault, nothing written', () => {
      it('lists at least one bad-input case', () => {
        expect(o.badInputs.length).toBeGreaterThan(0);
      });
      o.badInputs.forEach((bad, n) => {
        it(bad.name, async () => {
          const copy = await fx.variant(`bad-${n}`);
          await bad.damage(copy);
          const fresh = join(dir, `out-bad-${n}`);
          const args = ['convert', '--source', id, '--input', copy, '--size', o.sizes.join(',')];
          const r = cli([...args, '--out', fresh]);
          expect(r.code, r.stderr).toBe(bad.code ?? 1);
          const want = bad.message(copy);
          for (const m of typeof want === 'string' || want instanceof RegExp ? [want] : want) {
            if (typeof m === 'string') expect(r.stderr).toContain(m);
            else expect(r.stderr).toMatch(m);
          }
          expect(await exists(fresh), `${fresh} was created`).toBe(false);
          if (bad.keepsExistingOutput) {
            const kept = join(dir, `kept-${n}`);
            await cp((await fx.converted()).out, kept, { recursive: true });
            const before = await snapshotFolder(kept);
            const r2 = cli([...args, '--out', kept]);
            expect(r2.code, r2.stderr).toBe(bad.code ?? 1);
            const after = await snapshotFolder(kept);
            expect([...after.keys()]).toEqual([...before.keys()]);
            for (const [k, v] of before) expect(after.get(k)!.equals(v), k).toBe(true);
          }
        });
      });
    });
  });

  return fx;
}
