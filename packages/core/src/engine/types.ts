import type { Clock } from '../clock/clock.js'
import type { SkyloomError } from '../errors/skyloom-error.js'
import type { FieldDrift, StepOutcome } from '../events/types.js'
import type { Duration } from '../model/duration.js'
import type { Stack } from '../model/stack.js'
import type { Plan, StepOperation } from '../plan/types.js'
import type { Logger } from '../provider/contract.js'
import type { RetryPolicy } from '../scheduler/backoff.js'
import type { ScopeStats } from '../scheduler/scope-limiter.js'
import type { StateStore } from '../state/store.js'

export interface EngineOptions {
  /** Where states live. Default: `fileState()` in `.skyloom/state`. */
  readonly state?: StateStore
  /** Time source for every wait. Default real time; pass a VirtualClock for simulations. */
  readonly clock?: Clock
  /** Receives debug, info, warn and error records; console and pino both fit. Silent by default. */
  readonly logger?: Logger
  /** Most provider calls in flight at once, across all stacks and scopes. Default 256. */
  readonly maxConcurrentCalls?: number
  /** Retry policy overrides. */
  readonly retry?: Partial<RetryPolicy>
  /** Randomness for backoff jitter; seed it for repeatable simulations. Default Math.random. */
  readonly random?: () => number
  /** Lock owner shown to others; default `user@host`. */
  readonly owner?: string
  /** Lease of a stack lock; renewed every third of it. Default 60 s. */
  readonly lockLease?: Duration
  /** How long to wait for a stack locked by someone else. Default 0: fail at once with a LockError. */
  readonly lockTimeout?: Duration
  /** Time limit for one create, update or delete (wait included) when the resource sets none. Default 30 min. */
  readonly defaultTimeout?: Duration
}

export interface ApplyOptions {
  /** Cancels the operation: no new steps start, waits stop, the state is flushed. */
  readonly signal?: AbortSignal
  /** Stop starting steps after the first failure (default: independent branches go on). */
  readonly failFast?: boolean
  /** The stack the plan was made from: needed for a plan read back from JSON. */
  readonly stack?: Stack
  /**
   * Writes the apply report (one self-contained HTML file: the timeline per scope with the
   * critical path, retries and failures, the plan's graph, the summary) to this path, or
   * hands the HTML to this function.
   */
  readonly report?: string | ((html: string) => void | Promise<void>)
}

export interface UpOptions extends Omit<ApplyOptions, 'stack'> {
  /** Read every resource from the cloud first and plan against what is really there. */
  readonly refresh?: boolean
}

/** What happened to one step. */
export interface StepResult {
  readonly stepId: string
  readonly urn: string
  readonly operation: StepOperation
  readonly replacement?: 'create' | 'delete'
  /** Provider and rate-limit scope of the step's first call, e.g. `sim/sim-east-1/run-instances`. */
  readonly scope: string
  readonly outcome: StepOutcome
  readonly startedAt?: number
  readonly durationMs: number
  readonly retries: number
  readonly error?: SkyloomError
  /** For skipped steps: the failed step that caused the skip. */
  readonly skippedBecause?: string
}

/** The result of an apply (or up, or destroy). */
export interface ApplyResult {
  readonly stack: string
  readonly operationId: string
  /** True when every step ended done or noop. */
  readonly ok: boolean
  readonly outcome: 'succeeded' | 'failed' | 'cancelled'
  readonly steps: readonly StepResult[]
  readonly counts: Readonly<Record<StepOutcome, number>>
  readonly startedAt: number
  readonly durationMs: number
  /** State version after the apply. */
  readonly stateVersion: number
  /** Calls and throttled calls per rate-limit scope during this apply. */
  readonly apiCalls: Readonly<Record<string, ScopeStats>>
  /** Outputs of every resource of the stack, by URN (secrets stay `Secret` objects). */
  readonly outputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** The plan that was applied. */
  readonly plan: Plan
}

/** Drift of one resource, found by refresh. */
export interface ResourceDrift {
  readonly urn: string
  readonly kind: string
  readonly status: 'in-sync' | 'drifted' | 'deleted' | 'unreadable'
  readonly fields: readonly FieldDrift[]
}

export interface RefreshResult {
  readonly stack: string
  readonly operationId: string
  readonly resources: readonly ResourceDrift[]
  /** Resources that differ from the state or are gone. */
  readonly drifted: readonly ResourceDrift[]
  readonly stateVersion: number
}

export interface AdoptResult {
  readonly adopted: ReadonlyArray<{ readonly urn: string; readonly id: string }>
  readonly stateVersion: number
}
