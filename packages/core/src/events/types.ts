import type { LockHolder } from '../errors/lock-error.js'
import type { ErrorClass } from '../errors/provider-error.js'
import type { PlanSummary, StepOperation } from '../plan/types.js'

/** Outcome of one step of an apply. */
export type StepOutcome = 'done' | 'noop' | 'failed' | 'skipped' | 'cancelled'

/** A field that differs between the state and the cloud. */
export interface FieldDrift {
  readonly path: string
  readonly recorded: unknown
  readonly actual: unknown
}

interface Base {
  /** Monotonic across the engine's lifetime. */
  readonly seq: number
  /** Milliseconds, on the engine's clock. */
  readonly time: number
  readonly stack: string
  /** Correlates every event of one engine operation (an apply, a refresh). */
  readonly operationId: string
}

interface StepBase extends Base {
  readonly stepId: string
  readonly urn: string
  readonly operation: StepOperation
  /** Unique per step run: correlates the step's events with logs and provider calls. */
  readonly correlationId: string
}

export type EngineEvent =
  | (Base & { readonly type: 'plan-start'; readonly mode: 'update' | 'destroy'; readonly refresh: boolean })
  | (Base & { readonly type: 'plan-end'; readonly summary: PlanSummary; readonly stateVersion: number })
  | (Base & { readonly type: 'apply-start'; readonly steps: number; readonly stateVersion: number })
  | (StepBase & { readonly type: 'step-start'; readonly replacement?: 'create' | 'delete' })
  | (StepBase & { readonly type: 'step-progress'; readonly message: string })
  | (StepBase & {
      readonly type: 'step-retry'
      readonly attempt: number
      readonly delayMs: number
      readonly errorClass: ErrorClass
      readonly message: string
      readonly scope: string
    })
  | (StepBase & {
      readonly type: 'step-end'
      readonly outcome: StepOutcome
      readonly durationMs: number
      readonly error?: { readonly code: string; readonly message: string }
      /** For skipped steps: the failed step that caused the skip. */
      readonly skippedBecause?: string
    })
  | (Base & {
      readonly type: 'apply-end'
      readonly outcome: 'succeeded' | 'failed' | 'cancelled'
      readonly counts: Readonly<Record<StepOutcome, number>>
      readonly durationMs: number
      readonly stateVersion: number
    })
  | (Base & {
      readonly type: 'drift-detected'
      readonly urn: string
      readonly kind: string
      /** Fields that differ, or 'deleted' when the resource is gone from the cloud. */
      readonly drift: readonly FieldDrift[] | 'deleted'
    })
  | (Base & { readonly type: 'lock-wait'; readonly holder: LockHolder | undefined })
  | (Base & { readonly type: 'lock-broken'; readonly holder: LockHolder })
  | (Base & {
      readonly type: 'intent-resolved'
      readonly urn: string
      readonly intent: string
      readonly resolution:
        | 'adopted'
        | 'absent'
        | 'deleted-duplicate'
        | 'confirmed-gone'
        | 'still-present'
        | 'refreshed'
      readonly id?: string
    })
  | (Base & { readonly type: 'warning'; readonly message: string; readonly urn?: string })

export type EngineEventType = EngineEvent['type']

/** The event of a given type. */
export type EventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>

/** An event before the bus stamps it. */
export type EventDraft = EngineEvent extends infer E
  ? E extends EngineEvent
    ? Omit<E, 'seq' | 'time'>
    : never
  : never
