import type { Clock, MutationContext, ResourceHandlerV1 } from '@skyloom/core/provider'
import { ProviderError } from '@skyloom/core/provider'
import { testContext, VirtualClock } from '@skyloom/core/testing'
import { describe, expect, it } from 'vitest'
import { createSim, type SimProvider } from '../src/index.js'
import { instanceProps, networkProps, subnetProps } from './helpers.js'

/** A client-side token bucket on the clock, as the engine's scheduler keeps one per scope. */
class ClientBucket {
  #tokens: number
  #at: number
  constructor(
    private readonly clock: Clock,
    private readonly capacity: number,
    private readonly rate: number,
  ) {
    this.#tokens = capacity
    this.#at = clock.now()
  }
  async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#at) / 1000) * this.rate)
      this.#at = now
      if (this.#tokens >= 1 - 1e-9) {
        this.#tokens -= 1
        return
      }
      await this.clock.sleep(Math.ceil(((1 - this.#tokens) / this.rate) * 1000))
    }
  }
}

/**
 * A small stand-in for the engine: takes a token per call from the provider's declared
 * limits (or not, with `mirrorLimits: false`, retrying throttled calls after retryAfterMs),
 * creates in dependency order, and waits for readiness with one batched readMany per kind
 * per poll interval. Returns the makespan in virtual time.
 */
async function applyWebTier(options: { seed: number; instances: number; mirrorLimits: boolean }) {
  const clock = new VirtualClock(0)
  const provider: SimProvider = createSim({ clock, seed: options.seed })
  const buckets = new Map(
    Object.entries(provider.limits.scopes).map(([scope, limit]) => [
      scope,
      new ClientBucket(clock, limit.capacity, limit.refillPerSecond),
    ]),
  )
  const take = async (scope: string) => {
    if (options.mirrorLimits) await buckets.get(scope)!.take()
  }
  const ctx = (kind: string, name: string): MutationContext => ({
    ...testContext({ stack: 'bench', kind, name, clock, idempotencyKey: `bench/${kind}/${name}` }),
    acquire: (scope: string) => take(scope),
  })
  const withRetry = async <T>(scope: string, call: () => Promise<T>): Promise<T> => {
    for (;;) {
      await take(scope)
      try {
        return await call()
      } catch (error) {
        if (!ProviderError.isInstance(error) || error.classification !== 'throttled') throw error
        await clock.sleep(error.retryAfterMs ?? 1_000)
      }
    }
  }

  const pollers = new Map<string, (id: string) => Promise<void>>()
  const waitReady = (kind: string, id: string): Promise<void> => {
    let poller = pollers.get(kind)
    if (!poller) {
      const handler = provider.kinds[kind as keyof SimProvider['kinds']]
      const waiting = new Map<string, () => void>()
      let polling = false
      const loop = async () => {
        polling = true
        while (waiting.size > 0) {
          await clock.sleep(handler.pollIntervalMs!)
          const ids = [...waiting.keys()].slice(0, handler.readBatchSize)
          const found = await withRetry('describe', () => handler.readMany!(ids, ctx(kind, 'poll')))
          for (const [foundId, result] of found) {
            if (result.status === 'ready') {
              waiting.get(foundId)?.()
              waiting.delete(foundId)
            }
          }
        }
        polling = false
      }
      poller = (waitId: string) =>
        new Promise<void>((resolve) => {
          waiting.set(waitId, resolve)
          if (!polling) void loop()
        })
      pollers.set(kind, poller)
    }
    return poller(id)
  }
  const create = async (kind: string, name: string, props: Record<string, unknown>) => {
    const handler: ResourceHandlerV1 = provider.kinds[kind as keyof SimProvider['kinds']]
    const scope = handler.operations?.create?.scope ?? 'mutate'
    const result = await withRetry(scope, () => handler.create(props, ctx(kind, name)))
    if (result.ready === false) await waitReady(kind, result.id)
    return result.id
  }

  const started = clock.now()
  const wallStart = performance.now()
  const network = await create('network', 'net', { ...networkProps() })
  const subnets = await Promise.all(
    ['10.0.1.0/24', '10.0.2.0/24'].map((cidr, index) =>
      create('subnet', `s${index}`, { ...subnetProps(network, cidr) }),
    ),
  )
  await Promise.all(
    Array.from({ length: options.instances }, (_, index) =>
      create('instance', `web-${index}`, { ...instanceProps(subnets[index % 2]!) }),
    ),
  )
  return {
    makespan: clock.now() - started,
    wallMs: performance.now() - wallStart,
    stats: provider.cloud.stats(),
    running: provider.cloud.resources({ kind: 'instance' }).filter((vm) => vm.outputs.state === 'running')
      .length,
  }
}

describe('a whole apply on virtual time', () => {
  it('runs minutes of cloud time in milliseconds, with exactly the same makespan for the same seed', async () => {
    const first = await applyWebTier({ seed: 11, instances: 20, mirrorLimits: true })
    const second = await applyWebTier({ seed: 11, instances: 20, mirrorLimits: true })
    const other = await applyWebTier({ seed: 12, instances: 20, mirrorLimits: true })
    expect(first.running).toBe(20)
    expect(second.makespan).toBe(first.makespan)
    expect(other.makespan).not.toBe(first.makespan)
    // network ~2 s, subnet ~1 s, then RunInstances at 5 burst + 2/s and ~30 s to run.
    expect(first.makespan).toBeGreaterThan(35_000)
    expect(first.makespan).toBeLessThan(55_000)
    expect(first.wallMs).toBeLessThan(5_000)
  })

  it('is never throttled when the caller mirrors the declared limits, and polls in batches', async () => {
    const { stats } = await applyWebTier({ seed: 1, instances: 40, mirrorLimits: true })
    expect(stats.throttled).toBe(0)
    expect(stats.actions.RunInstances).toBe(40)
    // One DescribeInstances per poll round covers every instance still waiting.
    expect(stats.actions.DescribeInstances).toBeLessThan(60)
  })

  it('is throttled by the cloud when the caller ignores the limits', async () => {
    const { stats, running } = await applyWebTier({ seed: 1, instances: 40, mirrorLimits: false })
    expect(running).toBe(40)
    expect(stats.scopes['run-instances'].throttled).toBeGreaterThan(0)
  })
})
