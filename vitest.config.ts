import { defineConfig } from 'vitest/config'

// One test run for the whole workspace. Workspace packages resolve to their TypeScript
// sources through the `@skyloom/source` export condition, so tests need no build step.
export default defineConfig({
  resolve: { conditions: ['@skyloom/source'] },
  ssr: { resolve: { conditions: ['@skyloom/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
