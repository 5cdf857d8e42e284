const REF = Symbol.for('skyloom.ref')

/**
 * A value another resource will produce once it exists, e.g. `net.out.id`. Passing one as a
 * prop makes a dependency; the engine substitutes the real value at apply time and the plan
 * shows it as "known after apply" until then.
 */
export class OutputRef<T = unknown> {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [REF] = true
  /** Phantom field carrying the value's type; never set at run time. */
  declare readonly __type?: T

  constructor(
    /** URN of the resource that produces the value. */
    readonly urn: string,
    /** Output field, e.g. `id`. */
    readonly path: string,
  ) {}

  toJSON(): SerializedRef {
    return { $ref: this.urn, path: this.path }
  }

  toString(): string {
    return `\${${this.urn}.${this.path}}`
  }
}

/** A reference as it appears in a serialized plan. */
export interface SerializedRef {
  readonly $ref: string
  readonly path: string
}

/** A prop value that may be given directly or as a reference to another resource's output. */
export type Input<T> = T | OutputRef<T>

export function isOutputRef(value: unknown): value is OutputRef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REF] === true
}

export function isSerializedRef(value: unknown): value is SerializedRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { $ref?: unknown }).$ref === 'string' &&
    typeof (value as { path?: unknown }).path === 'string' &&
    Object.keys(value).length === 2
  )
}

/** Every reference inside `value`, with the prop path where it sits. */
export function collectRefs(value: unknown, path = ''): Array<{ path: string; ref: OutputRef }> {
  const found: Array<{ path: string; ref: OutputRef }> = []
  const walk = (node: unknown, at: string): void => {
    if (isOutputRef(node)) {
      found.push({ path: at, ref: node })
    } else if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) walk(node[index], `${at}[${index}]`)
    } else if (
      typeof node === 'object' &&
      node !== null &&
      Object.getPrototypeOf(node) === Object.prototype
    ) {
      for (const [key, inner] of Object.entries(node)) walk(inner, at ? `${at}.${key}` : key)
    }
  }
  walk(value, path)
  return found
}
