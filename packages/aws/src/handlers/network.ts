import type { DescribeVpcsCommandOutput, Filter, Vpc } from '@aws-sdk/client-ec2'
import {
  type CheckIssue,
  type FoundResource,
  type NetworkOutputs,
  type NetworkSpec,
  OWNERSHIP_TAG_URN,
  ProviderError,
  parseCidr,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import { DESCRIBE_NETWORK_BATCH } from '../limits.js'
import { networkOptionsSchema } from '../options.js'
import type { AwsRuntime } from '../runtime.js'
import type { Session } from '../session.js'
import {
  KEY_TAG,
  observedUserTags,
  ownershipOf,
  resourceTags,
  tagChanges,
  tagFilters,
  tagList,
  tagMap,
  tagSpecifications,
} from '../tags.js'
import {
  awsSection,
  change,
  changedFields,
  completeOrRollBack,
  idsInMessage,
  ignoreNotFound,
  type Operations,
  openSession,
  sameValue,
} from './common.js'
import { removeRouting } from './public-routing.js'

export const NETWORK_OPERATIONS: Operations = {
  create: { scope: 'mutate', expectedMs: 3_000 },
  read: { scope: 'describe', expectedMs: 400 },
  update: { scope: 'mutate', expectedMs: 1_000 },
  delete: { scope: 'mutate', expectedMs: 5_000 },
  find: { scope: 'describe', expectedMs: 500 },
  list: { scope: 'describe', expectedMs: 1_000 },
}

type NetworkHandler = ResourceHandlerV1<NetworkSpec, NetworkOutputs>

/** VPC and subnet blocks must be between /16 and /28. */
export function blockSizeProblem(cidr: string, what: string): string | undefined {
  const parsed = parseCidr(cidr)
  if (!parsed.ok) return undefined
  const prefix = parsed.block.prefix
  if (prefix >= 16 && prefix <= 28) return undefined
  return `AWS ${what} blocks must be between /16 and /28; ${cidr} is /${prefix}. ${prefix < 16 ? 'Split it into /16 networks.' : 'Use a /28 or larger block.'}`
}

function toRead(vpc: Vpc): ReadResult<NetworkSpec, NetworkOutputs> {
  return {
    id: vpc.VpcId ?? '',
    props: { cidr: vpc.CidrBlock ?? '', tags: observedUserTags(tagMap(vpc.Tags)) },
    outputs: { id: vpc.VpcId ?? '', cidr: vpc.CidrBlock ?? '' },
    status: vpc.State === 'pending' ? 'pending' : 'ready',
  }
}

function toFound(vpc: Vpc): FoundResource<NetworkSpec, NetworkOutputs> {
  const tags = tagMap(vpc.Tags)
  return { ...toRead(vpc), tags, ownership: ownershipOf(tags) }
}

async function describeVpcs(
  session: Session,
  query: { VpcIds?: string[]; Filters?: Filter[] },
): Promise<Vpc[]> {
  const vpcs: Vpc[] = []
  let token: string | undefined
  do {
    const page: DescribeVpcsCommandOutput = await session.ec2('DescribeVpcs', ({ client, sdk }, options) =>
      client.send(
        new sdk.DescribeVpcsCommand({
          ...query,
          ...(token ? { NextToken: token } : {}),
          ...(query.VpcIds ? {} : { MaxResults: 1000 }),
        }),
        options,
      ),
    )
    vpcs.push(...(page.Vpcs ?? []))
    token = page.NextToken
  } while (token)
  return vpcs
}

async function describeVpcsById(session: Session, ids: readonly string[]): Promise<Map<string, Vpc>> {
  const found = new Map<string, Vpc>()
  let remaining = [...new Set(ids)]
  for (let attempt = 0; attempt < 3 && remaining.length > 0; attempt++) {
    try {
      for (const vpc of await describeVpcs(session, { VpcIds: remaining }))
        if (vpc.VpcId) found.set(vpc.VpcId, vpc)
      return found
    } catch (error) {
      const missing = new Set(idsInMessage(error, 'vpc'))
      const code = ProviderError.isInstance(error) ? (error.cloudCode ?? '') : ''
      if (!code.startsWith('InvalidVpcID') || missing.size === 0) throw error
      remaining = remaining.filter((id) => !missing.has(id))
    }
  }
  return found
}

/** The handler for `network`: a VPC. Its internet gateway comes with its first public subnet. */
export function networkHandler(rt: AwsRuntime): NetworkHandler {
  const ops = NETWORK_OPERATIONS
  return {
    providerOptions: networkOptionsSchema,
    operations: ops,
    pollIntervalMs: rt.pollIntervalMs,
    readBatchSize: DESCRIBE_NETWORK_BATCH,

    check(props) {
      const issues: CheckIssue[] = []
      const region = rt.regionProblem()
      if (region) issues.push({ path: '', message: region, severity: 'error' })
      const size = blockSizeProblem(props.cidr, 'VPC')
      if (size) issues.push({ path: 'cidr', message: size, severity: 'error' })
      return issues
    },

    diff(current, desired) {
      return {
        changes: changedFields(current.props, desired).map((field) => {
          if (field === 'tags') return change(field, false)
          if (field === 'providerOptions') {
            // DNS host names can be switched on a live VPC; tenancy cannot.
            const same = sameValue(
              awsSection(current.props).instanceTenancy,
              awsSection(desired).instanceTenancy,
            )
            return same ? change(field, false) : change(field, true, "a VPC's tenancy is fixed at creation")
          }
          return change(field, true, `a VPC's ${field} is fixed at creation`)
        }),
      }
    },

    async create(props, ctx) {
      const session = openSession(rt, ctx, 'create', ops)
      const options = session.options(networkOptionsSchema, props)
      const key = ctx.idempotencyKey
      let vpc: Vpc | undefined
      if (rt.sentKeys.has(key)) {
        vpc = (await describeVpcs(session, { Filters: [{ Name: `tag:${KEY_TAG}`, Values: [key] }] }))[0]
      }
      if (!vpc) {
        rt.sentKeys.add(key)
        const created = await session.ec2('CreateVpc', ({ client, sdk }, sendOptions) =>
          client.send(
            new sdk.CreateVpcCommand({
              CidrBlock: props.cidr,
              ...(options.instanceTenancy ? { InstanceTenancy: options.instanceTenancy } : {}),
              TagSpecifications: tagSpecifications(['vpc'], resourceTags(ctx, props.tags, key)),
            }),
            sendOptions,
          ),
        )
        vpc = created.Vpc
      }
      const vpcId = vpc?.VpcId
      if (!vpc || !vpcId) throw session.problem('transient', 'CreateVpc returned no VPC')
      const made = vpc
      return completeOrRollBack(
        session,
        () =>
          ignoreNotFound(
            session.ec2('DeleteVpc', ({ client, sdk }, sendOptions) =>
              client.send(new sdk.DeleteVpcCommand({ VpcId: vpcId }), sendOptions),
            ),
          ),
        async () => {
          if (options.enableDnsHostnames !== false) {
            // Instances with public addresses get public DNS names, as in the default VPC.
            await session.ec2('ModifyVpcAttribute', ({ client, sdk }, sendOptions) =>
              client.send(
                new sdk.ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }),
                sendOptions,
              ),
            )
          }
          return {
            id: vpcId,
            outputs: { id: vpcId, cidr: made.CidrBlock ?? props.cidr },
            ready: made.State !== 'pending',
          }
        },
      )
    },

    async readMany(ids, ctx) {
      const session = openSession(rt, ctx, 'read', ops)
      const found = await describeVpcsById(session, ids)
      return new Map([...found].map(([id, vpc]) => [id, toRead(vpc)]))
    },

    async update(id, request, ctx) {
      const session = openSession(rt, ctx, 'update', ops)
      const unsupported = request.changed.filter((field) => field !== 'tags' && field !== 'providerOptions')
      if (unsupported.length > 0)
        throw session.problem('invalid', `cannot change ${unsupported.join(', ')} of a VPC in place`)
      if (request.changed.includes('providerOptions')) {
        const options = session.options(networkOptionsSchema, request.desired)
        await session.ec2('ModifyVpcAttribute', ({ client, sdk }, sendOptions) =>
          client.send(
            new sdk.ModifyVpcAttributeCommand({
              VpcId: id,
              EnableDnsHostnames: { Value: options.enableDnsHostnames !== false },
            }),
            sendOptions,
          ),
        )
      }
      const { set, remove } = request.changed.includes('tags')
        ? tagChanges(request.current.props.tags ?? {}, request.desired.tags ?? {}, ctx)
        : { set: {}, remove: [] }
      if (Object.keys(set).length > 0) {
        await session.ec2('CreateTags', ({ client, sdk }, options) =>
          client.send(new sdk.CreateTagsCommand({ Resources: [id], Tags: tagList(set) }), options),
        )
      }
      if (remove.length > 0) {
        await session.ec2('DeleteTags', ({ client, sdk }, options) =>
          client.send(
            new sdk.DeleteTagsCommand({ Resources: [id], Tags: remove.map((Key) => ({ Key })) }),
            options,
          ),
        )
      }
      return { id, outputs: { id, cidr: request.current.outputs.cidr } }
    },

    async delete(id, _current, ctx) {
      const session = openSession(rt, ctx, 'delete', ops)
      // Public routing left behind (a crash between a subnet's delete steps) would block DeleteVpc.
      await rt.locks.run(id, () => removeRouting(session, id))
      await ignoreNotFound(
        session.ec2(
          'DeleteVpc',
          ({ client, sdk }, options) => client.send(new sdk.DeleteVpcCommand({ VpcId: id }), options),
          {
            explain: (code) =>
              code === 'DependencyViolation'
                ? 'Something still uses the VPC (subnets, security groups, instances or gateways not managed by this stack).'
                : undefined,
          },
        ),
      )
    },

    async find(query, ctx) {
      const session = openSession(rt, ctx, 'find', ops)
      const filter = query.idempotencyKey
        ? { Name: `tag:${KEY_TAG}`, Values: [query.idempotencyKey] }
        : { Name: `tag:${OWNERSHIP_TAG_URN}`, Values: [query.ownership.urn] }
      return (await describeVpcs(session, { Filters: [filter] })).map(toFound)
    },

    async *list(filter, ctx) {
      const session = openSession(rt, ctx, 'list', ops)
      for (const vpc of await describeVpcs(session, { Filters: tagFilters(filter) })) yield toFound(vpc)
    },
  }
}
