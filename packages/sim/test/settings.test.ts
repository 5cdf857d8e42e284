import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SkyloomError } from '@skyloom/core/provider'
import { VirtualClock } from '@skyloom/core/testing'
import { describe, expect, it } from 'vitest'
import { createSim, EC2_REQUEST_BUCKETS, SIM_KINDS, sim } from '../src/index.js'

describe('createSim settings', () => {
  it('defaults to sim-east-1 with three zones, key sim/<region>, seed 1 and the system clock', () => {
    expect(sim.name).toBe('sim')
    expect(sim.specificationVersion).toBe('v1')
    expect(sim.region).toBe('sim-east-1')
    expect(sim.zones).toEqual(['sim-east-1a', 'sim-east-1b', 'sim-east-1c'])
    expect(sim.key).toBe('sim/sim-east-1')
    expect(sim.settings.seed).toBe(1)
    expect(sim.clock).not.toBeInstanceOf(VirtualClock)
    expect(Object.keys(sim.kinds).sort()).toEqual([...SIM_KINDS].sort())
  })

  it('gives each region its own key, so the scheduler keeps separate buckets', () => {
    const west = createSim({ region: 'sim-west-1' })
    expect(west.key).toBe('sim/sim-west-1')
    expect(west.zones).toEqual(['sim-west-1a', 'sim-west-1b', 'sim-west-1c'])
    expect(createSim({ region: 'sim-west-1', key: 'sim/acct-2/sim-west-1' }).key).toBe(
      'sim/acct-2/sim-west-1',
    )
  })

  it('declares limits that mirror the published EC2 buckets exactly', () => {
    expect(sim.limits.scopes).toEqual({
      describe: { capacity: 100, refillPerSecond: 20 },
      mutate: { capacity: 50, refillPerSecond: 5 },
      'run-instances': { capacity: 5, refillPerSecond: 2 },
      'terminate-instances': { capacity: 100, refillPerSecond: 5 },
    })
    expect(sim.limits.readScope).toBe('describe')
    expect(sim.limits.mutateScope).toBe('mutate')
    expect(EC2_REQUEST_BUCKETS['run-instances']).toEqual({ capacity: 5, refillPerSecond: 2 })
  })

  it('mirrors overridden buckets in the declared limits too', () => {
    const provider = createSim({ rateLimits: { mutate: { capacity: 10, refillPerSecond: 1 } } })
    expect(provider.limits.scopes.mutate).toEqual({ capacity: 10, refillPerSecond: 1 })
    expect(provider.limits.scopes.describe).toEqual({ capacity: 100, refillPerSecond: 20 })
  })

  it('puts instance create and delete in their own scopes and everything else in describe or mutate', () => {
    const { instance, subnet } = sim.kinds
    expect(instance.operations?.create?.scope).toBe('run-instances')
    expect(instance.operations?.delete?.scope).toBe('terminate-instances')
    expect(instance.operations?.update?.scope).toBe('mutate')
    expect(instance.operations?.action?.scope).toBe('mutate')
    expect(instance.operations?.read?.scope).toBe('describe')
    expect(subnet.operations?.create?.scope).toBe('mutate')
    expect(subnet.operations?.delete?.scope).toBe('mutate')
    expect(subnet.operations?.find?.scope).toBe('describe')
    for (const kind of SIM_KINDS) expect(sim.kinds[kind].readBatchSize).toBe(1_000)
  })

  it('declares expected durations from the latency means, so instances outrank subnets on the critical path', () => {
    const ms = (kind: (typeof SIM_KINDS)[number]) => sim.kinds[kind].operations?.create?.expectedMs
    expect(ms('network')).toBe(2_000)
    expect(ms('subnet')).toBe(1_000)
    expect(ms('firewall')).toBe(1_000)
    expect(ms('instance')).toBe(30_000)
    expect(ms('volume')).toBe(5_000)
    expect(ms('instance-group')).toBe(60_000)
    expect(sim.kinds.instance.operations?.delete?.expectedMs).toBe(15_000)
  })

  it('scales every latency, expected duration and default poll interval with latency.scale', () => {
    const fast = createSim({ latency: { scale: 0.01 } })
    expect(fast.kinds.instance.operations?.create?.expectedMs).toBe(300)
    expect(fast.kinds.instance.pollIntervalMs).toBe(15)
    expect(sim.kinds.instance.pollIntervalMs).toBe(1_500)
    expect(sim.kinds.subnet.pollIntervalMs).toBe(50)
    expect(createSim({ pollIntervalMs: { subnet: 250 } }).kinds.subnet.pollIntervalMs).toBe(250)
  })

  it('creates a VirtualClock for virtualTime: true and refuses it together with a clock', () => {
    expect(createSim({ virtualTime: true }).clock).toBeInstanceOf(VirtualClock)
    const clock = new VirtualClock(0)
    expect(createSim({ clock }).clock).toBe(clock)
    expect(() => createSim({ clock, virtualTime: true })).toThrow(/either clock or virtualTime/)
  })

  it('refuses bad settings with every problem listed and a SkyloomError code', () => {
    let caught: unknown
    try {
      createSim({
        region: 'mars-1' as never,
        faults: { transientErrorRate: 2 },
        latency: { scale: -1 },
        typo: true,
      } as never)
    } catch (error) {
      caught = error
    }
    expect(SkyloomError.isInstance(caught)).toBe(true)
    const message = (caught as Error).message
    expect((caught as SkyloomError).code).toBe('SKYLOOM_SIM_SETTINGS')
    expect(message).toMatch(/region must be one of sim-east-1/)
    expect(message).toMatch(/transientErrorRate/)
    expect(message).toMatch(/scale/)
    expect(message).toMatch(/typo/)
  })

  it('does no I/O when created: a state file appears only with the first mutation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-settings-'))
    const file = join(dir, 'cloud.json')
    createSim({ stateFile: file })
    expect(existsSync(file)).toBe(false)
  })
})
