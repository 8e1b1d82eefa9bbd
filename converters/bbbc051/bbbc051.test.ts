// BBBC051 -> TissueMNIST on a fake download: the shared conformance cases (test/support/converter-conformance.ts:
// Pillow-exact pixels at 28, 64 and 224 through the CLI, the reference being numpy's max over the frames
// Pillow reads (each frame convert('L')) then Pillow's resize; official sizes; round trip; bad input) and
// BBBC051's own: the fake's stacks (7 pages; 8-bit, 16-bit little- and big-endian, Deflate, PackBits),
// the official medmnist TissueMNIST layout of the NPZ, per-class counts found, the TIFF stack reader
// against Pillow on what the fake does not cover.
import { readFileSync, writeFileSync, truncateSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliOk, pythonOk } from '../../test/support/run-cli.js';
import { describeConverter, samplesFromCounts } from '../../test/support/converter-conformance.js';
import { readTiffStack } from '../../src/image/tiff-stack.js';
import { bbbc051 } from './index.js';
import { encodeTiffStack, synthStack } from './fake.js';
import { CONSTRUCTED_COUNTS, TYPE_FOLDERS } from './spec.js';

const COUNT = 40;
const SIZES = [28, 64, 224];

/** The first stack of a cell-type folder of the fake (sorted names). */
function stackIn(d: string, specimen: string, type: string): string {
  const dir = join(d, 'BBBC051', specimen, type, type, 'All_3D');
  return join(dir, readdirSync(dir).sort()[0]!);
}

const fx = describeConverter(bbbc051, {
  fake: { count: COUNT, seed: 3 },
  sizes: SIZES,
  official: {
    // CONSTRUCTED per-class counts (BBBC051's real ones are not established): the rule can give the published sizes.
    tissuemnist: { published: { train: 165466, val: 23640, test: 47280 }, samples: () => samplesFromCounts(CONSTRUCTED_COUNTS) },
  },
  badInputs: [
    {
      name: 'a TIFF stack with 6 pages',
      damage: (d) => {
        const f = stackIn(d, 'F33', 'TAL');
        writeFileSync(f, encodeTiffStack(synthStack(32, 32, 200, 1).slice(0, 6).map((p) => Uint8Array.from(p)), 32, 32, { bits: 8, littleEndian: true, compression: 'none' }));
      },
      message: (d) => `${stackIn(d, 'F33', 'TAL')}: 6 pages (z-slices), a TissueMNIST stack has 7`,
      keepsExistingOutput: true,
    },
    {
      name: 'a truncated TIFF stack',
      damage: (d) => truncateSync(stackIn(d, 'F44', 'Nestin'), 3000),
      message: (d) => [stackIn(d, 'F44', 'Nestin'), /beyond the end of the file \(truncated\?\)/],
    },
    {
      name: 'an unknown cell-type folder',
      damage: async (d) => {
        await mkdir(join(d, 'BBBC051', 'F44', 'CD68', 'CD68', 'All_3D'), { recursive: true });
        await writeFile(join(d, 'BBBC051', 'F44', 'CD68', 'CD68', 'All_3D', 'a.tif'), 'x');
      },
      message: (d) => [`${join(d, 'BBBC051', 'F44', 'CD68')}: unknown cell-type folder "CD68"`, `known names are ${Object.keys(TYPE_FOLDERS).join(', ')}`],
    },
  ],
});

describe('bbbc051: source-specific', () => {
  it('scan refuses a cell-type zip left unextracted and a file in All_3D that is not a TIFF, naming the file', async () => {
    const a = await fx.variant('zip');
    await writeFile(join(a, 'BBBC051', 'F33', 'CD45.1.zip'), 'PK');
    await expect(bbbc051.scan(a)).rejects.toThrow(`${join(a, 'BBBC051', 'F33', 'CD45.1.zip')}: not extracted; unzip it inside`);
    const b = await fx.variant('txt');
    await writeFile(join(b, 'BBBC051', 'F59', 'S1S2', 'S1S2', 'All_3D', 'notes.txt'), 'x');
    await expect(bbbc051.scan(b)).rejects.toThrow(`${join(b, 'BBBC051', 'F59', 'S1S2', 'S1S2', 'All_3D', 'notes.txt')}: not a TIFF stack`);
    // Two files of one stem (a.tif and a.tiff) would give two stacks one id: both are named.
    const c = await fx.variant('stems');
    const tif = stackIn(c, 'F44', 'Nestin');
    await copyFile(tif, `${tif}f`);
    await expect(bbbc051.scan(c)).rejects.toThrow(`occurs twice: ${tif} and ${tif}f. Remove one copy.`);
  });

  it('the fake: every stack has 7 pages as Pillow reads them, in the modes and variants the fake claims', async () => {
    const files = (await fx.scan()).items.map((i) => i.files[0]!);
    const out = JSON.parse(
      pythonOk(
        `import sys, json
from PIL import Image
res = {}
for f in sys.argv[1:]:
    im = Image.open(f)
    key = "%s %s %d %s" % (im.mode, im.size, im.n_frames, im.info.get("compression"))
    res[key] = res.get(key, 0) + 1
print(json.dumps(res))`,
        files,
      ),
    ) as Record<string, number>;
    const keys = Object.keys(out).sort();
    expect(keys.every((k) => / 7 /.test(k))).toBe(true);
    expect(keys).toEqual(expect.arrayContaining(['I;16 (32, 32) 7 raw', 'I;16B (32, 32) 7 raw', 'L (32, 32) 7 raw', 'L (32, 32) 7 tiff_adobe_deflate', 'L (32, 32) 7 packbits', 'I;16 (33, 31) 7 raw']));
    expect(Object.values(out).reduce((a, b) => a + b, 0)).toBe(COUNT);
    // The layout: specimen folders, name variants, both All_3D placements.
    const rel = files.map((f) => f.slice(fx.fake.length + 1));
    expect(new Set(rel.map((f) => f.split('/')[1]))).toEqual(new Set(['F33', 'F44', 'F59']));
    expect(rel.some((f) => /^BBBC051\/F\d+\/(\S+)\/\1\/All_3D\/Nuc_\d{5}\.tif$/.test(f))).toBe(true);
    expect(rel).toContain(rel.find((f) => /^BBBC051\/F59\/DCT\/All_3D\//.test(f)));
    expect(new Set(rel.map((f) => f.split('/')[2]))).toEqual(new Set(['CD_CNT', 'DCT', 'CD31_glom', 'CD31glom', 'CD31_inter', 'CD31int', 'CD45.0', 'CD45.1', 'CD45.2', 'Nestin', 'S1S2', 'S2S3', 'TAL']));
  });

  it('per-class counts found: inspect reports the label histogram, samples.csv the specimen and folder of each stack', async () => {
    const { out, rows } = await fx.converted();
    const scan = (await fx.scan()).samples['tissuemnist']!;
    const perClass = new Array<number>(8).fill(0);
    for (const s of scan) perClass[s.label[0]!]!++;
    const text = cliOk(['inspect', join(out, 'tissuemnist.npz')]);
    for (let c = 0; c < 8; c++) expect(text).toMatch(new RegExp(`\\n${c}\\s+.*\\s${perClass[c]}\\s*\\n`));
    for (const r of rows['tissuemnist']!) {
      const [specimen, folder] = r.image_id.split('/');
      expect(r['group_id']).toBe(specimen);
      expect(r['fine_label']).toBe(folder);
      expect(TYPE_FOLDERS[folder!]).toBe(Number(r.label));
    }
  });

  it("loads in the official medmnist TissueMNIST layout: the six keys, uint8 (N,S,S) gray, labels (N,1), Image.fromarray gives mode L", async () => {
    const { out, rows } = await fx.converted();
    const res = JSON.parse(pythonOk(OFFICIAL_LAYOUT, [out, 'tissuemnist', SIZES.join(',')])) as OfficialLayout;
    const n = (s: string) => rows['tissuemnist']!.filter((r) => r.split === s).length;
    for (const size of SIZES) {
      const r = res[String(size)]!;
      expect(r.keys).toEqual(['train_images', 'train_labels', 'val_images', 'val_labels', 'test_images', 'test_labels']);
      for (const s of ['train', 'val', 'test']) {
        expect(r[s]).toEqual({ images: [[n(s), size, size], 'uint8'], labels: [[n(s), 1], 'uint8'], mode: n(s) > 0 ? 'L' : null, labelMax: expect.any(Number) });
        expect(r[s]!.labelMax).toBeLessThan(8);
      }
    }
  });

  it('the TIFF stack reader equals Pillow on 8-bit WhiteIsZero (L;I) and 16-bit values above 255 (clipped), and refuses LZW by name', () => {
    const dir = fx.dir;
    const r = pythonOk(
      `import sys, numpy as np
from PIL import Image
rng = np.random.default_rng(5)
a8 = rng.integers(0, 256, (7, 9, 11)).astype(np.uint8)
a16 = rng.integers(0, 4000, (7, 9, 11)).astype(np.uint16)
Image.fromarray(a8[0]).save(sys.argv[1] + "/lzw.tif", save_all=True, append_images=[Image.fromarray(x) for x in a8[1:]], compression="tiff_lzw")
import tifffile
tifffile.imwrite(sys.argv[1] + "/white.tif", a8, photometric="miniswhite")
tifffile.imwrite(sys.argv[1] + "/big16.tif", a16, byteorder=">")
for name in ("white", "big16"):
    im = Image.open(sys.argv[1] + "/%s.tif" % name)
    fr = []
    for i in range(im.n_frames):
        im.seek(i); fr.append(np.asarray(im.convert("L")))
    np.stack(fr).tofile(sys.argv[1] + "/%s.u8" % name)
print("ok")`,
      [dir],
    );
    expect(r.trim()).toBe('ok');
    for (const name of ['white', 'big16']) {
      const s = readTiffStack(readFileSync(join(dir, `${name}.tif`)), name);
      expect([s.depth, s.height, s.width]).toEqual([7, 9, 11]);
      expect(Buffer.from(s.data).equals(readFileSync(join(dir, `${name}.u8`))), name).toBe(true);
    }
    expect(() => readTiffStack(readFileSync(join(dir, 'lzw.tif')), 'lzw.tif')).toThrow(/lzw\.tif: page 1 of 7 uses Compression 5/);
  });
});

type OfficialLayout = Record<string, { keys: string[] } & Record<string, { images: [number[], string]; labels: [number[], string]; mode: string | null; labelMax: number }>>;

// What medmnist's MedMNIST2D does with the file: np.load(root/<flag>[_<size>].npz), imgs = npz[split + '_images'],
// labels = npz[split + '_labels'], __getitem__: Image.fromarray(img) (then .convert('RGB') when as_rgb).
const OFFICIAL_LAYOUT = `import sys, json, numpy as np
from PIL import Image
out, flag, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split(",")]
res = {}
for size in sizes:
    d = np.load("%s/%s%s.npz" % (out, flag, "" if size == 28 else "_%d" % size))
    r = {"keys": list(d.files)}
    for split in ("train", "val", "test"):
        imgs, labels = d[split + "_images"], d[split + "_labels"]
        mode = Image.fromarray(imgs[0]).mode if len(imgs) else None
        r[split] = {"images": [list(imgs.shape), str(imgs.dtype)], "labels": [list(labels.shape), str(labels.dtype)], "mode": mode, "labelMax": int(labels.max()) if len(labels) else 0}
    res[str(size)] = r
print(json.dumps(res))`;
