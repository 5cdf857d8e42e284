import { defineConfig } from 'tsup'

export default defineConfig([
  // The library: runCli and the stack module loader, for embedders and tests.
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node22',
    splitting: true,
  },
  // The `skyloom` binary: ESM only, with the #! line that lets the shell run it.
  {
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node22',
    banner: { js: '#!/usr/bin/env node' },
  },
])
