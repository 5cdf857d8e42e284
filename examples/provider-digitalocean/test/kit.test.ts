import type { NeutralKind } from '@skyloom/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DigitalOceanKit, digitalOceanKit } from './support/conformance-kit.js'
import { waitReady } from './support/harness.js'

/*
 * Until @skyloom/testkit lands, this checks that the kit's inputs hold together: each fixture
 * creates, updates in place, and shows out-of-band drift on the next read.
 */
describe('conformance-kit fixtures', () => {
  let kit: DigitalOceanKit
  beforeAll(async () => {
    kit = await digitalOceanKit()
  })
  afterAll(() => kit.cleanup())

  const kinds: NeutralKind[] = ['network', 'subnet', 'firewall', 'instance', 'volume', 'instance-group']
  for (const kind of kinds) {
    it(`${kind}: create, update in place, drift, delete`, async () => {
      const h = kit.harness
      const fixture = kit.fixtures[kind]
      const handler = h.handler(kind)
      const ctx = h.ctx(kind, `kit-${kind}`, {
        stack: 'kit',
        ...(fixture.providerOptions ? { providerOptions: fixture.providerOptions } : {}),
      })
      const created = await handler.create(h.props(kind, fixture.create), ctx)
      const outputs = await waitReady(handler, created.id, ctx)
      await handler.update?.(
        created.id,
        {
          current: { props: h.props(kind, fixture.create), outputs },
          desired: h.props(kind, fixture.update.props),
          changed: fixture.update.changed,
        },
        ctx,
      )
      await waitReady(handler, created.id, ctx)
      const before = await handler.read?.(created.id, ctx)
      const what = await kit.mutateOutOfBand(kind, created.id)
      const after = await handler.read?.(created.id, ctx)
      if (what === undefined) expect(after).toEqual(before)
      else
        expect({ props: after?.props, outputs: after?.outputs }).not.toEqual({
          props: before?.props,
          outputs: before?.outputs,
        })
      await handler.delete?.(created.id, { props: {}, outputs }, ctx)
      if (kind !== 'subnet') expect(await handler.read?.(created.id, ctx)).toBeUndefined()
    })
  }
})
