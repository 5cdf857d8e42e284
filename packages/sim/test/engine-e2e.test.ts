import {
  createEngine,
  createStack,
  firewall,
  instance,
  memoryState,
  network,
  planHasChanges,
  subnet,
  volume,
} from '@skyloom/core'
import { describe, expect, it } from 'vitest'
import { createSim } from '../src/index.js'

describe('the sim under the engine', () => {
  it('applies, converges, shows drift, and destroys on virtual time', async () => {
    const sim = createSim({ virtualTime: true, seed: 42 })
    const engine = createEngine({ state: memoryState(), clock: sim.clock })
    const build = (count: number) => {
      const stack = createStack('web', { provider: sim })
      const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
      const sub = stack.add(subnet('a', { network: net.out.id, cidr: '10.0.1.0/24' }))
      const fw = stack.add(
        firewall('web', { network: net.out.id, ingress: [{ ports: 443, from: '0.0.0.0/0' }] }),
      )
      for (let index = 0; index < count; index++) {
        stack.add(
          instance(`web-${index}`, {
            size: 'small',
            image: 'ubuntu-24.04',
            subnet: sub.out.id,
            firewalls: [fw.out.id],
          }),
        )
      }
      const db = stack.add(instance('db', { size: 'large', image: 'ubuntu-24.04', subnet: sub.out.id }))
      stack.add(volume('data', { sizeGiB: 100, attachTo: db.out.id }))
      return stack
    }
    const first = await engine.up(build(3))
    expect(
      first.ok,
      JSON.stringify(first.steps.filter((step) => step.error).map((step) => step.error?.message)),
    ).toBe(true)
    expect(first.plan.cost?.monthlyAfter).toBeGreaterThan(0)
    expect(planHasChanges(await engine.plan(build(3)))).toBe(false)
    const scaled = await engine.up(build(5))
    expect(scaled.plan.summary.create).toBe(2)
    const web0 = sim.cloud.resources({ kind: 'instance', tags: { 'skyloom-urn': 'web/instance/web-0' } })[0]!
    sim.cloud.mutate(web0.id, { tags: { owner: 'someone' } })
    const drift = await engine.refresh(build(5))
    expect(drift.drifted.map((item) => item.urn)).toEqual(['web/instance/web-0'])
    const fixed = await engine.up(build(5))
    expect(fixed.plan.summary.update).toBe(1)
    const gone = await engine.destroy(build(5))
    expect(gone.ok).toBe(true)
    expect(sim.cloud.resources({})).toEqual([])
  })
})

describe('a saved sim cloud in a new process', () => {
  it('resumes its virtual clock where the saved cloud stopped', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = await mkdtemp(join(tmpdir(), 'skyloom-sim-resume-'))
    try {
      const stateFile = join(dir, 'cloud.json')
      const first = createSim({ virtualTime: true, stateFile })
      const engine = createEngine({ state: memoryState(), clock: first.clock })
      const stack = createStack('resume', { provider: first })
      const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
      const sub = stack.add(subnet('a', { network: net.out.id, cidr: '10.0.1.0/24' }))
      stack.add(instance('vm', { size: 'small', image: 'ubuntu-24.04', subnet: sub.out.id }))
      expect((await engine.up(stack)).ok).toBe(true)
      // A later process: its clock would start at wall-clock time, behind the saved cloud's.
      const second = createSim({ virtualTime: true, stateFile })
      const [vm] = second.cloud.resources({ kind: 'instance' })
      // Without resuming, the instance would read as still pending in the new process.
      expect(vm?.status).toBe('ready')
      expect(second.clock.now()).toBeGreaterThan(Date.now() + 10_000)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
