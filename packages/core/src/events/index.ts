export { EventBus } from './event-bus.js'
export { type ProgressSnapshot, ProgressTracker, type RunningStep } from './progress.js'
export type { EngineEvent, EngineEventType, EventOf, FieldDrift, StepOutcome } from './types.js'
