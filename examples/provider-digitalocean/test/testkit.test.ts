import type { NeutralKind } from '@skyloom/core'
import { testProvider } from '@skyloom/testkit'
import { digitalOceanKit } from './support/conformance-kit.js'

/** The top-level prop each out-of-band change in the kit shows up on. */
const DRIFTED_FIELD: Record<NeutralKind, string | undefined> = {
  network: 'cidr',
  subnet: undefined,
  firewall: 'ingress',
  instance: 'tags',
  volume: 'sizeGiB',
  'instance-group': 'desired',
}

testProvider({
  name: 'digitalocean conformance (local server)',
  kinds: ['network', 'subnet', 'firewall', 'instance', 'volume', 'instance-group'],
  timeoutMs: 30_000,
  async setup() {
    const kit = await digitalOceanKit()
    return {
      provider: kit.provider,
      fixtures: Object.fromEntries(
        Object.entries(kit.fixtures).map(([kind, fixture]) => [
          kind,
          {
            create: fixture.create,
            update: fixture.update,
            ...(fixture.replace ? { replace: fixture.replace } : {}),
            ...(fixture.skip ? { skip: fixture.skip } : {}),
            missingId: kind === 'instance' ? '999999999' : '00000000-0000-4000-8000-000000000000',
          },
        ]),
      ),
      async mutateOutOfBand(kind, id) {
        const changed = await kit.mutateOutOfBand(kind as NeutralKind, id)
        return changed === undefined ? undefined : DRIFTED_FIELD[kind as NeutralKind]
      },
      async throttle() {
        kit.harness.fake.inject({ status: 429, retryAfterSeconds: 3 })
        const handler = kit.harness.handler('network')
        await handler.read!('00000000-0000-4000-8000-000000000000', kit.harness.ctx('network', 'throttle'))
      },
      cleanup: () => kit.cleanup(),
    }
  },
})
