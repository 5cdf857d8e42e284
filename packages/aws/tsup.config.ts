import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  splitting: true,
  // The AWS SDKs stay external and are imported on first use, never at import time.
  external: ['@aws-sdk/client-ec2', '@aws-sdk/client-auto-scaling'],
})
