import type { NeutralKind } from '@skyloom/core'
import type { RuleId } from '@skyloom/testkit'
import type { DigitalOceanProvider } from '../../src/index.js'
import { type Harness, startHarness, waitReady } from './harness.js'

/** Props for one kind: to create, to change in place, and to force a replacement. */
export interface KindFixture {
  /** Neutral props (input form, before core's schema) of a resource to create. */
  readonly create: Record<string, unknown>
  /** The same resource with a change DigitalOcean makes in place, and the props that changed. */
  readonly update: { readonly props: Record<string, unknown>; readonly changed: readonly string[] }
  /** A change that forces a replacement, or undefined when the kind has none. */
  readonly replace: Record<string, unknown> | undefined
  /** `providerOptions.digitalocean` to use with these props, if any. */
  readonly providerOptions?: Record<string, unknown>
  /** Contract rules the kind cannot meet on DigitalOcean, with why (printed when the kit runs). */
  readonly skip?: Readonly<Partial<Record<RuleId, string>>>
}

/** What `testProvider()` of @skyloom/testkit needs, built over a local DigitalOcean. */
export interface DigitalOceanKit {
  readonly provider: DigitalOceanProvider
  readonly harness: Harness
  readonly kinds: readonly NeutralKind[]
  readonly fixtures: Readonly<Record<NeutralKind, KindFixture>>
  /**
   * Changes a resource behind Skyloom's back, as a console user would; resolves to what changed,
   * or undefined for a kind with nothing in the cloud to change (the logical subnet).
   */
  mutateOutOfBand(kind: NeutralKind, id: string): Promise<string | undefined>
  cleanup(): Promise<void>
}

/**
 * Starts a local DigitalOcean, creates the dependencies the fixtures point at (a VPC, a subnet
 * and a Droplet to attach volumes to, in the stack `kit-deps`), and returns everything the
 * conformance kit takes:
 *
 * ```ts
 * const kit = await digitalOceanKit()
 * testProvider({ provider: kit.provider, kinds: kit.kinds, fixtures: kit.fixtures,
 *   mutateOutOfBand: kit.mutateOutOfBand, cleanup: kit.cleanup })
 * ```
 */
export async function digitalOceanKit(): Promise<DigitalOceanKit> {
  // The local server compresses cloud time about a thousandfold (a Droplet boots in 40 ms, not
  // a minute), so the kit's whole run, some 250 requests, arrives within a few seconds: all in
  // one of DigitalOcean's 250-a-minute windows, where on DigitalOcean the same requests spread
  // over many minutes. Each kind also runs on a fresh engine, whose rate-limit bucket knows
  // nothing of the others'. So the minute window is widened here, and the hourly one kept;
  // throttling itself is checked by the kit's E2 with an injected 429, and by errors.test.ts.
  const h = await startHarness({ fake: { perMinute: 1_000 } })
  const deps = { stack: 'kit-deps' }
  const vpc = await h
    .handler('network')
    .create(h.props('network', { cidr: '10.90.0.0/16' }), h.ctx('network', 'vpc', deps))
  const subnet = await h
    .handler('subnet')
    .create(h.props('subnet', { network: vpc.id, cidr: '10.90.1.0/24' }), h.ctx('subnet', 'a', deps))
  const hostCtx = h.ctx('instance', 'host', deps)
  const host = await h
    .handler('instance')
    .create(h.props('instance', { size: 'small', image: 'ubuntu-24.04', subnet: subnet.id }), hostCtx)
  await waitReady(h.handler('instance'), host.id, hostCtx)

  const instance = { size: 'small', image: 'ubuntu-24.04', subnet: subnet.id, tags: { kit: 'yes' } }
  const group = { size: 'small', image: 'ubuntu-24.04', subnets: [subnet.id], min: 1, max: 3, desired: 1 }
  const rules = { network: vpc.id, ingress: [{ ports: 443, from: '0.0.0.0/0' }] }
  const fixtures: Record<NeutralKind, KindFixture> = {
    network: {
      create: { cidr: '10.91.0.0/16' },
      update: { props: { cidr: '10.91.0.0/16', tags: { kit: 'yes' } }, changed: ['tags'] },
      replace: { cidr: '10.92.0.0/16' },
    },
    subnet: {
      create: { network: vpc.id, cidr: '10.90.2.0/24' },
      update: { props: { network: vpc.id, cidr: '10.90.2.0/24', tags: { kit: 'yes' } }, changed: ['tags'] },
      replace: { network: vpc.id, cidr: '10.90.3.0/24' },
      // A logical subnet is no object in DigitalOcean (VPCs have no subnets): see src/kinds/subnet.ts.
      // What these rules would check is covered by test/subnet.test.ts instead.
      skip: {
        'K7-find':
          'a logical subnet has no cloud object to carry ownership tags (VPCs have no subnets and take no tags), so find honestly returns [] ("nothing to adopt"; recreating one costs nothing)',
        'K4-replace':
          'the cidr change is planned and applied as a replacement with a new id, but the old logical subnet still reads: read derives it from its VPC, which still exists and still holds the old CIDR, and there is nothing in the cloud to remove',
        'K9-delete':
          'deleting a logical subnet changes nothing in DigitalOcean, and read derives the subnet from its VPC, so it reads for as long as the VPC exists and holds the CIDR (it reads as gone once the VPC is deleted)',
        'I1-idempotency':
          'two creates with one key do give one id (the id <vpc uuid>:<cidr> is a function of the props), but find returns [] for a logical subnet (see K7), so the count by ownership cannot be 1',
      },
    },
    firewall: {
      create: rules,
      update: {
        props: { ...rules, ingress: [{ ports: [80, 443], from: '0.0.0.0/0' }] },
        changed: ['ingress'],
      },
      replace: undefined,
    },
    instance: {
      create: instance,
      update: { props: { ...instance, size: 'medium', tags: { kit: 'changed' } }, changed: ['size', 'tags'] },
      replace: { ...instance, image: 'debian-12' },
    },
    volume: {
      create: { sizeGiB: 5, attachTo: host.id },
      update: { props: { sizeGiB: 8, attachTo: host.id }, changed: ['sizeGiB'] },
      // A move to another region, unattached: the host is in nyc3, and a volume attaches only to
      // Droplets of its own region (the provider refuses fra1 + the host before creating).
      replace: { sizeGiB: 5, zone: 'fra1' },
    },
    'instance-group': {
      create: group,
      update: { props: { ...group, desired: 2 }, changed: ['desired'] },
      replace: undefined,
    },
  }

  const account = h.fake.account
  return {
    provider: h.provider,
    harness: h,
    kinds: ['network', 'subnet', 'firewall', 'instance', 'volume', 'instance-group'],
    fixtures,
    async mutateOutOfBand(kind, id) {
      switch (kind) {
        case 'network': {
          // Not possible on DigitalOcean itself; the local server can, to show drift in `cidr`.
          const found = account.vpcs.get(id)
          if (!found) throw new Error(`no VPC ${id}`)
          ;(found as { ipRange: string }).ipRange = '10.99.0.0/16'
          return 'ip_range set to 10.99.0.0/16'
        }
        case 'firewall': {
          const found = account.firewalls.get(id)
          if (!found) throw new Error(`no firewall ${id}`)
          found.inbound = [{ protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0'] } }]
          return 'inbound rules replaced by tcp/22 from anywhere'
        }
        case 'instance': {
          const found = account.droplets.get(Number(id))
          if (!found) throw new Error(`no Droplet ${id}`)
          // As in the control panel: the tag is created in the account, then put on the Droplet
          // (on DigitalOcean a resource cannot carry a tag that does not exist).
          account.tags.add('drift:yes')
          found.tags = [...found.tags, 'drift:yes']
          return 'tag drift:yes added'
        }
        case 'volume': {
          const found = account.volumes.get(id)
          if (!found) throw new Error(`no volume ${id}`)
          found.sizeGiB += 1
          return `resized to ${found.sizeGiB} GiB`
        }
        case 'instance-group': {
          const found = account.pools.get(id)
          if (!found) throw new Error(`no autoscale pool ${id}`)
          found.config = { target_number_instances: Number(found.config.target_number_instances ?? 1) + 1 }
          return `target set to ${String(found.config.target_number_instances)}`
        }
        case 'subnet':
          return undefined
      }
    },
    cleanup: () => h.close(),
  }
}
