import { SkyloomError } from './skyloom-error.js'

const MARKER = 'skyloom.error.validation'
const SYMBOL = Symbol.for(MARKER)

/** One problem found in a stack: where it is, what is wrong, and usually what to do. */
export interface ValidationIssue {
  /** Where: a URN, optionally followed by a field path (`web/subnet/a.props.cidr`). */
  readonly path: string
  /** What is wrong and, when we can tell, how to fix it. */
  readonly message: string
  /** Stable rule identifier, e.g. `cidr-outside-network`. */
  readonly rule: string
}

/** A stack (or a plan's input) failed validation. Carries every issue found, not only the first. */
export class ValidationError extends SkyloomError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  readonly issues: readonly ValidationIssue[]

  constructor(issues: readonly ValidationIssue[], subject = 'stack', code = 'SKYLOOM_VALIDATION') {
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`)
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
    super(code, `The ${subject} has ${count}:\n${lines.join('\n')}`)
    this.name = 'ValidationError'
    this.issues = issues
  }

  static override isInstance(error: unknown): error is ValidationError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
