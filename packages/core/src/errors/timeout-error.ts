import { SkyloomError } from './skyloom-error.js'

const MARKER = 'skyloom.error.timeout'
const SYMBOL = Symbol.for(MARKER)

/** An operation ran past its time limit (resource `timeouts`, or the engine default). */
export class TimeoutError extends SkyloomError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  readonly urn: string
  readonly operation: string
  readonly limitMs: number

  constructor(urn: string, operation: string, limitMs: number) {
    super(
      'SKYLOOM_TIMEOUT',
      `${operation} of ${urn} did not finish within ${Math.round(limitMs / 1000)} s. If the cloud is just slow, raise the resource's timeouts.${operation} option; the resource is kept in the state so nothing is orphaned.`,
    )
    this.name = 'TimeoutError'
    this.urn = urn
    this.operation = operation
    this.limitMs = limitMs
  }

  static override isInstance(error: unknown): error is TimeoutError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
