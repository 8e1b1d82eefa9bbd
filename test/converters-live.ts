// Shared by the converter tests: a fake download per test file, and a comparison of the CLI's NPZ
// output with what Pillow (/usr/bin/python3) makes of the same source files with the same recipe
// (design §6): Image.open(p).convert(mode), the centre crop, resize((S, S), Image.BICUBIC).
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { getConverter } from '../converters/index.js';
import type { Converter, FakeDownloadOptions } from '../src/core/contract.js';
import { parseCsv } from '../src/core/csv.js';
import { cleanupTempDirs, pythonOk, tempDir } from './support/run-cli.js';

export interface FakeDownloadFixture {
  /** The temp dir holding everything the test writes. */
  readonly dir: string;
  /** The fake download, written once in beforeAll. */
  readonly fake: string;
  /** A fresh copy of the fake download under dir/name, for tests that damage it. */
  variant(name: string): Promise<string>;
}

/**
 * Registers beforeAll/afterAll hooks: a temp dir with `converter`'s fake download in dir/download,
 * removed afterwards. Read `dir` and `fake` inside tests (they are set by the beforeAll hook).
 */
export function fakeDownloadFixture(converter: Converter, options: FakeDownloadOptions): FakeDownloadFixture {
  let dir = '';
  let fake = '';
  beforeAll(async () => {
    dir = tempDir(converter.source.id);
    fake = join(dir, 'download');
    await converter.writeFakeDownload(fake, options);
  });
  afterAll(cleanupTempDirs);
  return {
    get dir() {
      return dir;
    },
    get fake() {
      return fake;
    },
    async variant(name: string): Promise<string> {
      const d = join(dir, name);
      await cp(fake, d, { recursive: true });
      return d;
    },
  };
}

export interface SamplesRow {
  split: string;
  index: number;
  image_id: string;
  label: string;
  [column: string]: string | number;
}

export async function readSamplesCsv(file: string): Promise<SamplesRow[]> {
  const [header, ...rows] = parseCsv(await readFile(file, 'utf8')).filter((r) => r.length > 1);
  return rows.map((r) => {
    const o: Record<string, string | number> = Object.fromEntries(header!.map((h, i) => [h, r[i] ?? '']));
    o['index'] = Number(o['index']);
    return o as SamplesRow;
  });
}

const PILLOW_CHECK = String.raw`
import json, sys
import numpy as np
from PIL import Image
job = json.load(open(sys.argv[1]))
out = {"checked": 0, "mismatches": []}
for size in job["sizes"]:
    name = job["flag"] if size == 28 else "%s_%d" % (job["flag"], size)
    npz = np.load("%s/%s.npz" % (job["out"], name))
    for row in job["rows"]:
        img = Image.open(row["file"]).convert(job["mode"])
        w, h = img.size
        crop = job["crop"]
        if crop["kind"] == "center-square":
            s = min(w, h); l = (w - s) // 2; t = (h - s) // 2
            img = img.crop((l, t, l + s, t + s))
        elif crop["kind"] == "center":
            cw, ch = crop["width"], crop["height"]; l = (w - cw) // 2; t = (h - ch) // 2
            img = img.crop((l, t, l + cw, t + ch))
        want = np.asarray(img.resize((size, size), Image.BICUBIC))
        got = npz["%s_images" % row["split"]][row["index"]]
        label = int(npz["%s_labels" % row["split"]][row["index"]][0])
        out["checked"] += 1
        if got.shape != want.shape or not np.array_equal(got, want) or label != row["label"]:
            diff = int(np.abs(got.astype(int) - want.astype(int)).max()) if got.shape == want.shape else -1
            out["mismatches"].append({"size": size, "file": row["file"], "maxdiff": diff, "label": label, "want_label": row["label"]})
    counts = {s: int(npz["%s_images" % s].shape[0]) for s in ("train", "val", "test")}
    out.setdefault("counts", {})[str(size)] = counts
print(json.dumps(out))
`;

export interface PillowResult {
  checked: number;
  mismatches: { size: number; file: string; maxdiff: number }[];
  counts: Record<string, Record<'train' | 'val' | 'test', number>>;
}

/**
 * Compare every image of F.npz (each size) with Pillow's output for its source file. The files come
 * from a fresh scan of `input`, matched to rows of F.samples.csv by image id.
 */
export async function compareWithPillow(source: string, input: string, out: string, sizes: number[]): Promise<PillowResult & { rows: SamplesRow[] }> {
  const conv = getConverter(source);
  const spec = conv.datasets[0]!;
  const scan = await conv.scan(input);
  const fileOf = new Map(scan.samples[spec.flag]!.map((s) => [s.id, s.files[0]!]));
  const rows = await readSamplesCsv(join(out, `${spec.flag}.samples.csv`));
  const job = {
    flag: spec.flag,
    out,
    sizes,
    mode: spec.recipe.mode,
    crop: spec.recipe.crop,
    rows: rows.map((r) => ({ split: r.split, index: r.index, file: fileOf.get(r.image_id), label: Number(r.label) })),
  };
  const jobFile = join(out, '..', `${spec.flag}-pillow-job.json`);
  await writeFile(jobFile, JSON.stringify(job));
  return { ...(JSON.parse(pythonOk(PILLOW_CHECK, [jobFile])) as PillowResult), rows };
}
