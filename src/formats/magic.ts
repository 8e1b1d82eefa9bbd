// Cheap structural checks of container files before a library parses them, so a truncated or garbage
// file is refused with a message that says what is wrong (instead of a library's internal TypeError).
import { open } from 'node:fs/promises';
import { DataError } from '../core/errors.js';

const KINDS = {
  arrow: { magic: 'ARROW1', name: 'Arrow IPC file', lenAt: 10, overhead: 8 + 10 },
  parquet: { magic: 'PAR1', name: 'Parquet file', lenAt: 8, overhead: 4 + 8 },
} as const;

/** Refuse `path` unless it starts and ends with the format's magic and its footer fits in the file. */
export async function checkContainer(path: string, kind: keyof typeof KINDS): Promise<void> {
  const k = KINDS[kind];
  const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new DataError(`${path}: cannot open (${err.code ?? err.message})`);
  });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new DataError(`${path}: not a regular file`);
    const size = st.size;
    const m = k.magic.length;
    const head = Buffer.alloc(m);
    const tail = Buffer.alloc(k.lenAt);
    if (size >= m) await fh.read(head, 0, m, 0);
    if (size >= k.lenAt) await fh.read(tail, 0, k.lenAt, size - k.lenAt);
    const fix = 'Rebuild it with `medmnist-build convert`, or download it again.';
    if (size < k.overhead || head.toString('latin1') !== k.magic) {
      throw new DataError(`${path}: not ${kind === 'arrow' ? 'an' : 'a'} ${k.name} (${size < m ? 'empty or tiny' : `starts with ${JSON.stringify(head.toString('latin1'))}, not ${k.magic}`}). ${fix}`);
    }
    if (tail.toString('latin1', k.lenAt - m) !== k.magic) throw new DataError(`${path}: truncated ${k.name} (no ${k.magic} footer at its end; ${size} bytes). ${fix}`);
    const footer = tail.readInt32LE(k.lenAt - m - 4);
    if (footer <= 0 || footer > size - k.overhead) throw new DataError(`${path}: corrupt ${k.name} (its footer claims ${footer} bytes of a ${size}-byte file). ${fix}`);
  } finally {
    await fh.close();
  }
}

/** A library's internal error while parsing a container, as a message a user can act on. */
export function containerError(path: string, kind: keyof typeof KINDS, err: unknown): DataError {
  if (err instanceof DataError) return err;
  const msg = (err as Error)?.message ?? String(err);
  const why = /Cannot read properties|is not a function|undefined|null/.test(msg) ? 'its metadata is corrupt' : msg;
  return new DataError(`${path}: not a readable ${KINDS[kind].name} (${why}). Rebuild it with \`medmnist-build convert\`, or download it again.`);
}
