import type { EngineEvent, StepOutcome } from './types.js'

/** A step that is running now. */
export interface RunningStep {
  readonly stepId: string
  readonly urn: string
  readonly operation: string
  readonly startedAt: number
  readonly message?: string
  readonly retries: number
}

/** What a progress display needs, derived from events only. */
export interface ProgressSnapshot {
  readonly stack: string
  readonly total: number
  readonly finished: number
  readonly counts: Readonly<Record<StepOutcome, number>>
  readonly running: readonly RunningStep[]
  readonly retries: number
  readonly elapsedMs: number
  /** Rough estimate from the pace so far; undefined until a step has finished. */
  readonly remainingMs: number | undefined
}

/**
 * Folds engine events into a progress model: done/total, what runs now, retries, elapsed and
 * an estimate of the time remaining. Renderers (the CLI, the quickstart, a web UI fed by SSE)
 * use it instead of counting events themselves.
 */
export class ProgressTracker {
  #stack = ''
  #total = 0
  #startedAt: number | undefined
  #now = 0
  #retries = 0
  readonly #counts: Record<StepOutcome, number> = { done: 0, noop: 0, failed: 0, skipped: 0, cancelled: 0 }
  readonly #running = new Map<string, RunningStep>()

  /** Feeds one event; returns true when the snapshot changed. */
  update(event: EngineEvent): boolean {
    this.#now = event.time
    switch (event.type) {
      case 'apply-start':
        this.#stack = event.stack
        this.#total = event.steps
        this.#startedAt = event.time
        this.#retries = 0
        for (const key of Object.keys(this.#counts) as StepOutcome[]) this.#counts[key] = 0
        this.#running.clear()
        return true
      case 'step-start':
        this.#running.set(event.stepId, {
          stepId: event.stepId,
          urn: event.urn,
          operation: event.operation,
          startedAt: event.time,
          retries: 0,
        })
        return true
      case 'step-progress': {
        const step = this.#running.get(event.stepId)
        if (step) this.#running.set(event.stepId, { ...step, message: event.message })
        return true
      }
      case 'step-retry': {
        this.#retries++
        const step = this.#running.get(event.stepId)
        if (step)
          this.#running.set(event.stepId, {
            ...step,
            retries: step.retries + 1,
            message: `retrying: ${event.message}`,
          })
        return true
      }
      case 'step-end':
        this.#running.delete(event.stepId)
        this.#counts[event.outcome]++
        return true
      default:
        return false
    }
  }

  get snapshot(): ProgressSnapshot {
    const finished = Object.values(this.#counts).reduce((sum, count) => sum + count, 0)
    const elapsedMs = this.#startedAt === undefined ? 0 : this.#now - this.#startedAt
    const remainingMs =
      finished === 0 || finished >= this.#total
        ? finished >= this.#total
          ? 0
          : undefined
        : Math.round((elapsedMs / finished) * (this.#total - finished))
    return {
      stack: this.#stack,
      total: this.#total,
      finished,
      counts: { ...this.#counts },
      running: [...this.#running.values()],
      retries: this.#retries,
      elapsedMs,
      remainingMs,
    }
  }
}
