/**
 * Test helpers: a mock provider over an in-memory or file-backed cloud, and controllable
 * clocks. `import { createMockProvider } from '@skyloom/core/testing'`.
 * @packageDocumentation
 */
export * from './testing/index.js'
