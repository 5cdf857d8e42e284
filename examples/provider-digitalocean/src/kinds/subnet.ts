import {
  type CheckIssue,
  cidrContains,
  ProviderError,
  parseCidr,
  type ReadResult,
  type ResourceHandlerV1,
  type SubnetOutputs,
  type SubnetSpec,
} from '@skyloom/core/provider'
import { PROVIDER_NAME } from '../api/errors.js'
import { type Vpc, vpcEnvelope } from '../api/wire.js'
import type { Runtime } from '../runtime.js'
import { ignoreNotFound } from './not-found.js'
import { optionsOf, subnetOptionsSchema } from './options.js'

/*
 * subnet → a logical subnet. DigitalOcean VPCs have no subnets: a Droplet takes an address from
 * the whole VPC range. Rather than refuse the kind (which would make every portable stack,
 * network → subnet → instance, fail to plan on DigitalOcean), a subnet here is a record with no
 * cloud object: create checks that its CIDR lies inside the VPC's `ip_range` and returns the id
 * `<vpc uuid>:<cidr>`, from which instances take their `vpc_uuid`. `check` warns that the CIDR
 * does not confine addresses. Instances also accept a bare VPC uuid as `subnet`.
 *
 * Having no cloud object shapes the rest: `read` derives the subnet from its VPC (it exists while
 * the VPC does and holds the CIDR, so a deleted or replaced logical subnet still reads), `delete`
 * has nothing to remove, and `find` has nothing to find by ownership tags.
 */

/** The id of a logical subnet: the VPC's uuid and the subnet's CIDR. */
export function subnetId(vpcId: string, cidr: string): string {
  return `${vpcId}:${cidr}`
}

/** The VPC uuid (and CIDR) behind an instance's `subnet`: a logical subnet id or a VPC uuid. */
export function parseSubnetId(id: string): { vpcId: string; cidr: string | undefined } {
  const colon = id.indexOf(':')
  return colon < 0 ? { vpcId: id, cidr: undefined } : { vpcId: id.slice(0, colon), cidr: id.slice(colon + 1) }
}

export function createSubnetHandler(runtime: Runtime): ResourceHandlerV1<SubnetSpec, SubnetOutputs> {
  const toRead = (vpc: Vpc, cidr: string): ReadResult<SubnetSpec, SubnetOutputs> => {
    const id = subnetId(vpc.id, cidr)
    const inside = contains(vpc.ip_range, cidr)
    return {
      id,
      props: { network: vpc.id, cidr },
      outputs: { id, cidr, zone: vpc.region },
      ...(inside
        ? {}
        : { status: 'failed' as const, message: `${cidr} is no longer inside VPC range ${vpc.ip_range}` }),
    }
  }

  return {
    providerOptions: subnetOptionsSchema,
    operations: { create: { expectedMs: 300 }, delete: { expectedMs: 0 } },

    check(props) {
      const issues: CheckIssue[] = [
        {
          path: 'cidr',
          severity: 'warning',
          message:
            'DigitalOcean VPCs have no subnets: this subnet is recorded and checked against the VPC range, but Droplets take addresses from the whole VPC',
        },
      ]
      if (props.public) {
        issues.push({
          path: 'public',
          severity: 'warning',
          message:
            'DigitalOcean gives public addresses per Droplet: set publicIp: true on the instances instead',
        })
      }
      return issues
    },

    async create(props, ctx) {
      optionsOf(subnetOptionsSchema, ctx.providerOptions)
      const session = runtime.session(ctx)
      const found = await ignoreNotFound(session.json('GET', `/v2/vpcs/${props.network}`, vpcEnvelope))
      if (!found) {
        throw invalid(
          ctx.urn,
          `network ${props.network} is not a VPC of this account; create the network first`,
        )
      }
      const { vpc } = found
      if (!contains(vpc.ip_range, props.cidr)) {
        throw invalid(
          ctx.urn,
          `${props.cidr} lies outside the VPC's range ${vpc.ip_range}: choose a CIDR inside it`,
        )
      }
      if (props.zone && props.zone !== vpc.region) {
        throw invalid(
          ctx.urn,
          `VPC ${vpc.id} is in region ${vpc.region}, so the subnet's zone must be ${vpc.region} or omitted, not ${props.zone}`,
        )
      }
      const read = toRead(vpc, props.cidr)
      return { id: read.id, outputs: read.outputs, ready: true }
    },

    async read(id, ctx) {
      const { vpcId, cidr } = parseSubnetId(id)
      if (!cidr) return undefined
      const found = await ignoreNotFound(runtime.session(ctx).json('GET', `/v2/vpcs/${vpcId}`, vpcEnvelope))
      return found ? toRead(found.vpc, cidr) : undefined
    },

    async update(id, change) {
      // tags and `public` have nothing to change in the cloud; network, cidr and zone replace.
      return { id, outputs: change.current.outputs }
    },

    async delete() {
      // Nothing exists in the cloud.
    },

    async find() {
      // Crash recovery asks what an interrupted create left in the cloud. A logical subnet
      // leaves nothing: create only reads the VPC, and nothing in DigitalOcean carries its
      // ownership tags or a name derived from its idempotency key. So the honest answer is
      // "nothing to adopt", and creating it again is free (the same props give the same id).
      return []
    },
  }
}

function contains(outer: string, inner: string): boolean {
  const a = parseCidr(outer)
  const b = parseCidr(inner)
  return a.ok && b.ok && cidrContains(a.block, b.block)
}

function invalid(urn: string, message: string): ProviderError {
  return new ProviderError({ provider: PROVIDER_NAME, operation: 'create', class: 'invalid', message, urn })
}
