import type { Filter, Subnet } from '@aws-sdk/client-ec2'
import type {
  CheckIssue,
  FoundResource,
  ReadResult,
  ResourceHandlerV1,
  SubnetOutputs,
  SubnetSpec,
} from '@skyloom/core/provider'
import { DESCRIBE_NETWORK_BATCH } from '../limits.js'
import { subnetOptionsSchema } from '../options.js'
import type { AwsRuntime } from '../runtime.js'
import type { Session } from '../session.js'
import { keyFilter, observedUserTags, resourceTags, tagMap, tagSpecifications } from '../tags.js'
import {
  change,
  changedFields,
  completeOrRollBack,
  foundOf,
  ignoreNotFound,
  type Operations,
  openSession,
} from './common.js'
import { type DescribeByIdsKind, describeByIds } from './describe-by-ids.js'
import { findAndList } from './find-and-list.js'
import { blockSizeProblem } from './network.js'
import { allItems, ec2PageRequest } from './paginate.js'
import { makePrivate, makePublic, publicSubnets } from './public-routing.js'
import { updateTags } from './update-tags.js'
import { firstZone } from './zones.js'

export const SUBNET_OPERATIONS: Operations = {
  create: { scope: 'mutate', expectedMs: 3_000 },
  read: { scope: 'describe', expectedMs: 400 },
  update: { scope: 'mutate', expectedMs: 3_000 },
  delete: { scope: 'mutate', expectedMs: 5_000 },
  find: { scope: 'describe', expectedMs: 500 },
  list: { scope: 'describe', expectedMs: 1_000 },
}

type SubnetHandler = ResourceHandlerV1<SubnetSpec, SubnetOutputs>

function outputsOf(subnet: Subnet): SubnetOutputs {
  return { id: subnet.SubnetId ?? '', cidr: subnet.CidrBlock ?? '', zone: subnet.AvailabilityZone ?? '' }
}

function toRead(subnet: Subnet, isPublic: boolean): ReadResult<SubnetSpec, SubnetOutputs> {
  return {
    id: subnet.SubnetId ?? '',
    props: {
      network: subnet.VpcId ?? '',
      cidr: subnet.CidrBlock ?? '',
      public: isPublic,
      tags: observedUserTags(tagMap(subnet.Tags)),
    },
    outputs: outputsOf(subnet),
    status: subnet.State === 'pending' ? 'pending' : 'ready',
  }
}

/** Subnets as `find` and `list` return them, each public when its VPC's public route table has it. */
async function foundSubnets(
  session: Session,
  subnets: readonly Subnet[],
): Promise<FoundResource<SubnetSpec, SubnetOutputs>[]> {
  const publicIds = await publicSubnets(
    session,
    subnets.map((subnet) => subnet.SubnetId ?? '').filter(Boolean),
  )
  return subnets.map((subnet) =>
    foundOf(toRead(subnet, publicIds.has(subnet.SubnetId ?? '')), tagMap(subnet.Tags)),
  )
}

/** Every page of a DescribeSubnets query. */
function describeSubnets(
  session: Session,
  query: { SubnetIds?: string[]; Filters?: Filter[] },
): Promise<Subnet[]> {
  return allItems(
    (token) =>
      session.ec2('DescribeSubnets', ({ client, sdk }, options) =>
        client.send(new sdk.DescribeSubnetsCommand(ec2PageRequest(query, 'SubnetIds', 1000, token)), options),
      ),
    (page) => page.Subnets ?? [],
  )
}

const SUBNETS: DescribeByIdsKind<Subnet> = {
  describe: (session, ids) => describeSubnets(session, { SubnetIds: ids }),
  idOf: (subnet) => subnet.SubnetId,
  idPrefix: 'subnet',
  missingCode: 'InvalidSubnetID',
}

/** The handler for `subnet`: a zonal EC2 subnet; public ones share their VPC's internet gateway. */
export function subnetHandler(rt: AwsRuntime): SubnetHandler {
  const ops = SUBNET_OPERATIONS

  const setMapPublicIp = (session: Session, subnetId: string, value: boolean) =>
    session.ec2('ModifySubnetAttribute', ({ client, sdk }, options) =>
      client.send(
        new sdk.ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: value } }),
        options,
      ),
    )

  return {
    providerOptions: subnetOptionsSchema,
    operations: ops,
    pollIntervalMs: rt.pollIntervalMs,
    readBatchSize: DESCRIBE_NETWORK_BATCH,

    check(props) {
      const issues: CheckIssue[] = []
      const region = rt.regionProblem()
      if (region) issues.push({ path: '', message: region, severity: 'error' })
      const size = blockSizeProblem(props.cidr, 'subnet')
      if (size) issues.push({ path: 'cidr', message: size, severity: 'error' })
      const configured = rt.configuredRegion()
      if (props.zone && configured && !props.zone.startsWith(configured)) {
        issues.push({
          path: 'zone',
          message: `zone "${props.zone}" is not in region ${configured}; its zones are named ${configured}a, ${configured}b, …`,
          severity: 'error',
        })
      }
      return issues
    },

    diff(current, desired) {
      return {
        changes: changedFields(current.props, desired).map((field) =>
          field === 'tags' || field === 'public' || field === 'providerOptions'
            ? change(field, false)
            : change(field, true, `a subnet's ${field} is fixed at creation`),
        ),
      }
    },

    async create(props, ctx) {
      const session = openSession(rt, ctx, 'create', ops)
      const options = session.options(subnetOptionsSchema, props)
      const key = ctx.idempotencyKey
      let subnet: Subnet | undefined
      if (rt.sentKeys.has(key)) {
        subnet = (await describeSubnets(session, { Filters: [keyFilter(key)] }))[0]
      }
      if (!subnet) {
        const zone = props.zone ?? (await firstZone(session))
        rt.sentKeys.add(key)
        const created = await session.ec2(
          'CreateSubnet',
          ({ client, sdk }, sendOptions) =>
            client.send(
              new sdk.CreateSubnetCommand({
                VpcId: props.network,
                CidrBlock: props.cidr,
                AvailabilityZone: zone,
                TagSpecifications: tagSpecifications(['subnet'], resourceTags(ctx, props.tags, key)),
              }),
              sendOptions,
            ),
          {
            explain: (code) =>
              code === 'InvalidSubnet.Range'
                ? `The subnet's block must lie inside its network's.`
                : code === 'InvalidSubnet.Conflict'
                  ? 'It overlaps another subnet of the VPC.'
                  : undefined,
          },
        )
        subnet = created.Subnet
      }
      const subnetId = subnet?.SubnetId
      if (!subnet || !subnetId) throw session.problem('transient', 'CreateSubnet returned no subnet')
      const made = subnet
      return completeOrRollBack(
        session,
        async () => {
          if (props.public) await makePrivate(session, props.network, subnetId)
          await ignoreNotFound(
            session.ec2('DeleteSubnet', ({ client, sdk }, sendOptions) =>
              client.send(new sdk.DeleteSubnetCommand({ SubnetId: subnetId }), sendOptions),
            ),
          )
        },
        async () => {
          const mapPublicIp = options.mapPublicIpOnLaunch ?? props.public
          if (mapPublicIp && !made.MapPublicIpOnLaunch) await setMapPublicIp(session, subnetId, true)
          if (props.public) await makePublic(session, props.network, subnetId)
          return { id: subnetId, outputs: outputsOf(made), ready: made.State !== 'pending' }
        },
      )
    },

    async readMany(ids, ctx) {
      const session = openSession(rt, ctx, 'read', ops)
      const found = await describeByIds(session, ids, SUBNETS)
      const publicIds = await publicSubnets(session, [...found.keys()])
      return new Map([...found].map(([id, subnet]) => [id, toRead(subnet, publicIds.has(id))]))
    },

    async update(id, request, ctx) {
      const session = openSession(rt, ctx, 'update', ops)
      const { current, desired } = request
      const changed = new Set(request.changed)
      const unsupported = [...changed].filter(
        (field) => !['tags', 'public', 'providerOptions'].includes(field),
      )
      if (unsupported.length > 0)
        throw session.problem('invalid', `cannot change ${unsupported.join(', ')} of a subnet in place`)
      if (changed.has('tags')) await updateTags(session, id, current.props.tags, desired.tags)
      if (changed.has('public') || changed.has('providerOptions')) {
        const options = session.options(subnetOptionsSchema, desired)
        await setMapPublicIp(session, id, options.mapPublicIpOnLaunch ?? desired.public)
        if (changed.has('public')) {
          if (desired.public) await makePublic(session, desired.network, id)
          else await makePrivate(session, desired.network, id)
        }
      }
      return { id, outputs: current.outputs }
    },

    async delete(id, current, ctx) {
      const session = openSession(rt, ctx, 'delete', ops)
      const vpcId = current.props.network
      // Leaving the public route table first lets the last public subnet take the gateway with it.
      if (current.props.public && vpcId) await makePrivate(session, vpcId, id)
      await ignoreNotFound(
        session.ec2(
          'DeleteSubnet',
          ({ client, sdk }, options) => client.send(new sdk.DeleteSubnetCommand({ SubnetId: id }), options),
          {
            explain: (code) =>
              code === 'DependencyViolation'
                ? 'Instances, interfaces or load balancers outside this stack still use the subnet.'
                : undefined,
          },
        ),
      )
    },

    ...findAndList(
      rt,
      ops,
      (session, filters) => describeSubnets(session, { Filters: filters }),
      foundSubnets,
    ),
  }
}
