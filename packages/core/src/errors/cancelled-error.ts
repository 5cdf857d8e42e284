import { SkyloomError } from './skyloom-error.js'

const MARKER = 'skyloom.error.cancelled'
const SYMBOL = Symbol.for(MARKER)

/** The operation was cancelled through its AbortSignal before it could finish. */
export class CancelledError extends SkyloomError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true

  constructor(message = 'The operation was cancelled.', options?: { cause?: unknown }) {
    super('SKYLOOM_CANCELLED', message, options)
    this.name = 'CancelledError'
  }

  static override isInstance(error: unknown): error is CancelledError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
