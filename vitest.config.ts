import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'converters/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Several tests spawn the CLI and Python; keep the two cores from thrashing.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
