import { createHmac } from 'node:crypto'
import { isOutputRef } from './reference.js'
import { isPlainObject, isSecret, type Secret } from './secret.js'

const fingerprints = new WeakMap<Secret<unknown>, Map<string, string>>()

/**
 * A keyed fingerprint of a secret's value: lets the planner see that a secret changed without
 * storing it. Keyed by the stack's random salt so equal secrets in two stacks differ.
 */
export function fingerprintSecret(value: Secret<unknown>, salt: string): string {
  if (value.fingerprint !== undefined) return value.fingerprint
  let bySalt = fingerprints.get(value)
  if (!bySalt) {
    bySalt = new Map()
    fingerprints.set(value, bySalt)
  }
  let fp = bySalt.get(salt)
  if (fp === undefined) {
    fp = createHmac('sha256', salt).update(JSON.stringify(value.reveal())).digest('base64url').slice(0, 32)
    bySalt.set(salt, fp)
  }
  return fp
}

/** Structural equality for prop values; secrets compare by fingerprint, references by target. */
export function valuesEqual(a: unknown, b: unknown, salt: string): boolean {
  if (a === b) return true
  if (isSecret(a) || isSecret(b)) {
    return isSecret(a) && isSecret(b) && fingerprintSecret(a, salt) === fingerprintSecret(b, salt)
  }
  if (isOutputRef(a) || isOutputRef(b)) {
    return isOutputRef(a) && isOutputRef(b) && a.urn === b.urn && a.path === b.path
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let index = 0; index < a.length; index++) if (!valuesEqual(a[index], b[index], salt)) return false
    return true
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a).filter((key) => a[key] !== undefined)
    const keysB = Object.keys(b).filter((key) => b[key] !== undefined)
    if (keysA.length !== keysB.length) return false
    for (const key of keysA) if (!valuesEqual(a[key], b[key], salt)) return false
    return true
  }
  return false
}

/** Reads a dotted path (`tags.owner`) from a props object. */
export function getPath(value: unknown, path: string): unknown {
  let node = value
  for (const part of path.split('.')) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** Returns a copy of `value` with `path` set (or removed when `next` is undefined). */
export function withPath(
  value: Record<string, unknown>,
  path: string,
  next: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path.split('.') as [string, ...string[]]
  const copy: Record<string, unknown> = { ...value }
  if (rest.length === 0) {
    if (next === undefined) delete copy[head]
    else copy[head] = next
    return copy
  }
  const child = isPlainObject(copy[head]) ? (copy[head] as Record<string, unknown>) : {}
  copy[head] = withPath(child, rest.join('.'), next)
  return copy
}

/** Maps every leaf of a JSON-like value, keeping structure (plain objects and arrays). */
export function mapLeaves(value: unknown, fn: (leaf: unknown) => unknown): unknown {
  if (isSecret(value) || isOutputRef(value)) return fn(value)
  if (Array.isArray(value)) return value.map((item) => mapLeaves(item, fn))
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) out[key] = mapLeaves(inner, fn)
    return out
  }
  return fn(value)
}
