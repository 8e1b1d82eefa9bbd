// `inspect FILE` for every file the tool writes that is not a dataset output (those are in
// src/formats/inspect.ts): F.samples.csv, F_S.json, datasets.lock.json, the plan JSON, a shard's
// shard.json, and the dataset cards F.card.md (markdown with YAML front matter) and F.croissant.json
// (JSON-LD), the last two summarised generically. Each becomes a DocumentReport: facts (key -> value)
// and tables, printed as text by the CLI or as JSON with --json.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { catalogEntry, isCatalogFlag } from '../catalog/index.js';
import { SPLITS, type ConverterRegistry, type SplitName } from '../core/contract.js';
import { parseCsvRows } from '../core/csv.js';
import { DataError, UsageError } from '../core/errors.js';
import { LOCK_SCHEMA, validateLock } from '../lock/lockfile.js';
import { schemaValidator } from '../metadata/schemas.js';
import { PLAN_VERSION, type BuildPlan } from './plan.js';
import { SHARD_VERSION, type ShardIndex } from './shards.js';
import { TOOL_VERSION } from '../version.js';

export type DocumentKind = 'samples-csv' | 'metadata' | 'lock' | 'plan' | 'shard' | 'card' | 'json-ld';

export type Fact = string | number | boolean | null | string[];

export interface DocumentTable {
  title: string;
  header: string[];
  rows: string[][];
}

export interface DocumentReport {
  file: string;
  kind: DocumentKind;
  /** What the file is, in words. */
  title: string;
  facts: Record<string, Fact>;
  tables: DocumentTable[];
}

/** True when `path` names a file this module reads (not a dataset output). */
export function isDocumentName(path: string): boolean {
  const name = basename(path);
  return name.endsWith('.samples.csv') || name.endsWith('.json') || name.endsWith('.md');
}

const short = (h: string | undefined): string => (h ? h.slice(0, 12) : '');
const counts = (c: Record<SplitName, number> | undefined): string => (c ? SPLITS.map((s) => c[s]).join('/') : '');

function clip(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 3)}...` : one;
}

export async function inspectDocument(path: string, registry?: ConverterRegistry): Promise<DocumentReport> {
  const st = await stat(path).catch(() => null);
  if (!st?.isFile()) throw new UsageError(`${path}: no such file`);
  const name = basename(path);
  const text = await readFile(path, 'utf8');
  if (name.endsWith('.samples.csv')) return samplesCsv(path, text, registry);
  if (name.endsWith('.md')) return card(path, text);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new DataError(`${path}: not valid JSON, so not a file this tool wrote (F_S.json, datasets.lock.json, a plan, shard.json, F.croissant.json)`);
  }
  const o = (doc ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) throw new UsageError(`${path}: a JSON ${Array.isArray(o) ? 'array' : 'value'}, not a file this tool writes`);
  if ('@context' in o) return jsonLd(path, o);
  if ('lockfileVersion' in o) return lock(path, o);
  if ('planVersion' in o) return plan(path, o as unknown as BuildPlan);
  if ('shardVersion' in o) return shard(path, o as unknown as ShardIndex);
  if ('schemaVersion' in o && 'flag' in o && 'size' in o) return metadata(path, o);
  throw new UsageError(
    `${path}: a JSON file this tool did not write (it reads F_S.json, datasets.lock.json, a plan from \`plan\`, shard.json, F.croissant.json; dataset outputs: F_S.npz, F_S_<split>.arrow/.parquet, a PNG folder)`,
  );
}

/** F.samples.csv: rows per split, indexes, groups (and groups in more than one split), labels. */
function samplesCsv(path: string, text: string, registry?: ConverterRegistry): DocumentReport {
  const rows = parseCsvRows(text, path);
  const header = rows[0]?.fields ?? [];
  const want = ['split', 'index', 'image_id', 'label'];
  if (want.some((c, i) => header[i] !== c)) {
    throw new DataError(`${path}: header ${JSON.stringify(header.slice(0, 4).join(','))} is not split,index,image_id,label...; not a samples.csv written by medmnist-build`);
  }
  const flag = basename(path).slice(0, -'.samples.csv'.length);
  const spec = registry?.all.flatMap((c) => c.datasets).find((d) => d.flag === flag);
  // The group column follows label when the dataset has one: group_id (the source's own name for it,
  // e.g. lesion_id, in the dataset's spec; files of earlier versions used that name as the header).
  const groupCol = header[4] === 'group_id' || (spec?.groupName !== undefined && header[4] === spec.groupName) ? 4 : -1;
  const names = isCatalogFlag(flag) ? catalogEntry(flag).labels : null;
  const multi = isCatalogFlag(flag) && catalogEntry(flag).task === 'multi-label, binary-class';
  const perSplit: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const groups = new Map<string, Set<SplitName>>();
  const hist = new Map<number, Record<SplitName, number>>();
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const r of rows.slice(1)) {
    const f = r.fields;
    if (f.length !== header.length) {
      problems.push(`line ${r.line}: ${f.length} fields, the header has ${header.length}`);
      continue;
    }
    const split = f[0] as SplitName;
    if (!SPLITS.includes(split)) {
      problems.push(`line ${r.line}: split ${JSON.stringify(f[0])} is not train, val or test`);
      continue;
    }
    if (Number(f[1]) !== perSplit[split]) problems.push(`line ${r.line}: ${split} index ${f[1]}, expected ${perSplit[split]}`);
    perSplit[split]++;
    if (ids.has(f[2]!)) problems.push(`line ${r.line}: image_id ${f[2]} listed twice`);
    ids.add(f[2]!);
    if (groupCol >= 0 && f[groupCol]) {
      const g = groups.get(f[groupCol]!) ?? new Set<SplitName>();
      g.add(split);
      groups.set(f[groupCol]!, g);
    }
    const labels = f[3]!.split('_').map(Number);
    if (multi) labels.forEach((v, col) => (v ? bump(hist, col, split) : hist.has(col) || hist.set(col, { train: 0, val: 0, test: 0 })));
    else bump(hist, labels[0]!, split);
  }
  if (problems.length > 0) {
    throw new DataError(`${path}: not a consistent samples.csv:\n${problems.slice(0, 10).map((p) => `  ${p}`).join('\n')}${problems.length > 10 ? `\n  ... and ${problems.length - 10} more` : ''}`);
  }
  names?.forEach((_, k) => hist.has(k) || hist.set(k, { train: 0, val: 0, test: 0 }));
  const facts: Record<string, Fact> = {
    dataset: flag,
    columns: header,
    samples: rows.length - 1,
    'train/val/test': counts(perSplit),
  };
  if (groupCol >= 0) {
    facts['group column'] = spec?.groupName && spec.groupName !== header[groupCol] ? `${header[groupCol]!} (${spec.groupName})` : header[groupCol]!;
    facts['groups'] = groups.size;
    facts['groups in more than one split'] = [...groups.values()].filter((s) => s.size > 1).length;
  }
  return {
    file: path,
    kind: 'samples-csv',
    title: `per-sample provenance of ${flag} (the same for every size)`,
    facts,
    tables: [
      {
        title: `label histogram${multi ? ' (positives per label column)' : ''}`,
        header: ['label', 'name', ...SPLITS, 'total'],
        rows: [...hist.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([k, c]) => [String(k), names?.[k] ?? '', ...SPLITS.map((s) => String(c[s])), String(c.train + c.val + c.test)]),
      },
    ],
  };
}

function bump(hist: Map<number, Record<SplitName, number>>, key: number, split: SplitName): void {
  let c = hist.get(key);
  if (!c) hist.set(key, (c = { train: 0, val: 0, test: 0 }));
  c[split]++;
}

/** F_S.json: what the dataset is, where it came from and what was written. */
function metadata(path: string, m: Record<string, unknown>): DocumentReport {
  const v = schemaValidator('dataset-metadata.schema.json');
  const valid = v(m);
  const license = (m['license'] ?? {}) as { spdx?: string; note?: string };
  const split = (m['split'] ?? {}) as { strategy?: string; seed?: number; rule?: string };
  const pre = (m['preprocessing'] ?? {}) as { order?: string };
  const tool = (m['tool'] ?? {}) as { version?: string };
  const files = (Array.isArray(m['files']) ? m['files'] : []) as { name: string; bytes: number; sha256: string }[];
  const sources = (Array.isArray(m['sources']) ? m['sources'] : []) as { id?: string; name?: string }[];
  const facts: Record<string, Fact> = {
    dataset: `${String(m['flag'])} (${String(m['title'] ?? '')})`,
    size: Number(m['size']),
    shape: Array.isArray(m['shape']) ? `[${(m['shape'] as number[]).join(', ')}]` : null,
    task: String(m['task'] ?? ''),
    labels: Object.keys((m['labels'] ?? {}) as object).length,
    'train/val/test': counts(m['n_samples'] as Record<SplitName, number>),
    'official train/val/test': counts(m['official_n_samples'] as Record<SplitName, number>),
    license: `${license.spdx ?? ''}${license.note ? ` (${license.note})` : ''}`,
    sources: sources.map((s) => `${s.id ?? ''}: ${s.name ?? ''}`),
    preprocessing: pre.order ?? '',
    split: `${split.strategy ?? ''}, seed ${split.seed ?? ''}${split.rule ? `: ${split.rule}` : ''}`,
    tool: `medmnist-build ${tool.version ?? '?'}`,
    schema: valid ? 'valid (schemas/dataset-metadata.schema.json)' : (v.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`),
  };
  return {
    file: path,
    kind: 'metadata',
    title: `dataset metadata of ${String(m['flag'])} at size ${String(m['size'])}`,
    facts,
    tables: [{ title: 'files written (with their hashes)', header: ['file', 'bytes', 'sha256'], rows: files.map((f) => [f.name, String(f.bytes), short(f.sha256)]) }],
  };
}

/** datasets.lock.json: one row per dataset, the official section in one line. */
function lock(path: string, o: Record<string, unknown>): DocumentReport {
  const l = validateLock(o, path);
  const rows = Object.entries(l.datasets)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([flag, d]) => {
      const sizes = Object.keys(d.sizes).map(Number).sort((a, b) => a - b);
      const outputs = 1 + sizes.reduce((a, s) => a + 1 + Object.values(d.sizes[String(s)]!.formats).reduce((b, f) => b + f.files.length, 0), 0);
      const sem = sizes.map((s) => d.sizes[String(s)]!.semantic && `${s}: AUC ${d.sizes[String(s)]!.semantic!.metrics.auc.toFixed(3)} ACC ${d.sizes[String(s)]!.semantic!.metrics.acc.toFixed(3)}`).find(Boolean);
      return [flag, d.source, sizes.join(','), d.recipe.formats.join(','), `${d.recipe.split.strategy}/${d.recipe.split.seed}`, counts(d.counts), String(d.inputs.files.length), String(outputs), sem ?? '-'];
    });
  return {
    file: path,
    kind: 'lock',
    title: 'lock file: inputs, recipe and outputs of every dataset built into its folder',
    facts: {
      lockfileVersion: l.lockfileVersion,
      datasets: Object.keys(l.datasets).length,
      official: l.official ? `${Object.keys(l.official.files).length} published NPZ MD5s of ${l.official.release}` : null,
      schema: `valid (schemas/${LOCK_SCHEMA})`,
    },
    tables: [{ title: 'datasets', header: ['dataset', 'source', 'sizes', 'formats', 'split/seed', 'train/val/test', 'inputs', 'outputs', 'reference model'], rows }],
  };
}

/** The plan JSON from `plan`. */
function plan(path: string, p: BuildPlan): DocumentReport {
  if (p.planVersion !== PLAN_VERSION || !Array.isArray(p.items) || !Array.isArray(p.datasets)) {
    throw new DataError(`${path}: planVersion ${String(p.planVersion)} is not a build plan this medmnist-build reads (planVersion ${PLAN_VERSION})`);
  }
  const bytes = p.items.reduce((a, it) => a + it.bytes, 0);
  const version = p.tool?.version;
  return {
    file: path,
    kind: 'plan',
    title: `build plan of ${p.source} (medmnist-build plan)`,
    facts: {
      source: p.source,
      input: p.input,
      tool: `medmnist-build ${version}${version === TOOL_VERSION ? '' : ` (this is ${TOOL_VERSION}: process and pack refuse it; plan again)`}`,
      sizes: p.options.sizes.join(','),
      formats: p.options.formats.join(','),
      split: `${p.options.split}, seed ${p.options.seed}`,
      items: p.items.length,
      'item bytes': bytes,
      'metadata files': p.metadataFiles,
    },
    tables: [{ title: 'datasets', header: ['dataset', 'train', 'val', 'test', 'samples'], rows: p.datasets.map((d) => [d.flag, ...SPLITS.map((s) => String(d.counts[s])), String(d.samples.length)]) }],
  };
}

/** A shard's shard.json (written by `process`). */
function shard(path: string, s: ShardIndex): DocumentReport {
  if (s.shardVersion !== SHARD_VERSION) throw new DataError(`${path}: shard version ${String(s.shardVersion)} is not one this medmnist-build reads (${SHARD_VERSION})`);
  return {
    file: path,
    kind: 'shard',
    title: `shard ${s.shard.index}/${s.shard.count} of a sharded build (medmnist-build process)`,
    facts: {
      shard: `${s.shard.index}/${s.shard.count}`,
      'plan sha256': s.planSha256,
      items: `[${s.items[0]}, ${s.items[1]}) (${s.items[1] - s.items[0]} items)`,
      'raw files': s.files.length,
      'raw bytes': s.files.reduce((a, f) => a + f.bytes, 0),
    },
    tables: [
      {
        title: 'records per dataset',
        header: ['dataset', 'records', 'dropped'],
        rows: Object.entries(s.sampleHashes).map(([flag, h]) => [flag, String(h.length), String(h.filter((x) => x.length === 0).length)]),
      },
      { title: 'record files', header: ['file', 'bytes', 'sha256'], rows: s.records.map((r) => [r.name, String(r.bytes), short(r.sha256)]) },
    ],
  };
}

/**
 * A markdown card: the YAML front matter's top-level keys (scalars shown, lists and maps counted) and
 * the document's headings. Generic on purpose: no YAML library, no fixed card layout.
 */
function card(path: string, text: string): DocumentReport {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const facts: Record<string, Fact> = {};
  let body = lines;
  if (lines[0] === '---') {
    const end = lines.findIndex((l, i) => i > 0 && (l === '---' || l === '...'));
    if (end < 0) throw new DataError(`${path}: the YAML front matter opened on line 1 is never closed by a '---' line`);
    const front = lines.slice(1, end);
    body = lines.slice(end + 1);
    for (let i = 0; i < front.length; i++) {
      const m = /^([^\s#:][^:]*):(?:\s+(.*))?$/.exec(front[i]!);
      if (!m) continue;
      const value = (m[2] ?? '').trim();
      if (value !== '' && value !== '|' && value !== '>' && value !== '|-' && value !== '>-') {
        facts[m[1]!] = value.replace(/^(['"])(.*)\1$/, '$2');
        continue;
      }
      // A block: the lines below it that are indented, or list items at its own indent ("- x").
      let j = i + 1;
      while (j < front.length && (front[j] === '' || /^\s/.test(front[j]!) || /^-(\s|$)/.test(front[j]!))) j++;
      const block = front.slice(i + 1, j).filter((l) => l.trim() !== '');
      const indent = Math.min(...block.map((l) => l.length - l.trimStart().length));
      const top = block.filter((l) => l.length - l.trimStart().length === indent);
      const items = top.filter((l) => /^-(\s|$)/.test(l.trimStart()));
      const keys = top.filter((l) => /^[^\s#-][^:]*:/.test(l.trimStart())).length;
      let shown: string;
      if (value !== '') shown = clip(block.map((l) => l.trim()).join(' '));
      else if (items.length > 0 && items.length === block.length && items.every((l) => !/^-\s+[^'"]*:\s/.test(l.trimStart()))) {
        // A list of scalars: its values.
        shown = clip(items.map((l) => l.trimStart().replace(/^-\s*/, '').replace(/^(['"])(.*)\1$/, '$2')).join(', '));
      } else shown = items.length > 0 ? `(list of ${items.length})` : keys > 0 ? `(map of ${keys} keys)` : '';
      facts[m[1]!] = shown;
      i = j - 1;
    }
  }
  const headings = body.filter((l) => /^#{1,6}\s/.test(l)).map((l) => l.trim());
  return {
    file: path,
    kind: 'card',
    title: lines[0] === '---' ? 'markdown document with YAML front matter (dataset card)' : 'markdown document (no front matter)',
    facts: { ...facts, headings, lines: lines.length },
    tables: [],
  };
}

/** JSON-LD (a Croissant dataset card): its type, names, licence and the distribution and record sets. */
function jsonLd(path: string, o: Record<string, unknown>): DocumentReport {
  const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(str).join(', ') : v && typeof v === 'object' ? str((v as Record<string, unknown>)['@id'] ?? (v as Record<string, unknown>)['name'] ?? JSON.stringify(v)) : v === undefined ? '' : String(v));
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : v ? [v] : []).filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
  const facts: Record<string, Fact> = {};
  for (const k of ['@type', 'name', 'description', 'license', 'url', 'version', 'conformsTo', 'citeAs', 'datePublished', 'creator']) {
    if (o[k] !== undefined) facts[k] = clip(str(o[k]));
  }
  const context = o['@context'];
  facts['@context'] = typeof context === 'string' ? context : `${Object.keys((context ?? {}) as object).length} terms`;
  const distribution = list(o['distribution']);
  const recordSets = list(o['recordSet']);
  const tables: DocumentTable[] = [];
  if (distribution.length > 0) {
    tables.push({
      title: 'distribution',
      header: ['name', '@type', 'encodingFormat', 'contentUrl / includes', 'sha256'],
      rows: distribution.map((d) => [str(d['name'] ?? d['@id']), str(d['@type']), str(d['encodingFormat']), clip(str(d['contentUrl'] ?? d['includes']), 60), short(str(d['sha256']))]),
    });
  }
  if (recordSets.length > 0) {
    tables.push({
      title: 'record sets',
      header: ['name', 'fields'],
      rows: recordSets.map((r) => [str(r['name'] ?? r['@id']), clip(list(r['field']).map((f) => str(f['name'] ?? f['@id'])).join(', '), 100)]),
    });
  }
  return { file: path, kind: 'json-ld', title: `JSON-LD document${facts['@type'] ? ` (${facts['@type']})` : ''}, e.g. a Croissant dataset card`, facts, tables };
}
