#!/usr/bin/env node
// Regenerate the repository's datasets.lock.json (see src/lock/demo-lock.ts). Run from the repository:
//   npm run build && node scripts/update-demo-lock.mjs
// It runs `medmnist-build demo` with every registered source and format into a temporary folder, then
// writes its lock entries and the official MedMNIST MD5s to ./datasets.lock.json. Review the git diff:
// every changed hash is a change in output bytes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../dist/src/cli/main.js';
import { demoLockArgs, repositoryLock } from '../dist/src/lock/demo-lock.js';
import { LOCK_NAME, readLock, readLockIfExists, writeLock } from '../dist/src/lock/lockfile.js';
import { bundledOfficial, REPOSITORY_LOCK } from '../dist/src/lock/official.js';

const tmp = await mkdtemp(join(tmpdir(), 'medmnist-demo-lock-'));
try {
  const out = join(tmp, 'out');
  const args = demoLockArgs(out);
  process.stderr.write(`medmnist-build ${args.join(' ')}\n`);
  const code = await main(args);
  if (code !== 0) throw new Error(`demo build failed with exit code ${code}`);
  const lock = repositoryLock(await readLockIfExists(REPOSITORY_LOCK), await readLock(join(out, LOCK_NAME)), bundledOfficial());
  await writeLock(REPOSITORY_LOCK, lock);
  process.stderr.write(`wrote ${REPOSITORY_LOCK}: ${Object.keys(lock.datasets).join(', ')} + ${Object.keys(lock.official.files).length} official MD5s\n`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
