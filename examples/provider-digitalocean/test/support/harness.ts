import { randomUUID } from 'node:crypto'
import { isSecret, NEUTRAL_KINDS, type NeutralKind } from '@skyloom/core'
import type { MutationContext, ResourceHandlerV1 } from '@skyloom/core/provider'
import { testContext } from '@skyloom/core/testing'
import { createDigitalOcean, type DigitalOceanProvider, type DigitalOceanSettings } from '../../src/index.js'
import { FakeDigitalOcean, type FakeDigitalOceanOptions } from './fake/server.js'

/** A local DigitalOcean, a provider pointed at it, and helpers to call handlers as the engine does. */
export interface Harness {
  readonly fake: FakeDigitalOcean
  readonly provider: DigitalOceanProvider
  /** Tokens taken through `ctx.acquire`, by scope, across every context made here. */
  readonly acquired: Map<string, number>
  /** The handler of a kind. */
  handler(kind: NeutralKind): ResourceHandlerV1
  /**
   * A mutation context for `stack/kind/name`. The idempotency key is fresh unless given: pass
   * the same one to play a retry.
   */
  ctx(
    kind: NeutralKind,
    name: string,
    options?: { idempotencyKey?: string; providerOptions?: Record<string, unknown>; stack?: string },
  ): MutationContext
  /** Neutral props as the engine passes them: validated by core's schema, secrets revealed. */
  props(kind: NeutralKind, input: Record<string, unknown>): Record<string, unknown>
  close(): Promise<void>
}

export async function startHarness(
  options: { fake?: FakeDigitalOceanOptions; provider?: DigitalOceanSettings } = {},
): Promise<Harness> {
  const fake = await FakeDigitalOcean.start(options.fake)
  const provider = createDigitalOcean({
    token: fake.token,
    baseUrl: fake.url,
    pollIntervalMs: 10,
    ...options.provider,
  })
  const acquired = new Map<string, number>()
  return {
    fake,
    provider,
    acquired,
    handler(kind) {
      const handler = provider.kinds[kind]
      if (!handler) throw new Error(`the provider has no ${kind} handler`)
      return handler
    },
    ctx(kind, name, ctxOptions = {}) {
      const base = testContext({
        stack: ctxOptions.stack ?? 'test',
        kind,
        name,
        idempotencyKey: ctxOptions.idempotencyKey ?? randomUUID(),
        ...(ctxOptions.providerOptions ? { providerOptions: ctxOptions.providerOptions } : {}),
      })
      return {
        ...base,
        acquire: async (scope: string, tokens = 1) => {
          acquired.set(scope, (acquired.get(scope) ?? 0) + tokens)
        },
      }
    },
    props(kind, input) {
      const parsed = NEUTRAL_KINDS[kind].schema.parse(input) as Record<string, unknown>
      return Object.fromEntries(
        Object.entries(parsed).map(([key, value]) => [key, isSecret(value) ? value.reveal() : value]),
      )
    },
    close: () => fake.close(),
  }
}

/** Polls `read` until the resource is ready (as the engine does after `ready: false`). */
export async function waitReady(
  handler: ResourceHandlerV1,
  id: string,
  ctx: MutationContext,
  timeoutMs = 5_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const read = await handler.read?.(id, ctx)
    if (read && (read.status ?? 'ready') === 'ready') return read.outputs
    if (read?.status === 'failed') throw new Error(`${id} failed: ${read.message ?? ''}`)
    if (Date.now() > deadline) throw new Error(`${id} was not ready after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 15))
  }
}
