export { CancelledError } from './cancelled-error.js'
export { CycleError } from './cycle-error.js'
export { LockError, type LockHolder } from './lock-error.js'
export { ProtectedResourceError } from './protected-resource-error.js'
export {
  type ErrorClass,
  type ErrorClassification,
  ProviderError,
  type ProviderErrorOptions,
} from './provider-error.js'
export { SkyloomError } from './skyloom-error.js'
export { StalePlanError } from './stale-plan-error.js'
export { StateError } from './state-error.js'
export { TimeoutError } from './timeout-error.js'
export { ValidationError, type ValidationIssue } from './validation-error.js'
