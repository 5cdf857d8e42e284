import type { ActionHandlerV1, InstanceOutputs, InstanceSpec, MutationContext } from '@skyloom/core/provider'
import { SimApiError } from '../errors.js'
import { requireVcpus } from '../quotas.js'
import type { InstanceRecord } from '../records.js'
import type { SimCloud } from '../sim-cloud.js'
import {
  createOnce,
  deleteAndWait,
  describeOperations,
  hashSecret,
  runUpdate,
  type SimHandler,
  type UpdateCall,
} from './common.js'
import {
  checkLaunchFields,
  launchInstance,
  requireFirewalls,
  requireLaunchQuota,
  requireMachineType,
  validateLaunch,
} from './launch.js'
import { traits } from './traits.js'

/** The props of an instance the cloud keeps (user data only as a hash, tags apart). */
function storedSpec(props: InstanceSpec): InstanceRecord['spec'] {
  return {
    size: props.size,
    image: props.image,
    subnet: props.subnet,
    ...(props.zone === undefined ? {} : { zone: props.zone }),
    firewalls: [...(props.firewalls ?? [])],
    publicIp: props.publicIp ?? false,
    ...(props.diskGiB === undefined ? {} : { diskGiB: props.diskGiB }),
  }
}

/** Schedules a start: `pending` now, `running` after the instance's provisioning latency. */
function scheduleStart(cloud: SimCloud, record: InstanceRecord, now: number, ctx: MutationContext): void {
  requireVcpus(cloud, record.vcpus)
  const at = now + cloud.provisionMs('instance', ctx)
  record.state = 'pending'
  record.transitions = [{ at, state: 'running' }]
  cloud.scheduled(at)
}

/** Schedules a stop: `stopping` now, `stopped` after the instance's deletion latency (a shutdown). */
function scheduleStop(cloud: SimCloud, record: InstanceRecord, now: number, ctx: MutationContext): void {
  const at = now + cloud.deletionMs('instance', ctx)
  record.state = 'stopping'
  record.transitions = [{ at, state: 'stopped' }]
  cloud.scheduled(at)
}

function incorrectState(record: InstanceRecord, action: string, advice: string): SimApiError {
  return new SimApiError(
    'IncorrectInstanceState',
    `cannot ${action} instance ${record.id} while it is ${record.lifecycle === 'failed' ? 'failed' : record.state}; ${advice}`,
  )
}

/** Waits until the instance has no scheduled state change left (unless the caller passed `wait: false`). */
async function settledState(
  cloud: SimCloud,
  id: string,
  ctx: MutationContext,
  args: Readonly<Record<string, unknown>> | undefined,
): Promise<Partial<InstanceOutputs>> {
  if (args?.wait !== false) {
    ctx.progress(`waiting for instance ${id}`)
    await cloud.waitUntil(
      id,
      (record) => record?.kind !== 'instance' || record.transitions.length === 0,
      ctx.signal,
    )
  }
  return cloud.guard(ctx, 'action', () => ({ state: cloud.requireTarget('instance', id).state }))
}

function instanceActions(cloud: SimCloud): Record<string, ActionHandlerV1<InstanceOutputs>> {
  const action =
    (name: string, apply: (record: InstanceRecord, now: number, ctx: MutationContext) => void) =>
    async (id: string, ctx: MutationContext, args?: Readonly<Record<string, unknown>>) => {
      await cloud.request({ action: name, scope: 'mutate', operation: 'action', ctx }, (now) =>
        apply(cloud.requireTarget('instance', id), now, ctx),
      )
      return settledState(cloud, id, ctx, args)
    }
  return {
    /** Starts a stopped instance; a running or pending one is left alone. */
    start: action('StartInstances', (record, now, ctx) => {
      if (record.lifecycle === 'failed') throw incorrectState(record, 'start', 'delete and recreate it')
      if (record.state === 'running' || record.state === 'pending') return
      if (record.state === 'stopping')
        throw incorrectState(record, 'start', 'wait until it is stopped, then retry')
      scheduleStart(cloud, record, now, ctx)
    }),
    /** Stops a running instance; a stopped or stopping one is left alone. */
    stop: action('StopInstances', (record, now, ctx) => {
      if (record.state === 'stopped' || record.state === 'stopping') return
      if (record.state !== 'running' || record.lifecycle !== 'available') {
        throw incorrectState(record, 'stop', 'wait until it is running, then retry')
      }
      scheduleStop(cloud, record, now, ctx)
    }),
    /** Reboots a running instance; it stays `running`, as on EC2. */
    reboot: action('RebootInstances', (record) => {
      if (record.state !== 'running' || record.lifecycle !== 'available') {
        throw incorrectState(record, 'reboot', 'start it first, or wait until it is running')
      }
    }),
  }
}

/**
 * The `instance` kind: a VM that goes `pending` → `running`, can be stopped, started and
 * rebooted, and can be resized in place (stop, modify, start, as on EC2).
 */
export function instanceHandler(cloud: SimCloud): SimHandler<'instance'> {
  return {
    ...traits(cloud, 'instance'),
    ...describeOperations(cloud, 'instance'),
    actions: instanceActions(cloud),

    check(props) {
      return checkLaunchFields(cloud, props)
    },

    async create(props: InstanceSpec, ctx) {
      return cloud.request(
        { action: 'RunInstances', scope: 'run-instances', operation: 'create', ctx },
        (now) => {
          const spec = storedSpec(props)
          const userDataHash = hashSecret(props.userData)
          const request = { spec, tags: props.tags, userDataHash }
          return createOnce(cloud, 'instance', ctx, now, request, (newBase) => {
            const { machine, subnet } = validateLaunch(cloud, spec)
            requireLaunchQuota(cloud, subnet, 1, machine.vcpus)
            return launchInstance(cloud, newBase(), spec, {
              subnet,
              machine,
              ...(userDataHash === undefined ? {} : { userDataHash }),
            })
          })
        },
      )
    },

    async update(id, change, ctx) {
      const { desired, changed } = change
      const calls: UpdateCall[] = []
      if (changed.includes('size')) {
        const modify = (): Promise<unknown> =>
          cloud.request(
            { action: 'ModifyInstanceAttribute', scope: 'mutate', operation: 'update', ctx },
            () => {
              const record = cloud.requireTarget('instance', id)
              if (record.state !== 'stopped') {
                throw incorrectState(record, 'change the size of', 'the sim stops it first; retry the update')
              }
              const machine = requireMachineType(desired.size)
              record.spec.size = desired.size
              record.machineType = machine.machineType
              record.vcpus = machine.vcpus
            },
          )
        const wasRunning = cloud.guard(ctx, 'update', () => {
          cloud.sync()
          return cloud.requireTarget('instance', id).state !== 'stopped'
        })
        if (wasRunning) {
          // EC2 changes a type only while stopped: stop, wait, modify, start.
          calls.push({
            scope: 'mutate',
            run: async () => {
              await cloud.request(
                { action: 'StopInstances', scope: 'mutate', operation: 'update', ctx },
                (now) => {
                  const record = cloud.requireTarget('instance', id)
                  if (record.state === 'running' && record.lifecycle === 'available')
                    scheduleStop(cloud, record, now, ctx)
                  else if (record.state !== 'stopping' && record.state !== 'stopped') {
                    throw incorrectState(record, 'resize', 'wait until it is running, then retry')
                  }
                },
              )
              ctx.progress(`stopping instance ${id} to change its size`)
              await cloud.waitUntil(
                id,
                (record) => record?.kind !== 'instance' || record.state === 'stopped',
                ctx.signal,
              )
            },
          })
          calls.push({ scope: 'mutate', run: modify })
          calls.push({
            scope: 'mutate',
            run: () =>
              cloud.request(
                { action: 'StartInstances', scope: 'mutate', operation: 'update', ctx },
                (now) => {
                  const record = cloud.requireTarget('instance', id)
                  if (record.state === 'stopped') scheduleStart(cloud, record, now, ctx)
                },
              ),
          })
        } else {
          calls.push({ scope: 'mutate', run: modify })
        }
      }
      if (changed.includes('firewalls')) {
        calls.push({
          scope: 'mutate',
          run: () =>
            cloud.request(
              { action: 'ModifyInstanceAttribute', scope: 'mutate', operation: 'update', ctx },
              () => {
                const record = cloud.requireTarget('instance', id)
                const subnet = cloud.requireReference(
                  'subnet',
                  record.spec.subnet,
                  'InvalidSubnetID.NotFound',
                  'subnet',
                )
                requireFirewalls(cloud, desired.firewalls ?? [], subnet)
                record.spec.firewalls = [...(desired.firewalls ?? [])]
              },
            ),
        })
      }
      return runUpdate(cloud, 'instance', id, ctx, {
        changed,
        tags: desired.tags,
        inPlace: ['size', 'firewalls', 'tags', 'providerOptions'],
        calls,
      })
    },

    async delete(id, _current, ctx) {
      await deleteAndWait(cloud, 'instance', id, ctx, {
        action: 'TerminateInstances',
        scope: 'terminate-instances',
        // Data volumes survive their instance, detached, as EBS volumes without DeleteOnTermination do.
        onDelete: (record) => {
          for (const volume of cloud.records('volume')) {
            if (volume.spec.attachTo === record.id) delete volume.spec.attachTo
          }
        },
      })
    },
  }
}
