// The tool's version, read from the package.json above this module (works from src/ and dist/src/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'medmnist-build') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('medmnist-build: cannot find its package.json');
    dir = up;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const TOOL_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
