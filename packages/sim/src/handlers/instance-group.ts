import type { InstanceGroupSpec, MutationContext } from '@skyloom/core/provider'
import { SimApiError } from '../errors.js'
import { requireSubnetRoom, requireVcpus } from '../quotas.js'
import type { InstanceGroupRecord, InstanceRecord, SubnetRecord } from '../records.js'
import type { SimCloud } from '../sim-cloud.js'
import { activeMembers } from '../views.js'
import {
  createOnce,
  deleteAndWait,
  describeOperations,
  hashSecret,
  insertRecord,
  runUpdate,
  type SimHandler,
  type UpdateCall,
} from './common.js'
import {
  checkLaunchFields,
  launchInstance,
  requireFirewalls,
  requireMachineType,
  validateLaunch,
} from './launch.js'
import { traits } from './traits.js'

/** Tag the sim puts on every member, naming its group (as EC2 Auto Scaling adds `aws:autoscaling:groupName`). */
export const GROUP_TAG = 'sim:instance-group'

/** Fields of the launch template: changing one rolls every member over to new instances. */
const TEMPLATE_FIELDS = ['size', 'image', 'subnets', 'firewalls', 'publicIp', 'userData', 'diskGiB'] as const

type GroupSpec = InstanceGroupRecord['spec']

function storedSpec(props: InstanceGroupSpec): GroupSpec {
  return {
    size: props.size,
    image: props.image,
    subnets: [...props.subnets],
    firewalls: [...(props.firewalls ?? [])],
    publicIp: props.publicIp ?? false,
    ...(props.diskGiB === undefined ? {} : { diskGiB: props.diskGiB }),
    min: props.min,
    max: props.max,
    desired: props.desired ?? props.min,
    rolling: props.rolling ?? { maxSurge: 1, maxUnavailable: 0 },
  }
}

/** Checks a template against the cloud: every subnet in one network, firewalls of that network, image and size. */
function validateTemplate(cloud: SimCloud, spec: GroupSpec) {
  if (spec.desired < spec.min || spec.desired > spec.max) {
    throw new SimApiError(
      'InvalidParameterValue',
      `desired (${spec.desired}) must be between min (${spec.min}) and max (${spec.max})`,
    )
  }
  const subnets = spec.subnets.map((id, index) =>
    cloud.requireReference('subnet', id, 'InvalidSubnetID.NotFound', `subnets.${index}`),
  )
  const first = subnets[0]
  if (!first) throw new SimApiError('InvalidParameterValue', 'an instance group needs at least one subnet')
  const stray = subnets.find((subnet) => subnet.spec.network !== first.spec.network)
  if (stray) {
    throw new SimApiError(
      'InvalidParameterValue',
      `subnets of one group must share a network: ${stray.id} is in ${stray.spec.network}, ${first.id} in ${first.spec.network}`,
    )
  }
  const { machine } = validateLaunch(cloud, { ...spec, subnet: first.id }, 'subnets.0')
  requireFirewalls(cloud, spec.firewalls, first)
  return { subnets, machine }
}

/** Resolves a surge or unavailability setting (`2` or `"25%"`) against the desired count. */
function resolveCount(value: number | string, desired: number, round: (n: number) => number): number {
  if (typeof value === 'number') return value
  return round((Number.parseInt(value, 10) / 100) * desired)
}

/** Refuses launching `count` more members past the vCPU quota or a subnet's room. */
function requireRoomForMembers(
  cloud: SimCloud,
  group: InstanceGroupRecord,
  subnets: readonly SubnetRecord[],
  count: number,
): void {
  requireVcpus(cloud, count * requireMachineType(group.spec.size).vcpus)
  const placed = subnets.map(() => 0)
  for (let index = 0; index < count; index++) placed[(group.members.length + index) % subnets.length]!++
  for (const [index, subnet] of subnets.entries()) requireSubnetRoom(cloud, subnet, placed[index]!)
}

/**
 * Launches members of a group (quotas already checked): spread round-robin over its subnets, tagged with the group's
 * tags, ownership and {@link GROUP_TAG}, each running at the time `readyAt` gives it.
 */
function launchMembers(
  cloud: SimCloud,
  group: InstanceGroupRecord,
  subnets: readonly SubnetRecord[],
  count: number,
  now: number,
  readyAt: (index: number) => number,
): InstanceRecord[] {
  const machine = requireMachineType(group.spec.size)
  const offset = group.members.length
  const launched: InstanceRecord[] = []
  for (let index = 0; index < count; index++) {
    const subnet = subnets[(offset + index) % subnets.length]!
    const at = readyAt(index)
    const member = launchInstance(
      cloud,
      {
        id: cloud.nextId('instance'),
        region: cloud.region,
        lifecycle: 'creating',
        createdAt: now,
        visibleAt: cloud.visibleFrom(now, at),
        readyAt: at,
        tags: { ...group.tags, [GROUP_TAG]: group.id },
        fingerprint: group.fingerprint,
      },
      {
        size: group.spec.size,
        image: group.spec.image,
        subnet: subnet.id,
        firewalls: [...group.spec.firewalls],
        publicIp: group.spec.publicIp,
        ...(group.spec.diskGiB === undefined ? {} : { diskGiB: group.spec.diskGiB }),
      },
      {
        subnet,
        machine,
        groupId: group.id,
        ...(group.userDataHash === undefined ? {} : { userDataHash: group.userDataHash }),
      },
    )
    insertRecord(cloud, member, now)
    group.members.push(member.id)
    launched.push(member)
  }
  return launched
}

/** Terminates a member now; it leaves the group once gone. */
function terminateMember(cloud: SimCloud, member: InstanceRecord, now: number, ctx: MutationContext): void {
  member.lifecycle = 'deleting'
  member.state = 'terminated'
  member.transitions = []
  member.goneAt = now + cloud.deletionMs('instance', ctx)
  cloud.scheduled(member.goneAt)
}

/**
 * Brings a group to its spec: retires surplus members (newest first), rolls the rest over to
 * the template in batches of surge + unavailable when it changed (each batch's old members
 * leave when their replacements run), and launches what is missing.
 */
function reconcile(
  cloud: SimCloud,
  group: InstanceGroupRecord,
  subnets: readonly SubnetRecord[],
  templateChanged: boolean,
  now: number,
  ctx: MutationContext,
): void {
  const lookup = (id: string) => cloud.get(id)
  const serving = activeMembers(group, lookup).filter((member) => member.retire === undefined)
  const desired = group.spec.desired
  const kept = serving.slice(0, desired)
  const missing = desired - kept.length
  // Check the whole request before changing anything, so a refusal leaves the group as it was.
  requireRoomForMembers(cloud, group, subnets, (templateChanged ? kept.length : 0) + Math.max(0, missing))
  for (const member of serving.slice(desired).reverse()) terminateMember(cloud, member, now, ctx)
  if (templateChanged && kept.length > 0) {
    const { maxSurge, maxUnavailable } = group.spec.rolling
    const batch = Math.max(
      1,
      resolveCount(maxSurge, desired, Math.ceil) + resolveCount(maxUnavailable, desired, Math.floor),
    )
    let at = now
    for (let start = 0; start < kept.length; start += batch) {
      at += cloud.provisionMs('instance-group', ctx)
      const readyAt = at
      const outgoing = kept.slice(start, start + batch)
      launchMembers(cloud, group, subnets, outgoing.length, now, () => readyAt)
      for (const member of outgoing) {
        member.retire = { at: readyAt, goneAt: readyAt + cloud.deletionMs('instance', ctx) }
        cloud.scheduled(readyAt)
      }
    }
  }
  if (missing > 0) {
    launchMembers(cloud, group, subnets, missing, now, () => now + cloud.provisionMs('instance-group', ctx))
  }
}

/**
 * The `instance-group` kind: identical instances between min and max, spread over subnets,
 * scaled by `desired`, rolled over to new instances when the template changes.
 */
export function instanceGroupHandler(cloud: SimCloud): SimHandler<'instance-group'> {
  return {
    ...traits(cloud, 'instance-group'),
    ...describeOperations(cloud, 'instance-group'),

    check(props) {
      return checkLaunchFields(cloud, props)
    },

    async create(props: InstanceGroupSpec, ctx) {
      return cloud.request(
        { action: 'CreateInstanceGroup', scope: 'mutate', operation: 'create', ctx },
        (now) => {
          const spec = storedSpec(props)
          const userDataHash = hashSecret(props.userData)
          const request = { spec, tags: props.tags, userDataHash }
          return createOnce(cloud, 'instance-group', ctx, now, request, (newBase) => {
            const { subnets } = validateTemplate(cloud, spec)
            // The group object exists at once; its members take the time. A group chosen to fail launches none.
            const base = newBase({ provisionMs: 0 })
            const record: InstanceGroupRecord = {
              ...base,
              ...(base.failure === undefined
                ? {}
                : { readyAt: now + cloud.provisionMs('instance-group', ctx) }),
              kind: 'instance-group',
              spec,
              members: [],
              ...(userDataHash === undefined ? {} : { userDataHash }),
            }
            if (base.failure === undefined) reconcile(cloud, record, subnets, false, now, ctx)
            return record
          })
        },
      )
    },

    async update(id, change, ctx) {
      const { desired, changed } = change
      const calls: UpdateCall[] = []
      const capacityOrTemplate = changed.filter((field) => field !== 'tags' && field !== 'providerOptions')
      if (capacityOrTemplate.length > 0) {
        calls.push({
          scope: 'mutate',
          run: () =>
            cloud.request(
              { action: 'UpdateInstanceGroup', scope: 'mutate', operation: 'update', ctx },
              (now) => {
                const record = cloud.requireTarget('instance-group', id)
                if (record.lifecycle === 'failed') {
                  throw new SimApiError(
                    'IncorrectState',
                    `instance group ${id} failed to provision; delete and recreate it`,
                  )
                }
                const spec = storedSpec(desired)
                const userDataHash = hashSecret(desired.userData)
                const templateChanged = TEMPLATE_FIELDS.some((field) => changed.includes(field))
                const { subnets } = validateTemplate(cloud, spec)
                const before = { spec: record.spec, userDataHash: record.userDataHash }
                record.spec = spec
                if (templateChanged) record.userDataHash = userDataHash
                try {
                  reconcile(cloud, record, subnets, templateChanged, now, ctx)
                } catch (error) {
                  // reconcile refuses before touching members; put the template back too.
                  record.spec = before.spec
                  record.userDataHash = before.userDataHash
                  throw error
                }
              },
            ),
        })
      }
      return runUpdate(cloud, 'instance-group', id, ctx, {
        changed,
        tags: desired.tags,
        inPlace: [...TEMPLATE_FIELDS, 'min', 'max', 'desired', 'rolling', 'tags', 'providerOptions'],
        calls,
      })
    },

    async delete(id, _current, ctx) {
      await deleteAndWait(cloud, 'instance-group', id, ctx, {
        action: 'DeleteInstanceGroup',
        scope: 'mutate',
        // A forced delete: members terminate with the group, which is gone when they are.
        onDelete: (record, _now, goneAt) => {
          for (const memberId of record.members) {
            const member = cloud.getOf('instance', memberId)
            if (!member) continue
            member.lifecycle = 'deleting'
            member.state = 'terminated'
            member.transitions = []
            delete member.retire
            member.goneAt = Math.min(member.goneAt ?? goneAt, goneAt)
          }
        },
      })
    },
  }
}
