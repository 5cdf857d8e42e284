import {
  type CheckIssue,
  type FoundResource,
  isUnknown,
  type NetworkOutputs,
  type NetworkSpec,
  OWNERSHIP_TAG_STACK,
  OWNERSHIP_TAG_URN,
  parseCidr,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import type { ApiSession } from '../api/session.js'
import { type Vpc, vpcEnvelope, vpcList } from '../api/wire.js'
import { cloudName } from '../naming.js'
import type { Runtime } from '../runtime.js'
import { ignoreNotFound } from './not-found.js'
import { networkOptionsSchema, optionsOf } from './options.js'

/*
 * network → VPC. VPCs take no tags, so ownership is written into the description as
 * `[skyloom-urn=stack/network/name]`, and `find` scans the account's VPCs for it. VPC names are
 * unique per account, which makes the name-based idempotency key airtight here: a second create
 * with the same key is refused by DigitalOcean itself and the handler adopts the first.
 */

const MARK = /\[skyloom-urn=([^\]]+)\]$/
const MAX_DESCRIPTION = 255

/** The VPC description: the user's text, then the ownership marker. */
export function vpcDescription(urn: string, text: string | undefined): string {
  const mark = `[skyloom-urn=${urn}]`
  const room = MAX_DESCRIPTION - mark.length - 1
  return text ? `${text.slice(0, Math.max(0, room))} ${mark}` : mark
}

export function vpcOwner(vpc: Pick<Vpc, 'description'>): string | undefined {
  return vpc.description ? MARK.exec(vpc.description)?.[1] : undefined
}

export function createNetworkHandler(runtime: Runtime): ResourceHandlerV1<NetworkSpec, NetworkOutputs> {
  const toRead = (vpc: Vpc): ReadResult<NetworkSpec, NetworkOutputs> => ({
    id: vpc.id,
    props: { cidr: vpc.ip_range },
    outputs: { id: vpc.id, cidr: vpc.ip_range },
  })
  const toFound = (vpc: Vpc): FoundResource<NetworkSpec, NetworkOutputs> => {
    const urn = vpcOwner(vpc)
    const stack = urn?.split('/')[0]
    return {
      ...toRead(vpc),
      ownership: { ...(stack ? { stack } : {}), ...(urn ? { urn } : {}) },
      tags: urn && stack ? { [OWNERSHIP_TAG_STACK]: stack, [OWNERSHIP_TAG_URN]: urn } : {},
    }
  }
  const allVpcs = (session: ApiSession) => session.all('/v2/vpcs', vpcList, (page) => page.vpcs)

  return {
    providerOptions: networkOptionsSchema,
    operations: { create: { expectedMs: 2_000 }, delete: { expectedMs: 2_000 } },

    check(props) {
      const issues: CheckIssue[] = []
      if (isUnknown(props.cidr)) return issues
      const parsed = parseCidr(props.cidr)
      if (!parsed.ok) return issues
      const { block } = parsed
      if (block.prefix < 16 || block.prefix > 28) {
        issues.push({
          path: 'cidr',
          severity: 'error',
          message: `a DigitalOcean VPC range is /16 to /28, got /${block.prefix}: split the network or pick another prefix`,
        })
      }
      if (!isRfc1918(block.base, block.last)) {
        issues.push({
          path: 'cidr',
          severity: 'error',
          message: `${props.cidr} is not private: DigitalOcean VPC ranges lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`,
        })
      }
      if (Object.keys(props.tags ?? {}).length > 0) {
        issues.push({
          path: 'tags',
          severity: 'warning',
          message:
            'DigitalOcean VPCs take no tags: these tags are not applied (ownership is kept in the description)',
        })
      }
      return issues
    },

    async create(props, ctx) {
      const session = runtime.session(ctx)
      const options = optionsOf(networkOptionsSchema, ctx.providerOptions)
      const name = cloudName(ctx.name, ctx.idempotencyKey, 'droplet')
      const existing = (await allVpcs(session)).find((vpc) => vpc.name === name)
      if (existing) return { ...toRead(existing), ready: true }
      const created = await session.json('POST', '/v2/vpcs', vpcEnvelope, {
        body: {
          name,
          region: options.region ?? runtime.region,
          ip_range: props.cidr,
          description: vpcDescription(ctx.urn, options.description),
        },
      })
      return { ...toRead(created.vpc), ready: true }
    },

    async read(id, ctx) {
      const session = runtime.session(ctx)
      const found = await ignoreNotFound(session.json('GET', `/v2/vpcs/${id}`, vpcEnvelope))
      return found ? toRead(found.vpc) : undefined
    },

    async update(id, _change, ctx) {
      // cidr replaces; what is left to change (tags, which VPCs cannot hold, and the options'
      // description) only touches the description, which also re-stamps ownership.
      const session = runtime.session(ctx)
      const options = optionsOf(networkOptionsSchema, ctx.providerOptions)
      const updated = await session.json('PATCH', `/v2/vpcs/${id}`, vpcEnvelope, {
        body: { description: vpcDescription(ctx.urn, options.description) },
      })
      return toRead(updated.vpc)
    },

    async delete(id, _current, ctx) {
      await ignoreNotFound(runtime.session(ctx).call('DELETE', `/v2/vpcs/${id}`))
    },

    async find(query, ctx) {
      const session = runtime.session(ctx)
      const byKey = query.idempotencyKey ? cloudName(ctx.name, query.idempotencyKey, 'droplet') : undefined
      return (await allVpcs(session))
        .filter((vpc) => vpc.name === byKey || vpcOwner(vpc) === query.ownership.urn)
        .map(toFound)
    },

    async *list(filter, ctx) {
      for await (const vpc of runtime.session(ctx).paginate('/v2/vpcs', vpcList, (page) => page.vpcs)) {
        const found = toFound(vpc)
        if (!found.ownership?.urn) continue
        if (filter.stack && found.ownership.stack !== filter.stack) continue
        if (filter.tags && Object.entries(filter.tags).some(([key, value]) => found.tags?.[key] !== value))
          continue
        yield found
      }
    },
  }
}

/** Whether [base, last] lies inside one of the RFC 1918 private ranges. */
function isRfc1918(base: number, last: number): boolean {
  const ranges: readonly [number, number][] = [
    [0x0a000000, 0x0affffff],
    [0xac100000, 0xac1fffff],
    [0xc0a80000, 0xc0a8ffff],
  ]
  return ranges.some(([from, to]) => base >= from && last <= to)
}
