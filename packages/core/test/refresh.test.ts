import { describe, expect, it } from 'vitest'
import {
  createEngine,
  createStack,
  instance,
  memoryState,
  network,
  planHasChanges,
  volume,
} from '../src/index.js'
import type { ProviderV1 } from '../src/provider.js'
import { createMockProvider } from '../src/testing.js'

/** A mock whose reads return lists in another order and report a detached volume as null. */
function reorderingProvider() {
  const base = createMockProvider()
  const detached = new Set<string>()
  const provider: ProviderV1 = {
    ...base,
    kinds: {
      ...base.kinds,
      instance: {
        ...base.kinds.instance!,
        async readMany(ids, ctx) {
          const found = await base.kinds.instance!.readMany!(ids, ctx)
          return new Map(
            [...found].map(([id, read]) => [
              id,
              {
                ...read,
                props: {
                  ...read.props,
                  firewalls: [...((read.props.firewalls as string[]) ?? [])].reverse(),
                },
              },
            ]),
          )
        },
      },
      volume: {
        ...base.kinds.volume!,
        async readMany(ids, ctx) {
          const found = await base.kinds.volume!.readMany!(ids, ctx)
          return new Map(
            [...found].map(([id, read]) => [
              id,
              detached.has(id) ? { ...read, props: { ...read.props, attachTo: null } } : read,
            ]),
          )
        },
      },
    },
  }
  return { provider, base, detached }
}

describe('refresh', () => {
  it('compares lists of ids without regard to order, and reports a field the cloud no longer has', async () => {
    const { provider, base, detached } = reorderingProvider()
    const build = () => {
      const stack = createStack('r', { provider })
      const vm = stack.add(
        instance('vm', {
          size: 'small',
          image: 'debian-12',
          subnet: 's',
          firewalls: ['sg-1', 'sg-2', 'sg-3'],
        }),
      )
      stack.add(volume('data', { sizeGiB: 10, attachTo: vm.out.id }))
      stack.add(network('net', { cidr: '10.0.0.0/16' }))
      return stack
    }
    const engine = createEngine({ state: memoryState() })
    await engine.up(build())
    const quiet = await engine.refresh(build())
    expect(quiet.drifted).toEqual([])
    expect(planHasChanges(await engine.plan(build()))).toBe(false)

    const volumeId = base.cloud.all().find((resource) => resource.kind === 'volume')!.id
    detached.add(volumeId)
    const drift = await engine.refresh(build())
    expect(drift.drifted).toEqual([
      {
        urn: 'r/volume/data',
        kind: 'volume',
        status: 'drifted',
        fields: [{ path: 'attachTo', recorded: expect.any(String), actual: undefined }],
      },
    ])
    const plan = await engine.plan(build())
    expect(plan.changes.find((change) => change.urn === 'r/volume/data')).toMatchObject({
      action: 'update',
      fields: [{ path: 'attachTo', old: undefined }],
    })
  })
})
