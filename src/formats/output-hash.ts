// Hash of one output name returned by a sink: a file's SHA-256, or for a folder (the PNG folder F_S)
// the SHA-256 of its manifest, one line `<relative path>\t<file sha256>\n` per file sorted by path
// (code-unit order), with bytes = the sum of the file sizes. Deterministic and independent of the
// order in which the file system lists the folder.
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../lock/hash.js';

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

export async function sha256Output(path: string): Promise<{ sha256: string; bytes: number }> {
  const st = await stat(path);
  if (!st.isDirectory()) return sha256File(path);
  const files = (await listFiles(path)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const h = createHash('sha256');
  let bytes = 0;
  for (const f of files) {
    const fh = await sha256File(join(path, f));
    bytes += fh.bytes;
    h.update(`${f}\t${fh.sha256}\n`);
  }
  return { sha256: h.digest('hex'), bytes };
}
