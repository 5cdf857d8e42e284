import type { ApplyResult } from '../engine/types.js'
import type { ErrorClass } from '../errors/provider-error.js'
import type { EngineEvent, StepOutcome } from '../events/types.js'
import type { Plan, StepOperation } from '../plan/types.js'

/** One retry of a step's call, relative to the apply's start. */
export interface RetryMark {
  readonly at: number
  readonly delayMs: number
  readonly errorClass: ErrorClass
  readonly attempt: number
}

/** One step as the report draws it; times in ms relative to the apply's start. */
export interface TimelineStep {
  readonly id: string
  readonly urn: string
  readonly kind: string
  readonly operation: StepOperation
  readonly scope: string
  readonly outcome: StepOutcome
  readonly dependsOn: readonly string[]
  /** Undefined for steps that never started (skipped, cancelled before starting). */
  readonly start: number | undefined
  readonly end: number | undefined
  /**
   * When the step's first progress event came: the cloud had accepted the request and the
   * engine was waiting for the resource. Before it the step was queued for its scope (rate
   * limits) or calling; undefined when the step reported no progress.
   */
  readonly acceptedAt: number | undefined
  readonly retries: readonly RetryMark[]
  /** Redacted error message of a failed step. */
  readonly error: string | undefined
  readonly skippedBecause: string | undefined
}

/** The apply as the report sees it. */
export interface TimelineModel {
  readonly steps: readonly TimelineStep[]
  readonly byId: ReadonlyMap<string, TimelineStep>
  /** The apply's duration, ms. */
  readonly makespan: number
}

/**
 * Joins the plan (dependencies, kinds), the result (outcomes, scopes, times) and the events
 * of this apply (retries, progress, redacted errors) into one list of steps. Events of other
 * operations are ignored, so a caller may pass the engine's whole event log.
 */
export function buildTimeline(
  plan: Plan,
  result: ApplyResult,
  events: readonly EngineEvent[],
): TimelineModel {
  const origin = result.startedAt
  const planned = new Map(plan.steps.map((step) => [step.id, step]))
  const retries = new Map<string, RetryMark[]>()
  const accepted = new Map<string, number>()
  const errors = new Map<string, string>()
  for (const event of events) {
    if (event.operationId !== result.operationId) continue
    if (event.type === 'step-retry') {
      const list = retries.get(event.stepId) ?? []
      list.push({
        at: event.time - origin,
        delayMs: event.delayMs,
        errorClass: event.errorClass,
        attempt: event.attempt,
      })
      retries.set(event.stepId, list)
    } else if (event.type === 'step-progress') {
      if (!accepted.has(event.stepId)) accepted.set(event.stepId, event.time - origin)
    } else if (event.type === 'step-end' && event.error) {
      errors.set(event.stepId, event.error.message)
    }
  }
  const steps = result.steps.map((step): TimelineStep => {
    const planStep = planned.get(step.stepId)
    const start = step.startedAt === undefined ? undefined : step.startedAt - origin
    return {
      id: step.stepId,
      urn: step.urn,
      kind: planStep?.kind ?? step.urn.split('/')[1] ?? '',
      operation: step.operation,
      scope: step.scope,
      outcome: step.outcome,
      dependsOn: planStep?.dependsOn ?? [],
      start,
      end: start === undefined ? undefined : start + step.durationMs,
      acceptedAt: accepted.get(step.stepId),
      retries: retries.get(step.stepId) ?? [],
      // The event's message went through the engine's redactor; prefer it to the error object.
      error: errors.get(step.stepId) ?? step.error?.message,
      skippedBecause: step.skippedBecause,
    }
  })
  return { steps, byId: new Map(steps.map((step) => [step.id, step])), makespan: result.durationMs }
}
