import type { _InstanceType, DescribeInstancesCommandOutput, Filter, Instance } from '@aws-sdk/client-ec2'
import type {
  CheckIssue,
  FoundResource,
  InstanceOutputs,
  InstanceSpec,
  InstanceState,
  OperationContext,
  ReadResult,
  ResourceHandlerV1,
} from '@skyloom/core/provider'
import { BatchWaiter } from '../batch-waiter.js'
import { DESCRIBE_INSTANCES_BATCH } from '../limits.js'
import { checkOptions, type InstanceOptions, instanceOptionsSchema } from '../options.js'
import { type AwsRuntime, VISIBILITY_GRACE_MS } from '../runtime.js'
import type { Session } from '../session.js'
import {
  findFilter,
  keyFilter,
  observedUserTags,
  resourceTags,
  tagFilters,
  tagMap,
  tagSpecifications,
} from '../tags.js'
import {
  awsSection,
  change,
  changedFields,
  clientToken,
  foundOf,
  ignoreNotFound,
  type Operations,
  openSession,
  sameSet,
  sameValue,
} from './common.js'
import { type DescribeByIdsKind, describeByIds, describeOneById } from './describe-by-ids.js'
import { checkLaunch, encodeUserData, launchHints, resolveInstanceType, rootDisk } from './launch.js'
import { allItems, eachItem, ec2PageRequest } from './paginate.js'
import { updateTags } from './update-tags.js'

export const INSTANCE_OPERATIONS: Operations = {
  // Pending to running takes 10-60 s on EC2.
  create: { scope: 'run-instances', expectedMs: 45_000 },
  read: { scope: 'describe', expectedMs: 400 },
  update: { scope: 'mutate', expectedMs: 90_000 },
  delete: { scope: 'terminate-instances', expectedMs: 60_000 },
  find: { scope: 'describe', expectedMs: 500 },
  list: { scope: 'describe', expectedMs: 1_000 },
  action: { scope: 'mutate', expectedMs: 30_000 },
}

const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped']

/** Props that can change in place; everything else replaces the instance. */
const IN_PLACE = new Set(['tags', 'firewalls', 'size'])

type InstanceHandler = ResourceHandlerV1<InstanceSpec, InstanceOutputs>

export function stateOf(instance: Instance): InstanceState {
  switch (instance.State?.Name) {
    case 'pending':
      return 'pending'
    case 'running':
      return 'running'
    case 'stopping':
      return 'stopping'
    case 'stopped':
      return 'stopped'
    default:
      // shutting-down and terminated: on the way out either way.
      return 'terminated'
  }
}

export function instanceOutputs(instance: Instance): InstanceOutputs {
  return {
    id: instance.InstanceId ?? '',
    privateAddress: instance.PrivateIpAddress ?? '',
    ...(instance.PublicIpAddress ? { publicAddress: instance.PublicIpAddress } : {}),
    zone: instance.Placement?.AvailabilityZone ?? '',
    state: stateOf(instance),
    machineType: instance.InstanceType ?? '',
  }
}

/**
 * The security groups of an instance. EC2 lists them on the instance and on its primary
 * interface (moto only on the interface for launches with NetworkInterfaces, and only on the
 * instance after ModifyInstanceAttribute), so the instance's list wins when present. The VPC's
 * `default` group, which EC2 attaches when none is given, is not one of the stack's firewalls.
 */
function groupsOf(instance: Instance): string[] {
  const primary =
    instance.NetworkInterfaces?.find((nic) => nic.Attachment?.DeviceIndex === 0) ??
    instance.NetworkInterfaces?.[0]
  const groups = instance.SecurityGroups?.length ? instance.SecurityGroups : (primary?.Groups ?? [])
  return groups
    .filter((group) => group.GroupName !== 'default')
    .map((group) => group.GroupId ?? '')
    .filter(Boolean)
    .sort()
}

/** Whether an instance stopped or terminated because someone asked (not a failed launch). */
function userInitiated(instance: Instance): boolean {
  return /UserInitiated/.test(instance.StateReason?.Code ?? '')
}

function observedProps(instance: Instance): Partial<InstanceSpec> {
  return {
    ...(instance.SubnetId ? { subnet: instance.SubnetId } : {}),
    firewalls: groupsOf(instance),
    // EC2 releases a public address when the instance stops and may not have assigned it yet
    // while pending: only a running instance says whether it has one. Read otherwise, a
    // stopped machine would look drifted and `publicIp` forces a replacement.
    ...(instance.State?.Name === 'running' ? { publicIp: Boolean(instance.PublicIpAddress) } : {}),
    tags: observedUserTags(tagMap(instance.Tags)),
  }
}

function toRead(instance: Instance): ReadResult<InstanceSpec, InstanceOutputs> {
  const state = stateOf(instance)
  return {
    id: instance.InstanceId ?? '',
    props: observedProps(instance),
    outputs: instanceOutputs(instance),
    status: state === 'pending' || state === 'stopping' ? 'pending' : 'ready',
  }
}

function toFound(instance: Instance): FoundResource<InstanceSpec, InstanceOutputs> {
  return foundOf(toRead(instance), tagMap(instance.Tags))
}

/** The page after `token` of a DescribeInstances query. */
function describeInstancesPage(
  session: Session,
  query: { InstanceIds?: string[]; Filters?: Filter[] },
  token: string | undefined,
): Promise<DescribeInstancesCommandOutput> {
  return session.ec2('DescribeInstances', ({ client, sdk }, options) =>
    client.send(new sdk.DescribeInstancesCommand(ec2PageRequest(query, 'InstanceIds', 1000, token)), options),
  )
}

/** The instances of one DescribeInstances page, out of their reservations. */
function instancesOf(page: DescribeInstancesCommandOutput): Instance[] {
  return (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])
}

/** Every page of a DescribeInstances query. */
export function describeInstances(
  session: Session,
  query: { InstanceIds?: string[]; Filters?: Filter[] },
): Promise<Instance[]> {
  return allItems((token) => describeInstancesPage(session, query, token), instancesOf)
}

const INSTANCES: DescribeByIdsKind<Instance> = {
  describe: (session, ids) => describeInstances(session, { InstanceIds: ids }),
  idOf: (instance) => instance.InstanceId,
  idPrefix: 'i',
  missingCode: 'InvalidInstanceID',
  // Still failing after dropping named ids: ask by filter, which ignores unknown ids.
  byFilter: (session, ids) => describeInstances(session, { Filters: [{ Name: 'instance-id', Values: ids }] }),
}

/** One DescribeInstances for up to 1,000 ids, without the ones that do not exist (see {@link describeByIds}). */
export function describeInstancesById(
  session: Session,
  ids: readonly string[],
): Promise<Map<string, Instance>> {
  return describeByIds(session, ids, INSTANCES)
}

/** The handler for `instance`: one EC2 instance from RunInstances. */
export function instanceHandler(rt: AwsRuntime): InstanceHandler {
  const ops = INSTANCE_OPERATIONS

  /** Waits for instances to be terminated (or gone); one DescribeInstances per round for all of them. */
  const terminations = new BatchWaiter<Instance>({
    intervalMs: rt.pollIntervalMs,
    batchSize: DESCRIBE_INSTANCES_BATCH,
    check: (ids, session) => describeInstancesById(session, ids),
    verdict: (instance) =>
      instance === undefined || instance.State?.Name === 'terminated' ? 'done' : 'wait',
  })
  const stops = new BatchWaiter<Instance>({
    intervalMs: rt.pollIntervalMs,
    batchSize: DESCRIBE_INSTANCES_BATCH,
    check: (ids, session) => describeInstancesById(session, ids),
    verdict: (instance) => {
      if (instance === undefined || stateOf(instance) === 'terminated')
        return { failed: 'the instance was terminated while waiting for it to stop' }
      return instance.State?.Name === 'stopped' ? 'done' : 'wait'
    },
  })

  const findByKey = async (session: Session, key: string): Promise<Instance[]> =>
    describeInstances(session, {
      Filters: [keyFilter(key), { Name: 'instance-state-name', Values: LIVE_STATES }],
    })

  const describeOne = (session: Session, id: string): Promise<Instance> =>
    describeOneById(session, id, INSTANCES, { what: 'instance', code: 'InvalidInstanceID.NotFound' })

  const setState =
    (api: 'StartInstances' | 'StopInstances' | 'RebootInstances' | 'TerminateInstances') =>
    async (id: string, ctx: OperationContext): Promise<Partial<InstanceOutputs>> => {
      const session = openSession(rt, ctx, 'action', ops)
      if (api === 'TerminateInstances') {
        rt.launched.delete(id)
      } else {
        // A terminated instance is gone for good. EC2 answers IncorrectInstanceState, which
        // reads as a retryable conflict (right for one still stopping), and emulators may
        // even bring it back to life; so say plainly what happened instead.
        const instance = await describeOne(session, id)
        if (stateOf(instance) === 'terminated') {
          throw session.problem(
            'invalid',
            `instance ${id} is ${instance.State?.Name ?? 'terminated'}: EC2 cannot ${api.replace('Instances', '').toLowerCase()} it, as termination is final. Apply the stack to launch a replacement.`,
            'IncorrectInstanceState',
          )
        }
      }
      const output = await session.ec2(api, ({ client, sdk }, options) => {
        switch (api) {
          case 'StartInstances':
            return client
              .send(new sdk.StartInstancesCommand({ InstanceIds: [id] }), options)
              .then((r) => r.StartingInstances)
          case 'StopInstances':
            return client
              .send(new sdk.StopInstancesCommand({ InstanceIds: [id] }), options)
              .then((r) => r.StoppingInstances)
          case 'TerminateInstances':
            return client
              .send(new sdk.TerminateInstancesCommand({ InstanceIds: [id] }), options)
              .then((r) => r.TerminatingInstances)
          default:
            return client
              .send(new sdk.RebootInstancesCommand({ InstanceIds: [id] }), options)
              .then(() => undefined)
        }
      })
      const next = output?.[0]?.CurrentState
      return next ? { state: stateOf({ State: next }) } : {}
    }

  return {
    providerOptions: instanceOptionsSchema,
    operations: ops,
    pollIntervalMs: rt.pollIntervalMs,
    readBatchSize: DESCRIBE_INSTANCES_BATCH,

    check(props, ctx) {
      const issues: CheckIssue[] = []
      const options = checkOptions(instanceOptionsSchema, ctx.providerOptions, props, issues)
      issues.push(...checkLaunch(rt, props, options))
      const region = rt.configuredRegion()
      if (props.zone && region && !props.zone.startsWith(region)) {
        issues.push({
          path: 'zone',
          message: `zone "${props.zone}" is not in region ${region}; AWS zones of ${region} are named ${region}a, ${region}b, …`,
          severity: 'error',
        })
      }
      return issues
    },

    diff(current, desired) {
      const changes = changedFields(current.props, desired)
        .filter((field) => !(field === 'firewalls' && sameSet(current.props.firewalls, desired.firewalls)))
        .map((field) => {
          if (field === 'providerOptions') {
            // Only the instance type can change in place (stop, modify, start).
            const { instanceType: before, ...restBefore } = awsSection(current.props)
            const { instanceType: after, ...restAfter } = awsSection(desired)
            void before
            void after
            return sameValue(restBefore, restAfter)
              ? change('providerOptions', false)
              : change(
                  'providerOptions',
                  true,
                  'EC2 fixes key pair, profile, root volume type and monitoring at launch',
                )
          }
          if (IN_PLACE.has(field)) return change(field, false)
          return change(field, true, `EC2 cannot change an instance's ${field} after launch`)
        })
      return { changes }
    },

    async create(props, ctx) {
      const session = openSession(rt, ctx, 'create', ops)
      const options: InstanceOptions = session.options(instanceOptionsSchema, props)
      const region = await session.region()
      const instanceType = resolveInstanceType(session, props, options)
      const key = ctx.idempotencyKey

      // A retry of a create whose response was lost: the first call may have launched it.
      if (rt.sentKeys.has(key)) {
        const existing = (await findByKey(session, key))[0]
        if (existing?.InstanceId) {
          ctx.logger.info(
            { urn: ctx.urn, id: existing.InstanceId },
            'found the instance launched by an earlier attempt',
          )
          return {
            id: existing.InstanceId,
            outputs: instanceOutputs(existing),
            ready: stateOf(existing) === 'running',
          }
        }
      }

      const image = await session.image(props.image)
      const tags = resourceTags(ctx, props.tags, key)
      rt.sentKeys.add(key)
      const reservation = await session.ec2(
        'RunInstances',
        ({ client, sdk }, sendOptions) =>
          client.send(
            new sdk.RunInstancesCommand({
              ImageId: image.imageId,
              InstanceType: instanceType as _InstanceType,
              MinCount: 1,
              MaxCount: 1,
              ClientToken: clientToken(key),
              NetworkInterfaces: [
                {
                  DeviceIndex: 0,
                  SubnetId: props.subnet,
                  Groups: [...props.firewalls],
                  AssociatePublicIpAddress: props.publicIp,
                  DeleteOnTermination: true,
                },
              ],
              ...(props.zone ? { Placement: { AvailabilityZone: props.zone } } : {}),
              ...(props.userData === undefined ? {} : { UserData: encodeUserData(props.userData) }),
              ...(props.diskGiB === undefined
                ? {}
                : { BlockDeviceMappings: rootDisk(session, image, props.diskGiB, options.rootVolumeType) }),
              ...(options.keyName ? { KeyName: options.keyName } : {}),
              ...(options.iamInstanceProfile
                ? {
                    IamInstanceProfile: options.iamInstanceProfile.startsWith('arn:')
                      ? { Arn: options.iamInstanceProfile }
                      : { Name: options.iamInstanceProfile },
                  }
                : {}),
              ...(options.monitoring ? { Monitoring: { Enabled: true } } : {}),
              ...(options.requireImdsv2 === false ? {} : { MetadataOptions: { HttpTokens: 'required' } }),
              TagSpecifications: tagSpecifications(['instance', 'volume'], tags),
            }),
            sendOptions,
          ),
        { instances: 1, explain: launchHints(props.image, instanceType, region) },
      )
      const instance = reservation.Instances?.[0]
      if (!instance?.InstanceId) throw session.problem('transient', 'RunInstances returned no instance')
      rt.launched.set(instance.InstanceId, ctx.clock.now())
      ctx.logger.debug({ urn: ctx.urn, id: instance.InstanceId, instanceType }, 'instance launched')
      return {
        id: instance.InstanceId,
        outputs: instanceOutputs(instance),
        ready: stateOf(instance) === 'running',
      }
    },

    async readMany(ids, ctx) {
      const session = openSession(rt, ctx, 'read', ops)
      const found = await describeInstancesById(session, ids)
      const results = new Map<string, ReadResult<InstanceSpec, InstanceOutputs>>()
      const now = ctx.clock.now()
      for (const id of ids) {
        const instance = found.get(id)
        const launchedAt = rt.launched.get(id)
        const recent = launchedAt !== undefined && now - launchedAt < VISIBILITY_GRACE_MS
        if (instance && stateOf(instance) !== 'terminated') {
          results.set(id, toRead(instance))
        } else if (instance && recent && !userInitiated(instance)) {
          // Launched by us and already gone: a failed launch (capacity, bad volume…). Say why.
          results.set(id, {
            ...toRead(instance),
            status: 'failed',
            message: `the instance terminated right after launch: ${instance.StateReason?.Message ?? instance.StateTransitionReason ?? 'no reason given'}`,
          })
        } else if (!instance && recent) {
          // EC2 is eventually consistent: a fresh launch can be invisible for a few seconds.
          results.set(id, {
            id,
            props: {},
            outputs: { id, privateAddress: '', zone: '', state: 'pending', machineType: '' },
            status: 'pending',
            message: 'launched, not yet visible to DescribeInstances',
          })
        }
      }
      return results
    },

    async update(id, request, ctx) {
      const session = openSession(rt, ctx, 'update', ops)
      const { current, desired } = request
      const changed = new Set(request.changed)
      const unsupported = [...changed].filter((field) => !IN_PLACE.has(field) && field !== 'providerOptions')
      if (unsupported.length > 0) {
        throw session.problem(
          'invalid',
          `cannot change ${unsupported.join(', ')} of an existing instance; it must be replaced`,
        )
      }
      if (changed.has('tags')) await updateTags(session, id, current.props.tags, desired.tags)
      if (changed.has('firewalls')) {
        await session.ec2('ModifyInstanceAttribute', ({ client, sdk }, options) =>
          client.send(
            new sdk.ModifyInstanceAttributeCommand({ InstanceId: id, Groups: [...desired.firewalls] }),
            options,
          ),
        )
      }
      let restarted = false
      if (changed.has('size') || changed.has('providerOptions')) {
        const options = session.options(instanceOptionsSchema, desired)
        const instanceType = resolveInstanceType(session, desired, options)
        const before = await describeOne(session, id)
        if (before.InstanceType !== instanceType) {
          // EC2 changes a type only while stopped: stop, modify, start (the instance keeps its disks and private address).
          const wasRunning = before.State?.Name !== 'stopped'
          ctx.progress(`resizing ${before.InstanceType} → ${instanceType}: stopping`)
          if (wasRunning) {
            await session.ec2('StopInstances', ({ client, sdk }, options) =>
              client.send(new sdk.StopInstancesCommand({ InstanceIds: [id] }), options),
            )
            await stops.wait(id, session)
          }
          await session.ec2('ModifyInstanceAttribute', ({ client, sdk }, options) =>
            client.send(
              new sdk.ModifyInstanceAttributeCommand({
                InstanceId: id,
                InstanceType: { Value: instanceType },
              }),
              options,
            ),
          )
          if (wasRunning) {
            ctx.progress(`resizing to ${instanceType}: starting`)
            await session.ec2('StartInstances', ({ client, sdk }, options) =>
              client.send(new sdk.StartInstancesCommand({ InstanceIds: [id] }), options),
            )
            restarted = true
          }
        }
      }
      const after = await describeOne(session, id)
      return { id, outputs: instanceOutputs(after), ready: !restarted || stateOf(after) === 'running' }
    },

    async delete(id, _current, ctx) {
      const session = openSession(rt, ctx, 'delete', ops)
      rt.launched.delete(id)
      const result = await ignoreNotFound(
        session.ec2(
          'TerminateInstances',
          ({ client, sdk }, options) =>
            client.send(new sdk.TerminateInstancesCommand({ InstanceIds: [id] }), options),
          { instances: 1 },
        ),
      )
      if (!result || result.TerminatingInstances?.[0]?.CurrentState?.Name === 'terminated') return
      // Its subnet, security groups and volumes can only go once it is terminated.
      ctx.progress('waiting for the instance to terminate')
      await terminations.wait(id, session)
    },

    async find(query, ctx) {
      const session = openSession(rt, ctx, 'find', ops)
      const filters = [findFilter(query), { Name: 'instance-state-name', Values: LIVE_STATES }]
      return (await describeInstances(session, { Filters: filters })).map(toFound)
    },

    async *list(filter, ctx) {
      const session = openSession(rt, ctx, 'list', ops)
      const query = { Filters: [...tagFilters(filter), { Name: 'instance-state-name', Values: LIVE_STATES }] }
      // Page by page: a large fleet's first instances go out before the last page is in.
      const instances = eachItem((token) => describeInstancesPage(session, query, token), instancesOf)
      for await (const instance of instances) yield toFound(instance)
    },

    actions: {
      start: setState('StartInstances'),
      stop: setState('StopInstances'),
      reboot: setState('RebootInstances'),
      terminate: setState('TerminateInstances'),
    },
  }
}
