/**
 * A resource's identity: `stack/kind/name`. Kinds may carry a provider prefix
 * (`aws:launch-template`), names and stack names may not contain `/`.
 */
export type Urn = string

/** Logical names of stacks and resources: they end up in cloud names and tags. */
export const NAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/
/** Kinds: `network`, or a provider-native kind such as `aws:launch-template`. */
export const KIND_PATTERN = /^([a-z][a-z0-9-]*:)?[a-z][a-z0-9-]*$/

export function urnOf(stack: string, kind: string, name: string): Urn {
  return `${stack}/${kind}/${name}`
}

export interface ParsedUrn {
  readonly stack: string
  readonly kind: string
  readonly name: string
}

/** Splits a URN; returns undefined when `urn` is not of the form `stack/kind/name`. */
export function parseUrn(urn: string): ParsedUrn | undefined {
  const parts = urn.split('/')
  if (parts.length !== 3) return undefined
  const [stack, kind, name] = parts as [string, string, string]
  if (!NAME_PATTERN.test(stack) || !KIND_PATTERN.test(kind) || !NAME_PATTERN.test(name)) return undefined
  return { stack, kind, name }
}

export function describeNameRule(): string {
  return '1 to 63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit'
}
