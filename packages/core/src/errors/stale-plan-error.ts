import { SkyloomError } from './skyloom-error.js'

const MARKER = 'skyloom.error.stale-plan'
const SYMBOL = Symbol.for(MARKER)

/** The plan was made against a state version that has since moved. */
export class StalePlanError extends SkyloomError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  readonly planned: number
  readonly current: number

  constructor(stack: string, planned: number, current: number) {
    super(
      'SKYLOOM_STALE_PLAN',
      `The plan for stack "${stack}" was made against state version ${planned}, but the state is now at version ${current}. Plan again and review the new plan.`,
    )
    this.name = 'StalePlanError'
    this.planned = planned
    this.current = current
  }

  static override isInstance(error: unknown): error is StalePlanError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
