// narrowPlan (used when a build finds some datasets up to date) gives the plan makePlan would give for
// the remaining datasets, without scanning again: same samples, same item order, same options.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lits } from '../converters/lits/index.js';
import { makePlan, narrowPlan } from '../src/engine/plan.js';
import { cleanupTempDirs, tempDir } from './support/run-cli.js';

afterAll(cleanupTempDirs);

describe('narrowPlan', () => {
  it('equals makePlan of the kept datasets of a source whose datasets share items', async () => {
    const input = join(tempDir('plan-narrow'), 'lits');
    await lits.writeFakeDownload(input, { count: 12, seed: 0 });
    const base = { converter: lits, input, split: 'official', seed: 0, formatOptions: {} };
    const full = await makePlan({ ...base, sizes: [28], formats: ['npz'] });
    for (const flags of [['organcmnist', 'organmnist3d'], ['organsmnist'], ['organamnist', 'organcmnist', 'organsmnist', 'organmnist3d']]) {
      const fresh = await makePlan({ ...base, sizes: [28, 64], formats: ['npz', 'parquet'], datasets: flags });
      expect(narrowPlan(full, flags, [28, 64], ['npz', 'parquet'])).toEqual(fresh);
    }
  }, 120_000);
});
