import { SkyloomError } from './skyloom-error.js'

const MARKER = 'skyloom.error.lock'
const SYMBOL = Symbol.for(MARKER)

/** Who holds a stack's lock. */
export interface LockHolder {
  readonly owner: string
  readonly host: string
  readonly pid: number
  readonly operation: string
  readonly acquiredAt: string
  readonly leaseUntil: string
}

/** The stack is locked by another operation. */
export class LockError extends SkyloomError {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  /** The locked stack's name. */
  readonly stackName: string
  readonly holder: LockHolder | undefined

  constructor(stack: string, holder: LockHolder | undefined, detail?: string) {
    const who = holder
      ? `${holder.owner} (${holder.operation}, pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt}, lease until ${holder.leaseUntil})`
      : 'another operation'
    super(
      'SKYLOOM_LOCKED',
      `Stack "${stack}" is locked by ${who}.${detail ? ` ${detail}` : ''} Wait for it to finish, pass lockTimeout to wait, or run forceUnlock if that process is gone.`,
    )
    this.name = 'LockError'
    this.stackName = stack
    this.holder = holder
  }

  static override isInstance(error: unknown): error is LockError {
    return SkyloomError.hasMarker(error, MARKER)
  }
}
