import { isOutputRef } from '../model/reference.js'
import { isPlainObject, isSecret, Secret } from '../model/secret.js'
import { fingerprintSecret, valuesEqual } from '../model/values.js'
import type { WorkingState } from '../state/journal.js'

export interface ResolvedProps {
  readonly props: Record<string, unknown>
  /** References whose value is not there: `path -> urn.output`. */
  readonly missing: readonly string[]
}

export interface PreparedProps {
  /** For the state: references resolved, secrets fingerprinted. */
  readonly sealed: Record<string, unknown>
  /** For the provider: references resolved, secrets revealed. */
  readonly revealed: Record<string, unknown>
  readonly missing: readonly string[]
}

/**
 * Resolves references and prepares both forms of a resource's props in one walk. Subtrees with
 * neither references nor secrets are shared, not copied: an apply of thousands of resources
 * should not copy every tag map three times.
 */
export function prepareProps(
  props: Readonly<Record<string, unknown>>,
  state: WorkingState,
  learn: (secret: Secret<unknown>) => void,
): PreparedProps {
  const missing: string[] = []
  const salt = state.salt
  const walk = (value: unknown, path: string): [sealed: unknown, revealed: unknown] => {
    if (isOutputRef(value)) {
      const resolved = state.resources[value.urn]?.outputs[value.path]
      if (resolved === undefined) missing.push(`${path} -> ${value.urn}.${value.path}`)
      return walk(resolved, path)
    }
    if (isSecret(value)) {
      learn(value)
      const sealed =
        value.fingerprint !== undefined
          ? value
          : new Secret(value.reveal(), true, fingerprintSecret(value, salt))
      return [sealed, value.known ? value.reveal() : undefined]
    }
    if (Array.isArray(value)) {
      let changed = false
      const sealed: unknown[] = []
      const revealed: unknown[] = []
      for (let index = 0; index < value.length; index++) {
        const [s, r] = walk(value[index], `${path}[${index}]`)
        if (s !== value[index] || r !== value[index]) changed = true
        sealed.push(s)
        revealed.push(r)
      }
      return changed ? [sealed, revealed] : [value, value]
    }
    if (isPlainObject(value)) {
      let changed = false
      const sealed: Record<string, unknown> = {}
      const revealed: Record<string, unknown> = {}
      for (const key in value) {
        const inner = value[key]
        const [s, r] = walk(inner, path ? `${path}.${key}` : key)
        if (s !== inner || r !== inner) changed = true
        sealed[key] = s
        revealed[key] = r
      }
      return changed ? [sealed, revealed] : [value, value]
    }
    return [value, value]
  }
  const [sealed, revealed] = walk(props, '')
  return { sealed: sealed as Record<string, unknown>, revealed: revealed as Record<string, unknown>, missing }
}

/** Replaces references by the live outputs of the resources they name. */
export function resolveRefs(props: Readonly<Record<string, unknown>>, state: WorkingState): ResolvedProps {
  const missing: string[] = []
  const walk = (value: unknown, path: string): unknown => {
    if (isOutputRef(value)) {
      const resolved = state.resources[value.urn]?.outputs[value.path]
      if (resolved === undefined) missing.push(`${path} -> ${value.urn}.${value.path}`)
      return resolved
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, `${path}[${index}]`))
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {}
      for (const [key, inner] of Object.entries(value)) out[key] = walk(inner, path ? `${path}.${key}` : key)
      return out
    }
    return value
  }
  return { props: walk(props, '') as Record<string, unknown>, missing }
}

/** Gives every secret its fingerprint (keyed by the stack's salt) before it goes to the state. */
export function sealSecrets<T>(value: T, salt: string): T {
  if (isSecret(value)) {
    if (value.fingerprint !== undefined) return value
    return new Secret(value.reveal(), true, fingerprintSecret(value, salt)) as T
  }
  if (Array.isArray(value)) return value.map((item) => sealSecrets(item, salt)) as T
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) out[key] = sealSecrets(inner, salt)
    return out as T
  }
  return value
}

/**
 * Props as a provider receives them: secrets revealed. A secret the state kept only as a
 * fingerprint (no state key) is passed as undefined.
 */
export function revealForProvider<T>(value: T): T {
  if (isSecret(value)) return (value.known ? value.reveal() : undefined) as T
  if (Array.isArray(value)) return value.map(revealForProvider) as T
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) out[key] = revealForProvider(inner)
    return out as T
  }
  return value
}

/** Top-level props whose values differ. */
export function changedKeys(
  current: Readonly<Record<string, unknown>>,
  desired: Readonly<Record<string, unknown>>,
  salt: string,
): string[] {
  const keys = new Set([...Object.keys(current), ...Object.keys(desired)])
  return [...keys].filter((key) => !valuesEqual(current[key], desired[key], salt))
}

/**
 * Compares a value read from the cloud with the recorded one. Clouds return secrets in plain
 * text (or not at all): a plain value is compared with a recorded secret by fingerprint.
 */
export function observedEquals(recorded: unknown, actual: unknown, salt: string): boolean {
  if (isSecret(recorded) && !isSecret(actual) && actual !== undefined) {
    return fingerprintSecret(recorded, salt) === fingerprintSecret(new Secret(actual, true), salt)
  }
  // Clouds return lists of ids (security groups, subnets) in their own order.
  if (
    Array.isArray(recorded) &&
    Array.isArray(actual) &&
    recorded.length === actual.length &&
    [...recorded, ...actual].every(isPrimitive)
  ) {
    const sorted = (list: unknown[]) => list.map((item) => JSON.stringify(item)).sort()
    return sorted(recorded).join('\u0000') === sorted(actual).join('\u0000')
  }
  return valuesEqual(recorded, actual, salt)
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function')
}

/**
 * Props as recorded after reading a resource: the cloud's values win for what it reports; a
 * value that was secret stays secret (clouds return it in plain text, or not at all).
 */
export function mergeObserved(
  base: Readonly<Record<string, unknown>>,
  observed: Readonly<Record<string, unknown | null>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(observed)) {
    if (value === undefined) continue
    if (value === null) {
      delete out[key]
      continue
    }
    // Same contents in another order: keep the recorded order, so plans see no change.
    if (observedEquals(base[key], value, '')) continue
    out[key] = isSecret(base[key]) && !isSecret(value) ? new Secret(value, true) : value
  }
  return out
}
