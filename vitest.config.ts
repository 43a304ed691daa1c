import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['spec/**/*.test.ts', 'models/**/*.test.ts', 'src/**/*.test.ts', 'properties/**/*.prop.ts', 'properties/**/*.test.ts'],
    isolate: false,
    testTimeout: 120_000,
  },
});
