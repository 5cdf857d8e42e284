import { SkyloomError } from './skyloom-error.js'

const MARKER = 'skyloom.error.protected'
const SYMBOL = Symbol.for(MARKER)

/** A change would delete or replace a resource marked `protect: true`. */
export class ProtectedResourceError extends SkyloomError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  readonly urns: readonly string[]

  constructor(urns: readonly string[], action: string) {
    const list = urns.map((urn) => `  - ${urn}`).join('\n')
    super(
      'SKYLOOM_PROTECTED',
      `Refusing to ${action} protected resources:\n${list}\nSet protect: false on them and apply, then retry.`,
    )
    this.name = 'ProtectedResourceError'
    this.urns = urns
  }

  static override isInstance(error: unknown): error is ProtectedResourceError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
