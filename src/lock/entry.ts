// A built dataset as a lock entry, and the list of outputs a lock entry expects in the output folder.
import { join } from 'node:path';
import { getFormat } from '../formats/index.js';
import { baseNameFor } from '../formats/sink.js';
import type { SplitName } from '../core/contract.js';
import type { FileRecord } from '../metadata/dataset-metadata.js';
import { listFolder } from './hash.js';
import { stat } from 'node:fs/promises';
import type { ContentHash, LockDataset, LockInputs, LockOutput, LockRecipe, LockSize } from './lockfile.js';
import { recipeHash } from './recipe.js';

/** What the engine knows about one built dataset (a subset of DatasetBuild). */
export interface BuiltDataset {
  flag: string;
  counts: Record<SplitName, number>;
  files: FileRecord[];
  bySize: Record<number, FileRecord[]>;
  content: Record<number, ContentHash>;
}

export function stripSlash(name: string): string {
  return name.replace(/\/+$/, '');
}

async function toOutput(dir: string, f: FileRecord): Promise<LockOutput> {
  const st = await stat(join(dir, f.name));
  const out: LockOutput = { name: stripSlash(f.name), bytes: f.bytes, sha256: f.sha256 };
  if (st.isDirectory()) out.files = (await listFolder(join(dir, f.name))).length;
  return out;
}

/** Build a lock entry; `dir` is where the files are now (the engine's temporary folder). */
export async function datasetEntry(b: BuiltDataset, dir: string, source: string, recipe: LockRecipe, inputs: LockInputs): Promise<LockDataset> {
  const byName = new Map(b.files.map((f) => [stripSlash(f.name), f]));
  const csv = byName.get(`${b.flag}.samples.csv`);
  if (!csv) throw new Error(`lock: ${b.flag}.samples.csv was not written`);
  const sizes: Record<string, LockSize> = {};
  for (const size of recipe.sizes) {
    const base = baseNameFor(b.flag, size);
    const meta = byName.get(`${base}.json`);
    if (!meta) throw new Error(`lock: ${base}.json was not written`);
    const content = b.content[size];
    if (!content) throw new Error(`lock: no content hash for ${base}`);
    const files = new Map((b.bySize[size] ?? []).map((f) => [stripSlash(f.name), f]));
    const formats: LockSize['formats'] = {};
    for (const name of recipe.formats) {
      const expected = getFormat(name).fileNames(base).map(stripSlash);
      const outs: LockOutput[] = [];
      for (const n of expected) {
        const f = files.get(n); // a format may skip a file it has nothing for (an empty split)
        if (!f) continue;
        outs.push(await toOutput(dir, f));
        files.delete(n);
      }
      formats[name] = { files: outs };
    }
    if (files.size > 0) {
      throw new Error(`lock: ${[...files.keys()].join(', ')} written for ${base} but listed by no format's fileNames()`);
    }
    sizes[String(size)] = { content, metadata: await toOutput(dir, meta), formats };
  }
  return {
    source,
    inputs,
    recipe,
    recipeSha256: recipeHash(recipe),
    counts: { ...b.counts },
    samplesCsv: await toOutput(dir, csv),
    sizes,
  };
}

export interface ExpectedOutput {
  dataset: string;
  /** Size and format the output belongs to (absent for samples.csv). */
  size?: number;
  format?: string;
  output: LockOutput;
}

/** Every output a lock entry expects in the output folder (`docs: false`: leave out the card and Croissant file). */
export function expectedOutputs(flag: string, d: LockDataset, o: { docs?: boolean } = {}): ExpectedOutput[] {
  const out: ExpectedOutput[] = [{ dataset: flag, output: d.samplesCsv }];
  if (d.docs && o.docs !== false) out.push({ dataset: flag, output: d.docs.card }, { dataset: flag, output: d.docs.croissant });
  for (const [size, s] of Object.entries(d.sizes)) {
    out.push({ dataset: flag, size: Number(size), output: s.metadata });
    for (const [format, f] of Object.entries(s.formats)) {
      for (const o of f.files) out.push({ dataset: flag, size: Number(size), format, output: o });
    }
  }
  return out;
}

/**
 * Differences between a locked entry's outputs and a new build's (frozen builds). The card and Croissant
 * file are written from the final lock after this check and compared then (src/engine/docs.ts).
 */
export function outputDifferences(flag: string, locked: LockDataset, built: LockDataset): string[] {
  const diffs: string[] = [];
  const a = new Map(expectedOutputs(flag, locked, { docs: false }).map((e) => [e.output.name, e.output]));
  const b = new Map(expectedOutputs(flag, built, { docs: false }).map((e) => [e.output.name, e.output]));
  for (const [name, o] of a) {
    const n = b.get(name);
    if (!n) diffs.push(`${name}: locked but not produced`);
    else if (n.sha256 !== o.sha256 || n.bytes !== o.bytes) {
      diffs.push(`${name}: would change (${o.bytes} bytes sha256 ${o.sha256.slice(0, 12)} -> ${n.bytes} bytes sha256 ${n.sha256.slice(0, 12)})`);
    }
  }
  for (const name of b.keys()) if (!a.has(name)) diffs.push(`${name}: produced but not in the lock`);
  for (const [size, s] of Object.entries(built.sizes)) {
    const l = locked.sizes[size];
    if (l && l.content.sha256 !== s.content.sha256) diffs.push(`${flag} size ${size}: content hash ${l.content.sha256.slice(0, 12)} -> ${s.content.sha256.slice(0, 12)}`);
  }
  for (const k of ['train', 'val', 'test'] as const) {
    if (locked.counts[k] !== built.counts[k]) diffs.push(`${flag} ${k}: ${locked.counts[k]} -> ${built.counts[k]} samples`);
  }
  return diffs;
}
