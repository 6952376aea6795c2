import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
      'dashboard/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});

// vitest loads the default export of its config file; this is the one place it is required.
// eslint-disable-next-line no-restricted-syntax
export default config;
