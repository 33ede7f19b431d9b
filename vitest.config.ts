import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real Chromium, namespaces and real commands: slow machines need room, never a timed assertion.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
