import type { AutoScalingGroup, Filter } from '@aws-sdk/client-auto-scaling'
import type { _InstanceType, RequestLaunchTemplateData } from '@aws-sdk/client-ec2'
import {
  type CheckIssue,
  type FoundResource,
  type InstanceGroupOutputs,
  type InstanceGroupSpec,
  type OperationContext,
  ProviderError,
  type ReadResult,
  type ResourceHandlerV1,
} from '@skyloom/core/provider'
import { BatchWaiter } from '../batch-waiter.js'
import { DESCRIBE_GROUPS_BATCH } from '../limits.js'
import { checkOptions, type InstanceGroupOptions, instanceGroupOptionsSchema } from '../options.js'
import type { AwsRuntime } from '../runtime.js'
import type { Session } from '../session.js'
import {
  KEY_TAG,
  observedUserTags,
  resourceTags,
  type TagMap,
  tagChanges,
  tagSpecifications,
} from '../tags.js'
import {
  change,
  changedFields,
  clientToken,
  completeOrRollBack,
  foundOf,
  ignoreNotFound,
  type Operations,
  openSession,
  sameSet,
  shortHash,
} from './common.js'
import { findAndList } from './find-and-list.js'
import { checkLaunch, encodeUserData, launchHints, resolveInstanceType, rootDisk } from './launch.js'
import { allItems } from './paginate.js'

export const INSTANCE_GROUP_OPERATIONS: Operations = {
  create: { scope: 'mutate', expectedMs: 90_000 },
  read: { scope: 'autoscaling-describe', expectedMs: 500 },
  update: { scope: 'autoscaling-mutate', expectedMs: 90_000 },
  delete: { scope: 'autoscaling-mutate', expectedMs: 180_000 },
  find: { scope: 'autoscaling-describe', expectedMs: 500 },
  list: { scope: 'autoscaling-describe', expectedMs: 1_000 },
}

/** Outputs of an instance group on AWS: the neutral ones plus its launch template. */
export interface AwsInstanceGroupOutputs extends InstanceGroupOutputs {
  readonly launchTemplateId?: string
  readonly launchTemplateVersion?: string
}

type GroupHandler = ResourceHandlerV1<InstanceGroupSpec, AwsInstanceGroupOutputs>

/** Props that shape the launch template: changing one makes a new template version. */
const TEMPLATE_FIELDS = ['size', 'image', 'firewalls', 'publicIp', 'userData', 'diskGiB', 'providerOptions']
/** Props the group itself holds. */
const GROUP_FIELDS = ['min', 'max', 'desired', 'subnets']
const GONE_STATUS = /delete in progress/i

/** Group and template name: readable, unique per create (a replacement gets its own), at most 128 characters. */
export function groupName(ctx: Pick<OperationContext, 'stack' | 'name'>, key: string): string {
  return `${`${ctx.stack}-${ctx.name}`.slice(0, 110)}-${shortHash(key)}`
}

function liveInstances(group: AutoScalingGroup): string[] {
  return (group.Instances ?? [])
    .filter((instance) => !/^Terminat/.test(instance.LifecycleState ?? ''))
    .map((instance) => instance.InstanceId ?? '')
    .filter(Boolean)
    .sort()
}

function groupTags(group: AutoScalingGroup): TagMap {
  const tags: TagMap = {}
  for (const tag of group.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? ''
  return tags
}

function outputsOf(group: AutoScalingGroup): AwsInstanceGroupOutputs {
  const template =
    group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification
  return {
    id: group.AutoScalingGroupName ?? '',
    desired: group.DesiredCapacity ?? 0,
    instances: liveInstances(group),
    ...(template?.LaunchTemplateId ? { launchTemplateId: template.LaunchTemplateId } : {}),
    ...(template?.Version ? { launchTemplateVersion: template.Version } : {}),
  }
}

function toRead(group: AutoScalingGroup): ReadResult<InstanceGroupSpec, AwsInstanceGroupOutputs> {
  const desired = group.DesiredCapacity ?? 0
  const inService = (group.Instances ?? []).filter(
    (instance) => instance.LifecycleState === 'InService',
  ).length
  const settling = (group.Instances ?? []).some(
    (instance) => !['InService', 'Standby'].includes(instance.LifecycleState ?? ''),
  )
  return {
    id: group.AutoScalingGroupName ?? '',
    props: {
      min: group.MinSize ?? 0,
      max: group.MaxSize ?? 0,
      desired,
      subnets: (group.VPCZoneIdentifier ?? '').split(',').filter(Boolean),
      tags: observedUserTags(groupTags(group)),
    },
    outputs: outputsOf(group),
    status: inService === desired && !settling ? 'ready' : 'pending',
  }
}

function toFound(group: AutoScalingGroup): FoundResource<InstanceGroupSpec, AwsInstanceGroupOutputs> {
  return foundOf(toRead(group), groupTags(group))
}

/** Every page of a DescribeAutoScalingGroups query, without the groups on their way out. */
function describeGroups(
  session: Session,
  query: { AutoScalingGroupNames?: string[]; Filters?: Filter[] },
): Promise<AutoScalingGroup[]> {
  return allItems(
    (token) =>
      session.autoScaling('DescribeAutoScalingGroups', ({ client, sdk }, options) =>
        client.send(
          new sdk.DescribeAutoScalingGroupsCommand({
            ...query,
            MaxRecords: 100,
            ...(token ? { NextToken: token } : {}),
          }),
          options,
        ),
      ),
    (page) => (page.AutoScalingGroups ?? []).filter((group) => !GONE_STATUS.test(group.Status ?? '')),
  )
}

async function describeGroupsByName(
  session: Session,
  names: readonly string[],
): Promise<Map<string, AutoScalingGroup>> {
  const found = new Map<string, AutoScalingGroup>()
  for (let start = 0; start < names.length; start += DESCRIBE_GROUPS_BATCH) {
    const batch = names.slice(start, start + DESCRIBE_GROUPS_BATCH)
    for (const group of await describeGroups(session, { AutoScalingGroupNames: [...batch] })) {
      if (group.AutoScalingGroupName) found.set(group.AutoScalingGroupName, group)
    }
  }
  return found
}

/** Percentages for an instance refresh from the neutral rolling policy. */
export function refreshPreferences(
  rolling: InstanceGroupSpec['rolling'],
  desired: number,
): { MinHealthyPercentage: number; MaxHealthyPercentage: number } {
  const count = (value: number | string): number =>
    typeof value === 'number' ? value : Math.ceil((Number.parseInt(value, 10) / 100) * Math.max(desired, 1))
  const base = Math.max(desired, 1)
  const unavailable = Math.min(count(rolling.maxUnavailable), base)
  const surge = count(rolling.maxSurge)
  const min = Math.max(0, Math.floor((100 * (base - unavailable)) / base))
  const max = Math.min(200, Math.max(100, 100 + Math.ceil((100 * surge) / base)), min + 100)
  return { MinHealthyPercentage: min, MaxHealthyPercentage: max }
}

/** The handler for `instance-group`: a launch template and an Auto Scaling group using it. */
export function instanceGroupHandler(rt: AwsRuntime): GroupHandler {
  const ops = INSTANCE_GROUP_OPERATIONS

  /** Groups being deleted, until DescribeAutoScalingGroups no longer lists them (their instances are gone). */
  const deletions = new BatchWaiter<AutoScalingGroup>({
    intervalMs: rt.pollIntervalMs,
    batchSize: DESCRIBE_GROUPS_BATCH,
    check: (names, session) => describeGroupsByName(session, names),
    verdict: (group) => (group === undefined ? 'done' : 'wait'),
  })

  const templateData = async (
    session: Session,
    props: InstanceGroupSpec,
    options: InstanceGroupOptions,
  ): Promise<{ data: RequestLaunchTemplateData; instanceType: string }> => {
    const instanceType = resolveInstanceType(session, props, options)
    const image = await session.image(props.image)
    const volumeTags = resourceTags(session.ctx, props.tags)
    const disks = rootDisk(session, image, props.diskGiB, options.rootVolumeType)
    return {
      instanceType,
      data: {
        ImageId: image.imageId,
        InstanceType: instanceType as _InstanceType,
        NetworkInterfaces: [
          {
            DeviceIndex: 0,
            AssociatePublicIpAddress: props.publicIp,
            Groups: [...props.firewalls],
            DeleteOnTermination: true,
          },
        ],
        ...(props.userData === undefined ? {} : { UserData: encodeUserData(props.userData) }),
        ...(disks ? { BlockDeviceMappings: disks } : {}),
        ...(options.keyName ? { KeyName: options.keyName } : {}),
        ...(options.iamInstanceProfile
          ? {
              IamInstanceProfile: options.iamInstanceProfile.startsWith('arn:')
                ? { Arn: options.iamInstanceProfile }
                : { Name: options.iamInstanceProfile },
            }
          : {}),
        ...(options.requireImdsv2 === false ? {} : { MetadataOptions: { HttpTokens: 'required' } }),
        // Instances get their tags from the group (PropagateAtLaunch); their volumes from here.
        TagSpecifications: tagSpecifications(['volume'], volumeTags),
      },
    }
  }

  /** The group's tags: user tags, Name and ownership propagate to instances; the key stays on the group. */
  const asgTags = (name: string, tags: TagMap, key?: string) =>
    Object.entries(tags)
      .map(([Key, Value]) => ({
        ResourceId: name,
        ResourceType: 'auto-scaling-group',
        Key,
        Value,
        PropagateAtLaunch: true,
      }))
      .concat(
        key
          ? [
              {
                ResourceId: name,
                ResourceType: 'auto-scaling-group',
                Key: KEY_TAG,
                Value: key,
                PropagateAtLaunch: false,
              },
            ]
          : [],
      )

  const templateByName = async (session: Session, name: string) => {
    const output = await session.ec2('DescribeLaunchTemplates', ({ client, sdk }, options) =>
      client.send(
        new sdk.DescribeLaunchTemplatesCommand({
          Filters: [{ Name: 'launch-template-name', Values: [name] }],
        }),
        options,
      ),
    )
    return output.LaunchTemplates?.[0]
  }

  const deleteTemplate = async (session: Session, name: string, id?: string) => {
    const template = id ? { LaunchTemplateId: id } : await templateByName(session, name)
    const templateId = template?.LaunchTemplateId
    if (!templateId) return
    await ignoreNotFound(
      session.ec2('DeleteLaunchTemplate', ({ client, sdk }, options) =>
        client.send(new sdk.DeleteLaunchTemplateCommand({ LaunchTemplateId: templateId }), options),
      ),
    )
  }

  return {
    providerOptions: instanceGroupOptionsSchema,
    operations: ops,
    pollIntervalMs: rt.pollIntervalMs,
    readBatchSize: DESCRIBE_GROUPS_BATCH,

    check(props, ctx) {
      const issues: CheckIssue[] = []
      const options = checkOptions(instanceGroupOptionsSchema, ctx.providerOptions, props, issues)
      issues.push(...checkLaunch(rt, props, options))
      if (options.instanceRefresh === false) {
        issues.push({
          path: 'rolling',
          message:
            'with providerOptions.aws.instanceRefresh false, template changes do not roll out, so rolling has no effect',
          severity: 'warning',
        })
      }
      if (new Set(props.subnets).size !== props.subnets.length) {
        issues.push({ path: 'subnets', message: 'a subnet is listed twice', severity: 'error' })
      }
      return issues
    },

    diff(current, desired) {
      const changes = changedFields(current.props, desired)
        .filter((field) => !(field === 'firewalls' && sameSet(current.props.firewalls, desired.firewalls)))
        .map((field) => change(field, false))
      return { changes }
    },

    async create(props, ctx) {
      const session = openSession(rt, ctx, 'create', ops)
      const options = session.options(instanceGroupOptionsSchema, props)
      const key = ctx.idempotencyKey
      const name = groupName(ctx, key)
      const region = await session.region()

      // The name comes from the key, so an earlier attempt's group is found by name.
      if (rt.sentKeys.has(key)) {
        const existing = (await describeGroupsByName(session, [name])).get(name)
        if (existing) {
          const read = toRead(existing)
          return { id: name, outputs: read.outputs, ready: read.status === 'ready' }
        }
      }
      const { data, instanceType } = await templateData(session, props, options)
      rt.sentKeys.add(key)
      let templateId: string | undefined
      let version: number | undefined
      try {
        const created = await session.ec2(
          'CreateLaunchTemplate',
          ({ client, sdk }, sendOptions) =>
            client.send(
              new sdk.CreateLaunchTemplateCommand({
                LaunchTemplateName: name,
                ClientToken: clientToken(key),
                LaunchTemplateData: data,
                TagSpecifications: tagSpecifications(['launch-template'], resourceTags(ctx, props.tags, key)),
              }),
              sendOptions,
            ),
          { explain: launchHints(props.image, instanceType, region) },
        )
        templateId = created.LaunchTemplate?.LaunchTemplateId
        version = created.LaunchTemplate?.LatestVersionNumber
      } catch (error) {
        if (!(ProviderError.isInstance(error) && /AlreadyExists/.test(error.cloudCode ?? ''))) throw error
        const existing = await templateByName(session, name)
        templateId = existing?.LaunchTemplateId
        version = existing?.LatestVersionNumber
      }
      if (!templateId) throw session.problem('transient', 'CreateLaunchTemplate returned no template id')
      const launchTemplateId = templateId
      const launchTemplateVersion = String(version ?? 1)
      return completeOrRollBack(
        session,
        () => deleteTemplate(session, name, launchTemplateId),
        async () => {
          try {
            await session.autoScaling(
              'CreateAutoScalingGroup',
              ({ client, sdk }, sendOptions) =>
                client.send(
                  new sdk.CreateAutoScalingGroupCommand({
                    AutoScalingGroupName: name,
                    LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: launchTemplateVersion },
                    MinSize: props.min,
                    MaxSize: props.max,
                    DesiredCapacity: props.desired,
                    VPCZoneIdentifier: props.subnets.join(','),
                    HealthCheckGracePeriod: options.healthCheckGracePeriod ?? 300,
                    Tags: asgTags(name, resourceTags(ctx, props.tags), key),
                  }),
                  sendOptions,
                ),
              { explain: launchHints(props.image, instanceType, region) },
            )
          } catch (error) {
            if (!(ProviderError.isInstance(error) && /AlreadyExists/.test(error.cloudCode ?? ''))) throw error
          }
          return {
            id: name,
            outputs: {
              id: name,
              desired: props.desired,
              instances: [],
              launchTemplateId,
              launchTemplateVersion,
            },
            ready: props.desired === 0,
          }
        },
      )
    },

    async readMany(ids, ctx) {
      const session = openSession(rt, ctx, 'read', ops)
      const found = await describeGroupsByName(session, ids)
      return new Map([...found].map(([id, group]) => [id, toRead(group)]))
    },

    async update(id, request, ctx) {
      const session = openSession(rt, ctx, 'update', ops)
      const { current, desired } = request
      const changed = new Set(request.changed)
      const options = session.options(instanceGroupOptionsSchema, desired)
      let templateVersion: string | undefined
      let refreshing = false

      if (TEMPLATE_FIELDS.some((field) => changed.has(field))) {
        const templateId =
          current.outputs.launchTemplateId ?? (await templateByName(session, id))?.LaunchTemplateId
        if (!templateId)
          throw session.problem('not-found', `the launch template of group ${id} no longer exists`)
        const { data, instanceType } = await templateData(session, desired, options)
        const region = await session.region()
        const created = await session.ec2(
          'CreateLaunchTemplateVersion',
          ({ client, sdk }, sendOptions) =>
            client.send(
              new sdk.CreateLaunchTemplateVersionCommand({
                LaunchTemplateId: templateId,
                ClientToken: clientToken(`${ctx.idempotencyKey}:template`),
                LaunchTemplateData: data,
              }),
              sendOptions,
            ),
          { explain: launchHints(desired.image, instanceType, region) },
        )
        templateVersion = String(created.LaunchTemplateVersion?.VersionNumber ?? '$Latest')
        await session.autoScaling('UpdateAutoScalingGroup', ({ client, sdk }, sendOptions) =>
          client.send(
            new sdk.UpdateAutoScalingGroupCommand({
              AutoScalingGroupName: id,
              LaunchTemplate: { LaunchTemplateId: templateId, Version: templateVersion },
            }),
            sendOptions,
          ),
        )
        if (options.instanceRefresh !== false && current.outputs.instances.length > 0) {
          // Running instances move to the new template at the pace the rolling policy allows.
          await session.autoScaling(
            'StartInstanceRefresh',
            ({ client, sdk }, sendOptions) =>
              client.send(
                new sdk.StartInstanceRefreshCommand({
                  AutoScalingGroupName: id,
                  Strategy: 'Rolling',
                  Preferences: {
                    ...refreshPreferences(desired.rolling, desired.desired),
                    SkipMatching: true,
                  },
                }),
                sendOptions,
              ),
            {
              explain: (code) =>
                code.startsWith('InstanceRefreshInProgress')
                  ? 'A refresh is already rolling out; it must finish (or be cancelled) first.'
                  : undefined,
            },
          )
          refreshing = true
        }
      }

      const groupChanged = GROUP_FIELDS.filter((field) => changed.has(field))
      if (groupChanged.length === 1 && groupChanged[0] === 'desired') {
        await session.autoScaling('SetDesiredCapacity', ({ client, sdk }, sendOptions) =>
          client.send(
            new sdk.SetDesiredCapacityCommand({ AutoScalingGroupName: id, DesiredCapacity: desired.desired }),
            sendOptions,
          ),
        )
      } else if (groupChanged.length > 0 || changed.has('providerOptions')) {
        await session.autoScaling('UpdateAutoScalingGroup', ({ client, sdk }, sendOptions) =>
          client.send(
            new sdk.UpdateAutoScalingGroupCommand({
              AutoScalingGroupName: id,
              MinSize: desired.min,
              MaxSize: desired.max,
              DesiredCapacity: desired.desired,
              VPCZoneIdentifier: desired.subnets.join(','),
              HealthCheckGracePeriod: options.healthCheckGracePeriod ?? 300,
            }),
            sendOptions,
          ),
        )
      }

      if (changed.has('tags')) {
        const { set, remove } = tagChanges(current.props.tags ?? {}, desired.tags ?? {}, ctx)
        if (Object.keys(set).length > 0) {
          await session.autoScaling('CreateOrUpdateTags', ({ client, sdk }, sendOptions) =>
            client.send(new sdk.CreateOrUpdateTagsCommand({ Tags: asgTags(id, set) }), sendOptions),
          )
        }
        if (remove.length > 0) {
          await session.autoScaling('DeleteTags', ({ client, sdk }, sendOptions) =>
            client.send(
              new sdk.DeleteTagsCommand({
                Tags: remove.map((Key) => ({ ResourceId: id, ResourceType: 'auto-scaling-group', Key })),
              }),
              sendOptions,
            ),
          )
        }
      }

      const group = (await describeGroupsByName(session, [id])).get(id)
      if (!group) throw session.problem('not-found', `Auto Scaling group ${id} no longer exists`)
      const read = toRead(group)
      return {
        id,
        outputs: { ...read.outputs, ...(templateVersion ? { launchTemplateVersion: templateVersion } : {}) },
        ready: read.status === 'ready' && !refreshing,
      }
    },

    async delete(id, current, ctx) {
      const session = openSession(rt, ctx, 'delete', ops)
      const deleted = await ignoreNotFound(
        session.autoScaling('DeleteAutoScalingGroup', ({ client, sdk }, options) =>
          client.send(
            new sdk.DeleteAutoScalingGroupCommand({ AutoScalingGroupName: id, ForceDelete: true }),
            options,
          ),
        ),
      )
      if (deleted !== undefined) {
        // ForceDelete terminates the instances; the group is listed until they are gone.
        ctx.progress('waiting for the group and its instances to go')
        await deletions.wait(id, session)
      }
      await deleteTemplate(session, id, current.outputs?.launchTemplateId)
    },

    ...findAndList(
      rt,
      ops,
      (session, filters) => describeGroups(session, filters.length > 0 ? { Filters: filters } : {}),
      (_session, groups) => groups.map(toFound),
    ),
  }
}
