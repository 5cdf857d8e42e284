import { randomUUID } from 'node:crypto'
import {
  createEngine,
  createStack,
  type Engine,
  memoryState,
  NEUTRAL_KINDS,
  type Plan,
  planHasChanges,
  renderPlanText,
  resource,
  type Stack,
} from '@skyloom/core'
import {
  type Clock,
  type MutationContext,
  OWNERSHIP_TAG_STACK,
  OWNERSHIP_TAG_URN,
  type ProviderV1,
  type ResourceHandlerV1,
  systemClock,
} from '@skyloom/core/provider'

export const SUBJECT = 'subject'

/** A stack of one resource of `kind`, named `name`, with `props`. */
export function declare(
  stackName: string,
  provider: ProviderV1,
  kind: string,
  props: Readonly<Record<string, unknown>>,
  name = SUBJECT,
): Stack {
  const stack = createStack(stackName, { provider })
  stack.add(resource(kind, name, props))
  return stack
}

export function newEngine(clock: Clock | undefined): Engine {
  return createEngine({ state: memoryState(), ...(clock ? { clock } : {}), retry: { baseDelayMs: 50 } })
}

export function uniqueStack(prefix: string, kind: string): string {
  return `${prefix}-${kind.replace(/[^a-z0-9-]/g, '-')}-${randomUUID().slice(0, 6)}`
}

/** A short account of what a plan would do, for failure messages. */
export function describePlan(plan: Plan): string {
  return planHasChanges(plan) ? renderPlanText(plan) : 'no changes'
}

/**
 * Props as a handler receives them: parsed by the kind's schema (defaults filled, rules
 * normalized), secrets revealed.
 */
export function handlerProps(
  provider: ProviderV1,
  kind: string,
  props: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const schema = Object.hasOwn(NEUTRAL_KINDS, kind)
    ? NEUTRAL_KINDS[kind as keyof typeof NEUTRAL_KINDS].schema
    : provider.kinds[kind]?.schema
  const parsed = (schema ? schema.parse(props) : props) as Record<string, unknown>
  return reveal(parsed) as Record<string, unknown>
}

function reveal(value: unknown): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { reveal?: unknown }).reveal === 'function'
  ) {
    return (value as { reveal(): unknown }).reveal()
  }
  if (Array.isArray(value)) return value.map(reveal)
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, reveal(inner)]))
  }
  return value
}

/** A context like the engine's, for calling a handler directly. */
export function directContext(
  stack: string,
  kind: string,
  name: string,
  clock: Clock | undefined,
  key = randomUUID(),
): MutationContext {
  const urn = `${stack}/${kind}/${name}`
  return {
    urn,
    stack,
    kind,
    name,
    ownership: { stack, urn, tags: { [OWNERSHIP_TAG_STACK]: stack, [OWNERSHIP_TAG_URN]: urn } },
    signal: new AbortController().signal,
    clock: clock ?? systemClock,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    providerOptions: undefined,
    idempotencyKey: key,
    acquire: async () => {},
    progress: () => {},
  }
}

/** Reads one id through readMany or read, whichever the handler has. */
export async function readOne(handler: ResourceHandlerV1, id: string, ctx: MutationContext) {
  if (handler.readMany) return (await handler.readMany([id], ctx)).get(id)
  if (handler.read) return handler.read(id, ctx)
  return undefined
}

/** Polls until the resource reads ready (or the limit passes), on the provider's clock. */
export async function waitUntilReady(
  handler: ResourceHandlerV1,
  id: string,
  ctx: MutationContext,
  limitMs = 600_000,
): Promise<void> {
  const interval = handler.pollIntervalMs ?? 1_000
  const deadline = ctx.clock.now() + limitMs
  while (ctx.clock.now() < deadline) {
    const read = await readOne(handler, id, ctx)
    if (read && (read.status === undefined || read.status === 'ready')) return
    await ctx.clock.sleep(interval)
  }
}

/**
 * Calls `fn`, waiting out throttles the way the engine would (the cloud's retry-after, else a
 * second), so that the kit's direct handler calls do not fail a rule on a rate limit.
 */
export async function retryThrottled<T>(
  provider: ProviderV1,
  clock: Clock | undefined,
  fn: () => Promise<T>,
  attempts = 8,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      const classification =
        typeof error === 'object' && error !== null && 'classification' in error
          ? {
              class: (error as { classification: string }).classification,
              retryAfterMs: (error as { retryAfterMs?: number }).retryAfterMs,
            }
          : provider.classifyError?.(error)
      if (classification?.class !== 'throttled' || attempt >= attempts) throw error
      await (clock ?? systemClock).sleep(classification.retryAfterMs ?? 1_000)
    }
  }
}
