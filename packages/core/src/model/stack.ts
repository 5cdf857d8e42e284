import type { ProviderV1 } from '../provider/contract.js'
import { OutputRef } from './reference.js'
import type { OutputRefs, ResourceDeclaration, ResourceHandle, ResourceOptions } from './resource.js'
import { urnOf } from './urn.js'

const STACK = Symbol.for('skyloom.stack')

export interface StackOptions {
  /** Provider for every resource that does not name its own. */
  readonly provider: ProviderV1
  /**
   * Further providers the stack uses. Providers named on resources are found on their own;
   * list here a provider that only manages resources being removed, so they can be deleted.
   */
  readonly providers?: readonly ProviderV1[]
  /** Tags added to every resource that has tags; a resource's own tags win. */
  readonly tags?: Readonly<Record<string, string>>
}

/** A resource as added to a stack. */
export interface StackResource {
  readonly urn: string
  readonly kind: string
  readonly name: string
  readonly props: Readonly<Record<string, unknown>>
  readonly options: ResourceOptions
  readonly provider: ProviderV1
}

/**
 * A named set of resources: the unit of planning, locking and state. A stack is only a
 * description; nothing touches a cloud until an engine applies a plan of it.
 */
export class Stack {
  /** @internal Brand checked by `isInstance` (works across duplicate installs). */
  readonly [STACK] = true
  readonly name: string
  readonly provider: ProviderV1
  readonly tags: Readonly<Record<string, string>>
  readonly #extraProviders: readonly ProviderV1[]
  readonly #resources: StackResource[] = []

  constructor(name: string, options: StackOptions) {
    if (!options || typeof options.provider !== 'object' || options.provider === null) {
      throw new TypeError(
        `createStack("${name}") needs a provider, e.g. createStack("${name}", { provider: sim() }).`,
      )
    }
    this.name = name
    this.provider = options.provider
    this.tags = options.tags ?? {}
    this.#extraProviders = options.providers ?? []
  }

  /** Adds a resource and returns typed references to its outputs. Problems are reported by `plan`. */
  add<K extends string, O>(declaration: ResourceDeclaration<K, O>): ResourceHandle<K, O> {
    if (typeof declaration !== 'object' || declaration === null || typeof declaration.kind !== 'string') {
      throw new TypeError('stack.add() takes a declaration such as network("net", { cidr: "10.0.0.0/16" }).')
    }
    const urn = urnOf(this.name, declaration.kind, declaration.name)
    this.#resources.push({
      urn,
      kind: declaration.kind,
      name: declaration.name,
      props: declaration.props,
      options: declaration.options ?? {},
      provider: declaration.options?.provider ?? this.provider,
    })
    return this.ref<O, K>(declaration.kind as K, declaration.name)
  }

  /** A handle to a resource by kind and name, for references to resources added later. */
  ref<O = Record<string, unknown>, K extends string = string>(kind: K, name: string): ResourceHandle<K, O> {
    const urn = urnOf(this.name, kind, name)
    const out = new Proxy(
      {},
      {
        get: (_target, key) => (typeof key === 'string' ? new OutputRef(urn, key) : undefined),
      },
    ) as OutputRefs<O>
    return { urn, kind, name, stack: this.name, out }
  }

  /** The resources in the order they were added. */
  get resources(): readonly StackResource[] {
    return this.#resources
  }

  /** Every provider the stack uses: the default, those named on resources, and extras. */
  get providers(): readonly ProviderV1[] {
    const all = new Set<ProviderV1>([this.provider, ...this.#extraProviders])
    for (const resource of this.#resources) all.add(resource.provider)
    return [...all]
  }

  static isInstance(value: unknown): value is Stack {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STACK] === true
  }
}

/** Creates an empty stack. */
export function createStack(name: string, options: StackOptions): Stack {
  return new Stack(name, options)
}
