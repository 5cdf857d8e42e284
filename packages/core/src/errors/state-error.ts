import { SkyloomError } from './skyloom-error.js'

const MARKER = 'skyloom.error.state'
const SYMBOL = Symbol.for(MARKER)

/** The state could not be read, written or trusted. `location` names the file or table. */
export class StateError extends SkyloomError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  readonly location: string | undefined

  constructor(message: string, options?: { location?: string; cause?: unknown }) {
    super('SKYLOOM_STATE', message, options)
    this.name = 'StateError'
    this.location = options?.location
  }

  static override isInstance(error: unknown): error is StateError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
