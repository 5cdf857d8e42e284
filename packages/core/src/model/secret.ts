const SECRET = Symbol.for('skyloom.secret')
const INSPECT = Symbol.for('nodejs.util.inspect.custom')
const REDACTED = '(secret)'

/**
 * A sensitive value. It prints as `(secret)` in plans, events, logs, `JSON.stringify` and
 * `console.log`; the state stores it encrypted (or only a fingerprint when no key is set).
 * Only `reveal()` gives the value back.
 */
export class Secret<T = string> {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [SECRET] = true
  readonly #value: T | undefined
  readonly #known: boolean
  /** Keyed fingerprint used to detect changes without the value; set on secrets read from state. */
  readonly fingerprint: string | undefined
  /** @internal Ciphertext read from the state, kept so a rewrite without the key does not lose it. */
  readonly sealed: string | undefined

  /** @internal Use {@link secret} to make one. */
  constructor(value: T | undefined, known: boolean, fingerprint?: string, sealed?: string) {
    this.#value = value
    this.#known = known
    this.fingerprint = fingerprint
    this.sealed = sealed
  }

  /** Whether the plaintext is available (it is not for a secret stored without a state key). */
  get known(): boolean {
    return this.#known
  }

  /** The plaintext. Throws when the state kept only a fingerprint of it. */
  reveal(): T {
    if (!this.#known) {
      throw new Error(
        'This secret was stored as a fingerprint only, so its value is not available. Configure a state key (passphrase or key provider) to keep secret values, encrypted, in the state.',
      )
    }
    return this.#value as T
  }

  toJSON(): { $secret: true } {
    return { $secret: true }
  }

  toString(): string {
    return REDACTED
  }

  [INSPECT](): string {
    return REDACTED
  }
}

/** Marks `value` as sensitive: redacted everywhere it is shown, encrypted at rest. */
export function secret<T>(value: T): Secret<T> {
  return new Secret(value, true)
}

/** True for values made by {@link secret} (works across duplicate installs). */
export function isSecret(value: unknown): value is Secret<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SECRET] === true
}

/** The text shown in place of a secret. */
export const SECRET_PLACEHOLDER = REDACTED

/** Returns `value` with every secret replaced by its plaintext (for provider calls). */
export function revealSecrets<T>(value: T): T {
  if (isSecret(value)) return value.reveal() as T
  if (Array.isArray(value)) return value.map(revealSecrets) as T
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) out[key] = revealSecrets(inner)
    return out as T
  }
  return value
}

/** True if `value` holds a secret anywhere inside it. */
export function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true
  if (Array.isArray(value)) return value.some(containsSecret)
  if (isPlainObject(value)) return Object.values(value).some(containsSecret)
  return false
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
