import { randomUUID } from 'node:crypto'
import { type Clock, systemClock } from '../clock/clock.js'
import { ownershipOf } from '../model/ownership.js'
import { urnOf } from '../model/urn.js'
import type { Logger, MutationContext } from '../provider/contract.js'

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

export interface TestContextOptions {
  readonly stack?: string
  readonly kind?: string
  readonly name?: string
  readonly idempotencyKey?: string
  readonly clock?: Clock
  readonly signal?: AbortSignal
  readonly providerOptions?: Readonly<Record<string, unknown>>
  readonly logger?: Logger
}

/**
 * An operation context for calling a provider's handlers directly in tests, the way the
 * engine would: ownership tags for `stack/kind/name`, a fresh idempotency key, real time.
 */
export function testContext(options: TestContextOptions = {}): MutationContext {
  const stack = options.stack ?? 'test'
  const kind = options.kind ?? 'instance'
  const name = options.name ?? 'example'
  const urn = urnOf(stack, kind, name)
  return {
    urn,
    stack,
    kind,
    name,
    ownership: ownershipOf(stack, urn),
    signal: options.signal ?? new AbortController().signal,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    providerOptions: options.providerOptions,
    idempotencyKey: options.idempotencyKey ?? randomUUID(),
    acquire: async () => {},
    progress: () => {},
  }
}
