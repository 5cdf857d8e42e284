const MARKER = 'skyloom.error'
const SYMBOL = Symbol.for(MARKER)

/**
 * The root of every error Skyloom throws. `code` is stable across versions; use it (or the
 * `isInstance` guards) rather than `instanceof`, which fails when two copies of the package
 * are installed side by side.
 */
export class SkyloomError extends Error {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SYMBOL] = true
  /** Stable, machine-readable code such as `SKYLOOM_VALIDATION`. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SkyloomError'
    this.code = code
  }

  static isInstance(error: unknown): error is SkyloomError {
    return SkyloomError.hasMarker(error, MARKER)
  }

  /** True when `error` was built by the subclass whose marker is `marker`. */
  protected static hasMarker(error: unknown, marker: string): boolean {
    const symbol = Symbol.for(marker)
    return (
      typeof error === 'object' &&
      error !== null &&
      symbol in error &&
      (error as Record<symbol, unknown>)[symbol] === true
    )
  }
}
