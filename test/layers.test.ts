// The layer rules of README's Development section, checked on the sources: src/core imports nothing
// else of the project, src/catalog only core, nothing under src/ but the CLI imports converters/, and
// no two folders import each other (directly or through others).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/run-cli.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return n.endsWith('.ts') && !n.endsWith('.test.ts') ? [p] : [];
  });
}

/** The layer of a file: src/<folder>, or converters. */
function layerOf(file: string): string {
  const rel = relative(ROOT, file).split('\\').join('/');
  if (rel.startsWith('converters/')) return 'converters';
  const m = /^src\/([^/]+)\//.exec(rel);
  return m ? `src/${m[1]}` : rel;
}

const edges = new Map<string, Set<string>>();
const examples = new Map<string, string>();
for (const file of [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'converters'))]) {
  const from = layerOf(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const to = layerOf(resolve(dirname(file), m[1]!));
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
    examples.set(`${from} -> ${to}`, relative(ROOT, file));
  }
}

describe('layers', () => {
  it('src/core imports nothing of the project; src/catalog only src/core', () => {
    expect([...(edges.get('src/core') ?? [])]).toEqual([]);
    expect([...(edges.get('src/catalog') ?? [])].filter((t) => t !== 'src/core')).toEqual([]);
  });

  it('only the CLI imports converters/ (the registry is passed to the engine)', () => {
    const importers = [...edges].filter(([, to]) => to.has('converters')).map(([from]) => from);
    expect(importers).toEqual(['src/cli']);
  });

  it('no import cycles between folders', () => {
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      for (const next of edges.get(node) ?? []) {
        const at = path.indexOf(next);
        if (at >= 0) cycles.push([...path.slice(at), next].join(' -> '));
        else visit(next, [...path, next]);
      }
    };
    for (const start of edges.keys()) visit(start, [start]);
    const named = [...new Set(cycles)].map((c) => `${c} (e.g. ${c.split(' -> ').slice(0, 2).map((x, i, a) => (i ? examples.get(`${a[0]} -> ${x}`) : '')).join('')})`);
    expect(named).toEqual([]);
  });
});
