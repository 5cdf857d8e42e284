import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createEngine,
  createStack,
  type EngineEvent,
  fileState,
  instance,
  LockError,
  memoryState,
  network,
  ProtectedResourceError,
  ProviderError,
  parsePlanJson,
  planHasChanges,
  renderPlanJson,
  StalePlanError,
  secret,
  subnet,
  ValidationError,
  volume,
} from '../src/index.js'
import { createMockProvider, type MockProvider } from '../src/testing.js'

function webStack(
  provider: MockProvider,
  options: { size?: 'small' | 'medium'; image?: string; count?: number } = {},
) {
  const stack = createStack('web', { provider })
  const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
  const sub = stack.add(subnet('a', { network: net.out.id, cidr: '10.0.1.0/24' }))
  for (let index = 0; index < (options.count ?? 2); index++) {
    stack.add(
      instance(`vm-${index}`, {
        size: options.size ?? 'small',
        image: options.image ?? 'ubuntu-24.04',
        subnet: sub.out.id,
        userData: secret(`token-${index}-s3cr3t`),
      }),
    )
  }
  const db = stack.add(instance('db', { size: 'medium', image: 'debian-12', subnet: sub.out.id }))
  stack.add(volume('data', { sizeGiB: 20, attachTo: db.out.id }))
  return stack
}

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'skyloom-engine-'))
  dirs.push(dir)
  return dir
}

describe('engine', () => {
  it('applies a stack, then plans no changes; outputs flow through references', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    const result = await engine.up(webStack(provider))
    expect(result.ok).toBe(true)
    expect(result.counts.done).toBe(6)
    expect(provider.cloud.all()).toHaveLength(6)
    const sub = provider.cloud.all().find((resource) => resource.kind === 'subnet')!
    const net = provider.cloud.all().find((resource) => resource.kind === 'network')!
    expect(sub.props.network).toBe(net.id)
    const vol = provider.cloud.all().find((resource) => resource.kind === 'volume')!
    const db = provider.cloud.all().find((resource) => resource.tags['skyloom-urn'] === 'web/instance/db')!
    expect(vol.props.attachTo).toBe(db.id)
    // Ownership tags on everything.
    for (const resource of provider.cloud.all()) expect(resource.tags['skyloom-stack']).toBe('web')
    const again = await engine.plan(webStack(provider))
    expect(planHasChanges(again)).toBe(false)
    expect(result.outputs['web/network/net']).toMatchObject({ id: net.id, cidr: '10.0.0.0/16' })
  })

  it('updates in place, replaces create-before-delete, deletes removed resources', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    await engine.up(webStack(provider))
    const oldVm0 = (await engine.readState('web'))!.resources['web/instance/vm-0']!.id
    const events: EngineEvent[] = []
    engine.events.on('event', (event) => events.push(event))
    const result = await engine.up(webStack(provider, { size: 'medium', image: 'debian-12', count: 1 }))
    expect(result.ok).toBe(true)
    expect(result.plan.summary).toMatchObject({ replace: 1, delete: 1 })
    const state = (await engine.readState('web'))!
    expect(state.resources['web/instance/vm-1']).toBeUndefined()
    expect(state.resources['web/instance/vm-0']!.id).not.toBe(oldVm0)
    expect(state.condemned).toEqual([])
    expect(provider.cloud.get(oldVm0)).toBeUndefined()
    expect(provider.cloud.all()).toHaveLength(5)
    // create of the replacement happened before the delete of the old one
    const order = events
      .filter((event) => event.type === 'step-start')
      .map((event) => (event as { stepId: string }).stepId)
    expect(order.indexOf('create:web/instance/vm-0')).toBeLessThan(
      order.indexOf('delete-replaced:web/instance/vm-0'),
    )
    expect(
      planHasChanges(await engine.plan(webStack(provider, { size: 'medium', image: 'debian-12', count: 1 }))),
    ).toBe(false)
  })

  it('destroys everything, leaving nothing in the cloud or the state', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    await engine.up(webStack(provider))
    const result = await engine.destroy(webStack(provider))
    expect(result.ok).toBe(true)
    expect(provider.cloud.all()).toEqual([])
    expect(Object.keys((await engine.readState('web'))!.resources)).toEqual([])
  })

  it('refuses a stale plan', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    const first = await engine.plan(webStack(provider))
    await engine.up(webStack(provider))
    await expect(engine.apply(first)).rejects.toSatisfy((error) => StalePlanError.isInstance(error))
  })

  it('applies a plan read back from JSON with the stack, secrets taken from the stack', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    const plan = await engine.plan(webStack(provider))
    const json = renderPlanJson(plan)
    expect(json).not.toContain('s3cr3t')
    const parsed = parsePlanJson(json)
    await expect(engine.apply(parsed)).rejects.toThrow('pass the stack')
    const result = await engine.apply(parsed, { stack: webStack(provider) })
    expect(result.ok).toBe(true)
    const vm = provider.cloud.all().find((resource) => resource.tags['skyloom-urn'] === 'web/instance/vm-0')!
    expect(vm.props.userData).toBe('token-0-s3cr3t')
  })

  it('isolates a failure: dependents are skipped, independent branches finish', async () => {
    const provider = createMockProvider({
      fail: (operation, target) =>
        operation === 'create' && target.urn === 'web/instance/db'
          ? new ProviderError({
              provider: 'mock',
              operation,
              class: 'invalid',
              message: 'no capacity for this size',
            })
          : undefined,
    })
    const engine = createEngine({ state: memoryState() })
    const result = await engine.up(webStack(provider))
    expect(result.ok).toBe(false)
    const byId = Object.fromEntries(result.steps.map((step) => [step.stepId, step]))
    expect(byId['create:web/instance/db']!.outcome).toBe('failed')
    expect(byId['create:web/instance/db']!.error?.message).toContain('no capacity for this size')
    expect(byId['create:web/volume/data']).toMatchObject({
      outcome: 'skipped',
      skippedBecause: 'create:web/instance/db',
    })
    expect(byId['create:web/instance/vm-0']!.outcome).toBe('done')
    expect(byId['create:web/instance/vm-1']!.outcome).toBe('done')
    const state = (await engine.readState('web'))!
    expect(Object.keys(state.pending)).toEqual([])
  })

  it('retries transient errors and records the retries', async () => {
    let failures = 2
    const provider = createMockProvider({
      fail: (operation, target) => {
        if (operation === 'create' && target.urn === 'web/network/net' && failures > 0) {
          failures--
          return new ProviderError({
            provider: 'mock',
            operation,
            class: 'transient',
            message: 'connection reset',
          })
        }
        return undefined
      },
    })
    const engine = createEngine({ state: memoryState(), retry: { baseDelayMs: 1 } })
    const retries: EngineEvent[] = []
    engine.events.on('step-retry', (event) => retries.push(event))
    const result = await engine.up(webStack(provider))
    expect(result.ok).toBe(true)
    expect(retries).toHaveLength(2)
    expect(result.steps.find((step) => step.stepId === 'create:web/network/net')!.retries).toBe(2)
    expect(provider.cloud.all().filter((resource) => resource.kind === 'network')).toHaveLength(1)
  })

  it('detects drift with refresh and converges it back', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    await engine.up(webStack(provider))
    const vm = provider.cloud.all().find((resource) => resource.tags['skyloom-urn'] === 'web/instance/vm-0')!
    provider.cloud.mutate(vm.id, { props: { size: 'medium' } })
    const drift = await engine.refresh(webStack(provider))
    expect(drift.drifted).toEqual([
      {
        urn: 'web/instance/vm-0',
        kind: 'instance',
        status: 'drifted',
        fields: [{ path: 'size', recorded: 'small', actual: 'medium' }],
      },
    ])
    const plan = await engine.plan(webStack(provider))
    expect(plan.changes.find((change) => change.urn === 'web/instance/vm-0')).toMatchObject({
      action: 'update',
      fields: [{ path: 'size', old: 'medium', new: 'small', replace: false }],
    })
    await engine.apply(plan)
    expect(provider.cloud.get(vm.id)!.props.size).toBe('small')
  })

  it('recreates a resource deleted outside Skyloom after a refresh', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    await engine.up(webStack(provider))
    const vm = provider.cloud.all().find((resource) => resource.tags['skyloom-urn'] === 'web/instance/vm-1')!
    provider.cloud.remove(vm.id)
    const result = await engine.up(webStack(provider), { refresh: true })
    expect(result.plan.summary.create).toBe(1)
    expect(provider.cloud.all()).toHaveLength(6)
  })

  it('imports an existing resource and adopts resources found by ownership tags', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    const stack = createStack('imp', { provider })
    stack.add(network('net', { cidr: '10.9.0.0/16' }))
    // Made outside Skyloom: same shape, no ownership tags.
    const outside = createStack('elsewhere', { provider })
    outside.add(network('legacy', { cidr: '10.9.0.0/16' }))
    await createEngine({ state: memoryState() }).up(outside)
    const legacyId = provider.cloud.all()[0]!.id
    const imported = await engine.import(stack, 'network/net', legacyId)
    expect(imported).toMatchObject({ urn: 'imp/network/net', id: legacyId, status: 'ready' })
    expect(planHasChanges(await engine.plan(stack))).toBe(false)
    await expect(engine.import(stack, 'network/net', legacyId)).rejects.toThrow('already managed')
    await expect(engine.import(stack, 'network/ghost', legacyId)).rejects.toThrow('declare imp/network/ghost')

    // Adoption: the resources exist with our tags but the state was lost.
    const lost = createEngine({ state: memoryState() })
    const adopted = await lost.adopt(webStack(provider))
    expect(adopted.adopted).toEqual([])
    const fresh = createEngine({ state: memoryState() })
    await fresh.up(webStack(provider))
    const amnesiac = createEngine({ state: memoryState() })
    const found = await amnesiac.adopt(webStack(provider))
    expect(found.adopted.map((item) => item.urn).sort()).toHaveLength(6)
    expect(planHasChanges(await amnesiac.plan(webStack(provider)))).toBe(false)
  })

  it('refuses to destroy protected resources and forgets retained ones', async () => {
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    const stack = createStack('keep', { provider })
    stack.add(network('net', { cidr: '10.0.0.0/16' }, { protect: true }))
    stack.add(network('logs', { cidr: '10.1.0.0/16' }, { retainOnDelete: true }))
    await engine.up(stack)
    await expect(engine.destroy(stack)).rejects.toSatisfy(
      (error) => ValidationError.isInstance(error) && (error as Error).message.includes('protected'),
    )
    const unprotected = createStack('keep', { provider })
    unprotected.add(network('net', { cidr: '10.0.0.0/16' }))
    unprotected.add(network('logs', { cidr: '10.1.0.0/16' }, { retainOnDelete: true }))
    await engine.up(unprotected)
    const result = await engine.destroy(unprotected)
    expect(result.ok).toBe(true)
    expect(provider.cloud.all().map((resource) => resource.props.cidr)).toEqual(['10.1.0.0/16'])
    void ProtectedResourceError
  })

  it('locks a stack: a second operation fails at once naming the holder', async () => {
    const provider = createMockProvider({ latencyMs: 50 })
    const engine = createEngine({ state: memoryState(), owner: 'alice@laptop' })
    const first = engine.up(webStack(provider))
    await new Promise((resolve) => setTimeout(resolve, 10))
    const second = await engine.up(webStack(provider)).catch((error: unknown) => error)
    expect(LockError.isInstance(second)).toBe(true)
    expect((second as LockError).holder?.owner).toBe('alice@laptop')
    expect((second as Error).message).toContain('alice@laptop (up, pid')
    expect((await first).ok).toBe(true)
  })

  it('runs many stacks at once in one process', async () => {
    const provider = createMockProvider({ latencyMs: 5 })
    const engine = createEngine({ state: memoryState() })
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => {
        const stack = createStack(`tenant-${index}`, { provider })
        stack.add(network('net', { cidr: `10.${index}.0.0/16` }))
        return engine.up(stack)
      }),
    )
    expect(results.every((result) => result.ok)).toBe(true)
    expect(provider.cloud.all()).toHaveLength(8)
  })

  it('keeps the event loop turning while thousands of steps run at once', async () => {
    // A provider that answers at once never waits on I/O: without slices, an apply on the
    // memory store would hold the event loop from its first step to its last.
    const provider = createMockProvider()
    const stack = createStack('many', { provider })
    for (let index = 0; index < 3000; index++) stack.add(network(`net-${index}`, { cidr: '10.0.0.0/16' }))
    const engine = createEngine({ state: memoryState() })
    let turns = 0
    let running = true
    const count = (): void => {
      turns++
      if (running) setImmediate(count)
    }
    setImmediate(count)
    const result = await engine.up(stack)
    running = false
    expect(result.ok).toBe(true)
    expect(turns).toBeGreaterThan(5)
  })

  it('keeps state in files with history and restore', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    const engine = createEngine({ state: fileState({ dir }) })
    await engine.up(webStack(provider))
    await engine.up(webStack(provider, { count: 1 }))
    const history = await engine.history('web')
    expect(history.map((entry) => entry.operation)).toEqual(['apply', 'apply'])
    expect(history[1]!.resources).toBe(6)
    expect(history[0]!.resources).toBe(5)
    // A new engine (a new process) reads the same state.
    const other = createEngine({ state: fileState({ dir }) })
    expect(planHasChanges(await other.plan(webStack(provider, { count: 1 })))).toBe(false)
    const restored = await other.restore('web', history[1]!.version)
    expect(Object.keys(restored.resources)).toHaveLength(6)
    expect((await other.history('web'))[0]!.operation).toBe(`restore v${history[1]!.version}`)
  })
})

describe('the apply report option', () => {
  it('writes the report file, or hands the HTML to a function', async () => {
    const dir = await tempDir()
    const provider = createMockProvider()
    const engine = createEngine({ state: memoryState() })
    const file = join(dir, 'report.html')
    await engine.up(webStack(provider), { report: file })
    const { readFile } = await import('node:fs/promises')
    const html = await readFile(file, 'utf8')
    expect(html).toContain('<html')
    expect(html).toContain('web/instance/db')
    expect(html).not.toContain('s3cr3t')
    let handed = ''
    await engine.destroy(webStack(provider), {
      report: (text) => {
        handed = text
      },
    })
    expect(handed).toContain('delete')
  })
})
