import { describe, expect, it } from 'vitest'
import {
  firewall,
  instance,
  network,
  ProtectedResourceError,
  plan,
  planHasChanges,
  secret,
  subnet,
  ValidationError,
  volume,
} from '../src/index.js'
import type { ProviderV1 } from '../src/provider.js'
import { createMockProvider } from '../src/testing.js'
import { mockStack, stateFromPlan } from './helpers.js'

function webStack(
  options: { cidr?: string; size?: 'small' | 'medium'; image?: string; extra?: boolean } = {},
) {
  const stack = mockStack()
  const net = stack.add(network('net', { cidr: options.cidr ?? '10.0.0.0/16' }))
  const sub = stack.add(subnet('a', { network: net.out.id, cidr: '10.0.1.0/24' }))
  const vm = stack.add(
    instance('vm', {
      size: options.size ?? 'small',
      image: options.image ?? 'ubuntu-24.04',
      subnet: sub.out.id,
    }),
  )
  stack.add(volume('data', { sizeGiB: 10, attachTo: vm.out.id }))
  if (options.extra) stack.add(instance('vm2', { size: 'small', image: 'debian-12', subnet: sub.out.id }))
  return stack
}

describe('plan', () => {
  it('creates everything on an empty state, dependencies first', async () => {
    const result = await plan(webStack(), undefined)
    expect(result.summary).toMatchObject({ create: 4, update: 0, replace: 0, delete: 0 })
    expect(result.steps.map((step) => step.id)).toEqual([
      'create:web/network/net',
      'create:web/subnet/a',
      'create:web/instance/vm',
      'create:web/volume/data',
    ])
    const byId = new Map(result.steps.map((step) => [step.id, step]))
    expect(byId.get('create:web/volume/data')!.dependsOn).toEqual(['create:web/instance/vm'])
    expect(result.stateVersion).toBe(0)
  })

  it('plans nothing against the state its apply produces', async () => {
    const first = await plan(webStack(), undefined)
    const state = stateFromPlan(first)
    const second = await plan(webStack(), state)
    expect(planHasChanges(second)).toBe(false)
    expect(second.summary.noop).toBe(4)
    expect(second.stateVersion).toBe(state.version)
  })

  it('updates in place a field that allows it', async () => {
    const state = stateFromPlan(await plan(webStack(), undefined))
    const result = await plan(webStack({ size: 'medium' }), state)
    const change = result.changes.find((entry) => entry.urn === 'web/instance/vm')!
    expect(change.action).toBe('update')
    expect(change.fields).toEqual([{ path: 'size', old: 'small', new: 'medium', replace: false }])
    expect(result.steps.map((step) => step.id)).toEqual(['update:web/instance/vm'])
  })

  it('replaces on a forcing field, creating the new one before deleting the old', async () => {
    const state = stateFromPlan(await plan(webStack(), undefined))
    const result = await plan(webStack({ image: 'debian-12' }), state)
    const change = result.changes.find((entry) => entry.urn === 'web/instance/vm')!
    expect(change.action).toBe('replace')
    expect(change.reasons[0]).toContain('image forces replacement')
    // The volume references vm.out.id, which becomes unknown: it is repointed (attachTo is in-place).
    const data = result.changes.find((entry) => entry.urn === 'web/volume/data')!
    expect(data.action).toBe('update')
    expect(data.fields[0]).toMatchObject({ path: 'attachTo', unknown: true, replace: false })
    const steps = new Map(result.steps.map((step) => [step.id, step]))
    expect(steps.get('update:web/volume/data')!.dependsOn).toContain('create:web/instance/vm')
    expect([...steps.get('delete-replaced:web/instance/vm')!.dependsOn].sort()).toEqual([
      'create:web/instance/vm',
      'update:web/volume/data',
    ])
  })

  it('cascades replacement through a forcing field that becomes unknown', async () => {
    const state = stateFromPlan(await plan(webStack(), undefined))
    const result = await plan(webStack({ cidr: '10.0.0.0/15' }), state)
    const actions = Object.fromEntries(result.changes.map((change) => [change.name, change.action]))
    expect(actions).toEqual({ net: 'replace', a: 'replace', vm: 'replace', data: 'update' })
    const steps = new Map(result.steps.map((step) => [step.id, step]))
    // Old network goes last: after the old subnet that lived in it.
    expect(steps.get('delete-replaced:web/network/net')!.dependsOn).toContain('delete-replaced:web/subnet/a')
    expect(steps.get('delete-replaced:web/subnet/a')!.dependsOn).toContain('delete-replaced:web/instance/vm')
  })

  it('deletes first with deleteBeforeReplace, and takes replaced dependents along', async () => {
    const state = stateFromPlan(await plan(webStack(), undefined))
    const stack = mockStack()
    const net = stack.add(network('net', { cidr: '10.0.0.0/15' }, { deleteBeforeReplace: true }))
    const sub = stack.add(subnet('a', { network: net.out.id, cidr: '10.0.1.0/24' }))
    const vm = stack.add(instance('vm', { size: 'small', image: 'ubuntu-24.04', subnet: sub.out.id }))
    stack.add(volume('data', { sizeGiB: 10, attachTo: vm.out.id }))
    const result = await plan(stack, state)
    const steps = new Map(result.steps.map((step) => [step.id, step]))
    expect(steps.get('create:web/network/net')!.dependsOn).toEqual(['delete-replaced:web/network/net'])
    expect(steps.get('delete-replaced:web/network/net')!.dependsOn).toContain('delete-replaced:web/subnet/a')
    expect(steps.get('create:web/subnet/a')!.dependsOn).toContain('delete-replaced:web/subnet/a')
  })

  it('deletes resources removed from the stack, dependents first', async () => {
    const state = stateFromPlan(await plan(webStack(), undefined))
    const stack = mockStack()
    stack.add(network('net', { cidr: '10.0.0.0/16' }))
    const result = await plan(stack, state)
    expect(result.summary).toMatchObject({ delete: 3, noop: 1 })
    const steps = new Map(result.steps.map((step) => [step.id, step]))
    expect(steps.get('delete:web/subnet/a')!.dependsOn).toEqual(['delete:web/instance/vm'])
    expect(steps.get('delete:web/instance/vm')!.dependsOn).toEqual(['delete:web/volume/data'])
  })

  it('plans a destroy of everything in reverse dependency order', async () => {
    const state = stateFromPlan(await plan(webStack(), undefined))
    const result = await plan(webStack(), state, { mode: 'destroy' })
    expect(result.summary.delete).toBe(4)
    const steps = new Map(result.steps.map((step) => [step.id, step]))
    expect(steps.get('delete:web/network/net')!.dependsOn).toEqual(['delete:web/subnet/a'])
  })

  it('forgets instead of deleting with retainOnDelete', async () => {
    const stack = mockStack()
    stack.add(network('net', { cidr: '10.0.0.0/16' }, { retainOnDelete: true }))
    const state = stateFromPlan(await plan(stack, undefined))
    const result = await plan(mockStack(), state)
    expect(result.changes[0]).toMatchObject({ action: 'forget' })
    expect(result.steps[0]).toMatchObject({ operation: 'forget' })
  })

  it('refuses to delete or replace a protected resource', async () => {
    const stack = mockStack()
    stack.add(network('net', { cidr: '10.0.0.0/16' }, { protect: true }))
    const state = stateFromPlan(await plan(stack, undefined))
    const removal = await plan(mockStack(), state).catch((error: unknown) => error)
    expect(ValidationError.isInstance(removal)).toBe(true)
    expect((removal as ValidationError).issues[0]).toMatchObject({
      path: 'web/network/net',
      rule: 'protected',
    })
    const changed = mockStack()
    changed.add(network('net', { cidr: '10.1.0.0/16' }, { protect: true }))
    const replacement = await plan(changed, state).catch((error: unknown) => error)
    expect((replacement as ValidationError).issues[0]!.message).toContain('would be replaced')
    // Lifting protection is a state-only change.
    const lifted = mockStack()
    lifted.add(network('net', { cidr: '10.0.0.0/16' }))
    const result = await plan(lifted, state)
    expect(result.steps).toEqual([
      expect.objectContaining({ operation: 'record', id: 'record:web/network/net' }),
    ])
    void ProtectedResourceError
  })

  it('honours ignoreChanges and replaceOnChanges', async () => {
    const first = mockStack()
    first.add(network('net', { cidr: '10.0.0.0/16', tags: { team: 'a' } }, { ignoreChanges: ['tags.team'] }))
    const state = stateFromPlan(await plan(first, undefined))
    const ignored = mockStack()
    ignored.add(
      network('net', { cidr: '10.0.0.0/16', tags: { team: 'b' } }, { ignoreChanges: ['tags.team'] }),
    )
    const noChange = await plan(ignored, state)
    expect(planHasChanges(noChange)).toBe(false)
    // The apply would send the current value of the ignored path.
    expect(noChange.changes[0]!.props!.tags).toEqual({ team: 'a' })

    const forced = mockStack()
    forced.add(network('net', { cidr: '10.0.0.0/16', tags: { team: 'b' } }, { replaceOnChanges: ['tags'] }))
    const result = await plan(forced, state)
    expect(result.changes[0]!.action).toBe('replace')
  })

  it('detects secret changes by fingerprint without showing values', async () => {
    const make = (data: string) => {
      const stack = mockStack()
      stack.add(instance('vm', { size: 'small', image: 'debian-12', subnet: 's', userData: secret(data) }))
      return stack
    }
    const state = stateFromPlan(await plan(make('one'), undefined))
    expect(planHasChanges(await plan(make('one'), state))).toBe(false)
    const changed = await plan(make('two'), state)
    expect(changed.changes[0]!.action).toBe('replace')
    expect(JSON.stringify(changed)).not.toContain('two')
    expect(JSON.stringify(changed)).toContain('"$secret":true')
  })

  it('uses a provider diff when it has one', async () => {
    const base = createMockProvider()
    const provider: ProviderV1 = {
      ...base,
      kinds: {
        ...base.kinds,
        network: {
          ...base.kinds.network!,
          diff: (current, desired) => ({
            changes:
              current.props.cidr === desired.cidr
                ? []
                : [{ path: 'cidr', replace: true, reason: 'a VPC cannot change its block' }],
          }),
        },
      },
    }
    const stack = mockStack('web', provider)
    stack.add(network('net', { cidr: '10.0.0.0/16', tags: { a: 'b' } }))
    const state = stateFromPlan(await plan(stack, undefined))
    const again = mockStack('web', provider)
    again.add(network('net', { cidr: '10.1.0.0/16', tags: { a: 'c' } }))
    const result = await plan(again, state)
    expect(result.changes[0]!.fields).toEqual([
      {
        path: 'cidr',
        old: '10.0.0.0/16',
        new: '10.1.0.0/16',
        replace: true,
        reason: 'a VPC cannot change its block',
      },
    ])
  })

  it('replaces when the provider cannot update in place', async () => {
    const base = createMockProvider()
    const { update: _update, ...withoutUpdate } = base.kinds.network!
    const provider: ProviderV1 = { ...base, kinds: { ...base.kinds, network: withoutUpdate } }
    const stack = mockStack('web', provider)
    stack.add(network('net', { cidr: '10.0.0.0/16', tags: { a: 'b' } }))
    const state = stateFromPlan(await plan(stack, undefined))
    const again = mockStack('web', provider)
    again.add(network('net', { cidr: '10.0.0.0/16', tags: { a: 'c' } }))
    const result = await plan(again, state)
    expect(result.changes[0]!.action).toBe('replace')
    expect(result.changes[0]!.reasons[0]).toContain('cannot update a network in place')
  })

  it('replaces a resource moved to another provider, deleting through the old one', async () => {
    const east = createMockProvider({ key: 'mock/east' })
    const west = createMockProvider({ key: 'mock/west' })
    const stack = mockStack('web', east)
    stack.add(network('net', { cidr: '10.0.0.0/16' }))
    const state = stateFromPlan(await plan(stack, undefined))
    const moved = mockStack('web', east)
    moved.add(network('net', { cidr: '10.0.0.0/16' }, { provider: west }))
    const result = await plan(moved, state)
    expect(result.changes[0]).toMatchObject({ action: 'replace', provider: 'mock/west' })
    expect(result.steps.find((step) => step.replacement === 'delete')).toBeDefined()
  })

  it('refuses to delete a resource whose provider is gone, saying how to fix it', async () => {
    const east = createMockProvider({ key: 'mock/east' })
    const stack = mockStack('web', east)
    stack.add(network('net', { cidr: '10.0.0.0/16' }))
    const state = stateFromPlan(await plan(stack, undefined))
    const error = await plan(mockStack('web', createMockProvider({ key: 'mock/west' })), state).catch(
      (caught: unknown) => caught,
    )
    expect((error as ValidationError).issues[0]).toMatchObject({ rule: 'missing-provider' })
    expect((error as Error).message).toContain('providers: [...]')
  })

  it('adds the stack tags to every resource, resource tags winning', async () => {
    const stack = mockStack('web', createMockProvider())
    const tagged = new (stack.constructor as typeof import('../src/index.js').Stack)('web', {
      provider: createMockProvider(),
      tags: { env: 'dev', team: 'core' },
    })
    tagged.add(network('net', { cidr: '10.0.0.0/16', tags: { team: 'net' } }))
    const result = await plan(tagged, undefined)
    expect(result.changes[0]!.props!.tags).toEqual({ env: 'dev', team: 'net' })
  })

  it('prices the plan from the provider catalog', async () => {
    const result = await plan(webStack({ extra: true }), undefined)
    // mock prices: 1 vCPU small = 7.30/mo each, volume 10 GiB = 0.80/mo
    expect(result.cost).toMatchObject({
      currency: 'USD',
      monthlyBefore: 0,
      monthlyAfter: 15.4,
      monthlyDelta: 15.4,
    })
    const state = stateFromPlan(result)
    const smaller = await plan(webStack(), state)
    expect(smaller.cost).toMatchObject({ monthlyBefore: 15.4, monthlyAfter: 8.1, monthlyDelta: -7.3 })
  })

  it('replaces a tainted resource', async () => {
    const state = stateFromPlan(await plan(webStack(), undefined))
    const tainted = {
      ...state,
      resources: {
        ...state.resources,
        'web/instance/vm': { ...state.resources['web/instance/vm']!, status: 'tainted' as const },
      },
    }
    const result = await plan(webStack(), tainted)
    expect(result.changes.find((change) => change.name === 'vm')!.action).toBe('replace')
  })

  it('orders a firewall and instances that use it', async () => {
    const stack = mockStack()
    const net = stack.add(network('net', { cidr: '10.0.0.0/16' }))
    const fw = stack.add(
      firewall('fw', { network: net.out.id, ingress: [{ ports: 443, from: '0.0.0.0/0' }] }),
    )
    stack.add(instance('vm', { size: 'small', image: 'debian-12', subnet: 's', firewalls: [fw.out.id] }))
    const result = await plan(stack, undefined)
    const vm = result.steps.find((step) => step.urn === 'web/instance/vm')!
    expect(vm.dependsOn).toEqual(['create:web/firewall/fw'])
  })

  it('refuses a state of another stack', async () => {
    const state = stateFromPlan(await plan(webStack(), undefined))
    await expect(plan(mockStack('other'), state)).rejects.toThrow('belongs to stack "web"')
  })
})
