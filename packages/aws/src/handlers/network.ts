import type { Filter, Vpc } from '@aws-sdk/client-ec2'
import {
  type CheckIssue,
  type FoundResource,
  type NetworkOutputs,
  type NetworkSpec,
  parseCidr,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import { DESCRIBE_NETWORK_BATCH } from '../limits.js'
import { networkOptionsSchema } from '../options.js'
import type { AwsRuntime } from '../runtime.js'
import type { Session } from '../session.js'
import { keyFilter, observedUserTags, resourceTags, tagMap, tagSpecifications } from '../tags.js'
import {
  awsSection,
  change,
  changedFields,
  completeOrRollBack,
  foundOf,
  ignoreNotFound,
  type Operations,
  openSession,
  sameValue,
} from './common.js'
import { type DescribeByIdsKind, describeByIds } from './describe-by-ids.js'
import { findAndList } from './find-and-list.js'
import { allItems, ec2PageRequest } from './paginate.js'
import { removeRouting } from './public-routing.js'
import { updateTags } from './update-tags.js'

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
  return foundOf(toRead(vpc), tagMap(vpc.Tags))
}

/** Every page of a DescribeVpcs query. */
function describeVpcs(session: Session, query: { VpcIds?: string[]; Filters?: Filter[] }): Promise<Vpc[]> {
  return allItems(
    (token) =>
      session.ec2('DescribeVpcs', ({ client, sdk }, options) =>
        client.send(new sdk.DescribeVpcsCommand(ec2PageRequest(query, 'VpcIds', 1000, token)), options),
      ),
    (page) => page.Vpcs ?? [],
  )
}

const VPCS: DescribeByIdsKind<Vpc> = {
  describe: (session, ids) => describeVpcs(session, { VpcIds: ids }),
  idOf: (vpc) => vpc.VpcId,
  idPrefix: 'vpc',
  missingCode: 'InvalidVpcID',
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
        vpc = (await describeVpcs(session, { Filters: [keyFilter(key)] }))[0]
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
      const found = await describeByIds(session, ids, VPCS)
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
      if (request.changed.includes('tags'))
        await updateTags(session, id, request.current.props.tags, request.desired.tags)
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

    ...findAndList(
      rt,
      ops,
      (session, filters) => describeVpcs(session, { Filters: filters }),
      (_session, vpcs) => vpcs.map(toFound),
    ),
  }
}
