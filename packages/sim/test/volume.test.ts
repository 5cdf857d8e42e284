import { describe, expect, it } from 'vitest'
import { baseNetwork, failure, instanceProps, virtualSim, volumeProps } from './helpers.js'

async function withInstance() {
  const env = virtualSim()
  const { subnet, network } = await baseNetwork(env)
  const vm = await env.handlers.instance.create(instanceProps(subnet), env.ctx('instance', 'db'))
  await env.clock.sleep(40_000)
  return { ...env, subnet, network, vm }
}

describe('volume', () => {
  it('is created in the instance zone and attached, then reads back its size, type and attachment', async () => {
    const { handlers, ctx, clock, vm } = await withInstance()
    const created = await handlers.volume.create(volumeProps({ attachTo: vm.id }), ctx('volume', 'data'))
    expect(created.ready).toBe(false)
    expect(created.outputs).toEqual({ id: created.id, zone: 'sim-east-1a', attachedTo: vm.id })
    await clock.sleep(7_000)
    const read = await handlers.volume.read(created.id, ctx('volume', 'data'))
    expect(read?.status).toBe('ready')
    expect(read?.props).toEqual({ sizeGiB: 100, type: 'ssd', attachTo: vm.id, tags: {} })
  })

  it('refuses to attach across zones', async () => {
    const { handlers, ctx, vm } = await withInstance()
    const error = await failure(() =>
      handlers.volume.create(volumeProps({ attachTo: vm.id, zone: 'sim-east-1b' }), ctx('volume', 'data')),
    )
    expect(error.classification).toBe('invalid')
    expect(error.message).toMatch(/attaches only within its zone/)
  })

  it('grows, changes type, detaches and re-attaches in place, but refuses to shrink', async () => {
    const env = await withInstance()
    const { handlers, ctx, clock, vm, subnet } = env
    const other = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'db-2'))
    await clock.sleep(40_000)
    const volume = await handlers.volume.create(volumeProps({ attachTo: vm.id }), ctx('volume', 'data'))
    await clock.sleep(7_000)
    const current = { props: volumeProps({ attachTo: vm.id }), outputs: volume.outputs }

    const acquired: string[] = []
    const context = { ...ctx('volume', 'data'), acquire: async (scope: string) => void acquired.push(scope) }
    const moved = await handlers.volume.update(
      volume.id,
      {
        current,
        desired: volumeProps({ attachTo: other.id, sizeGiB: 200, type: 'fast' }),
        changed: ['attachTo', 'sizeGiB', 'type'],
      },
      context,
    )
    expect(moved.outputs.attachedTo).toBe(other.id)
    // ModifyVolume, DetachVolume, AttachVolume: the engine pays for the first, the handler for two more.
    expect(acquired).toEqual(['mutate', 'mutate'])
    const read = await handlers.volume.read(volume.id, ctx('volume', 'data'))
    expect(read?.props).toMatchObject({ sizeGiB: 200, type: 'fast', attachTo: other.id })

    const detached = await handlers.volume.update(
      volume.id,
      { current, desired: volumeProps({ sizeGiB: 200, type: 'fast' }), changed: ['attachTo'] },
      ctx('volume', 'data'),
    )
    expect(detached.outputs.attachedTo).toBeUndefined()

    const shrink = await failure(() =>
      handlers.volume.update(
        volume.id,
        { current, desired: volumeProps({ sizeGiB: 50 }), changed: ['sizeGiB'] },
        ctx('volume', 'data'),
      ),
    )
    expect(shrink.classification).toBe('invalid')
    expect(shrink.message).toMatch(/can grow but not shrink/)

    const zone = await failure(() =>
      handlers.volume.update(
        volume.id,
        { current, desired: volumeProps({ zone: 'sim-east-1b' }), changed: ['zone'] },
        ctx('volume', 'data'),
      ),
    )
    expect(zone.message).toMatch(/cannot change zone in place/)
  })

  it('survives its instance detached, and deleting an attached volume detaches it first', async () => {
    const { handlers, ctx, clock, vm, subnet, provider } = await withInstance()
    const kept = await handlers.volume.create(volumeProps({ attachTo: vm.id }), ctx('volume', 'kept'))
    await clock.sleep(7_000)
    await handlers.instance.delete(
      vm.id,
      { props: instanceProps(subnet), outputs: vm.outputs },
      ctx('instance', 'db'),
    )
    expect(provider.cloud.get(kept.id)?.outputs.attachedTo).toBeUndefined()

    const next = await handlers.instance.create(instanceProps(subnet), ctx('instance', 'db-2'))
    await clock.sleep(40_000)
    const attached = await handlers.volume.create(
      volumeProps({ attachTo: next.id }),
      ctx('volume', 'attached'),
    )
    await clock.sleep(7_000)
    await handlers.volume.delete(
      attached.id,
      { props: volumeProps({ attachTo: next.id }), outputs: attached.outputs },
      ctx('volume', 'attached'),
    )
    expect(provider.cloud.get(attached.id)).toBeUndefined()
    expect(provider.cloud.stats().actions).toMatchObject({ DetachVolume: 1, DeleteVolume: 1 })
  })
})
