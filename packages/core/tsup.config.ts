import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/provider.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  splitting: true,
})
