import { SkyloomError } from './skyloom-error.js'
import { ValidationError, type ValidationIssue } from './validation-error.js'

const MARKER = 'skyloom.error.cycle'
const SYMBOL = Symbol.for(MARKER)

/**
 * The stack's dependencies form a cycle. `cycle` lists the URNs in order, the first repeated
 * last. It is a ValidationError, so any other problems found at the same time are in `issues`.
 */
export class CycleError extends ValidationError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  readonly cycle: readonly string[]

  constructor(cycle: readonly string[], otherIssues: readonly ValidationIssue[] = []) {
    super(
      [
        {
          path: cycle[0] ?? '',
          rule: 'cycle',
          message: `dependency cycle ${cycle.join(' -> ')}; remove one of these references or dependsOn entries`,
        },
        ...otherIssues,
      ],
      'stack',
      'SKYLOOM_CYCLE',
    )
    this.name = 'CycleError'
    this.cycle = cycle
  }

  static override isInstance(error: unknown): error is CycleError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
