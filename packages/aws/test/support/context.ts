import type { MutationContext } from '@skyloom/core/provider'
import { testContext } from '@skyloom/core/testing'

export type { MutationContext }

/** Tokens the handler asked for beyond the one the engine prepaid, by scope. */
export type Acquired = Record<string, number>

/**
 * A context as the engine would pass it: ownership tags for `stack/kind/name`, a fresh (or
 * given) idempotency key, and an `acquire` that records which scopes the handler charged.
 */
export function ctxFor(
  kind: string,
  name: string,
  options: {
    stack?: string
    idempotencyKey?: string
    providerOptions?: Record<string, unknown>
    acquired?: Acquired
  } = {},
): MutationContext {
  const base = testContext({
    stack: options.stack ?? 'itest',
    kind,
    name,
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    ...(options.providerOptions ? { providerOptions: options.providerOptions } : {}),
  })
  const acquired = options.acquired
  if (!acquired) return base
  return {
    ...base,
    acquire: async (scope: string, tokens = 1) => {
      acquired[scope] = (acquired[scope] ?? 0) + tokens
    },
  }
}
