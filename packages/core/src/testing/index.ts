export { ManualClock } from '../clock/manual-clock.js'
export { VirtualClock } from '../clock/virtual-clock.js'
export { silentLogger, type TestContextOptions, testContext } from './context.js'
export { MockCloud, type MockCloudResource } from './mock-cloud.js'
export {
  createMockProvider,
  type MockCallCounts,
  type MockProvider,
  type MockProviderOptions,
} from './mock-provider.js'
