import type { VolumeSpec } from '@skyloom/core/provider'
import { SimApiError } from '../errors.js'
import type { InstanceRecord, VolumeRecord } from '../records.js'
import type { SimCloud } from '../sim-cloud.js'
import {
  checkZone,
  createOnce,
  deleteAndWait,
  describeOperations,
  requireZone,
  runUpdate,
  type SimHandler,
  type UpdateCall,
} from './common.js'
import { traits } from './traits.js'

/** The instance a volume attaches to: it must exist, be running or stopped, and share the volume's zone. */
function requireAttachable(cloud: SimCloud, instanceId: string, zone: string): InstanceRecord {
  const instance = cloud.requireReference('instance', instanceId, 'InvalidInstanceID.NotFound', 'attachTo')
  if (instance.zone !== zone) {
    throw new SimApiError(
      'InvalidParameterValue',
      `volume in ${zone} cannot attach to instance ${instance.id} in ${instance.zone}; a volume attaches only within its zone (set zone to ${instance.zone} or omit it)`,
    )
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw new SimApiError(
      'IncorrectState',
      `instance ${instance.id} is ${instance.state}; volumes attach to running or stopped instances, retry when it is`,
    )
  }
  return instance
}

/** The `volume` kind: block storage in one zone, attached to at most one instance. */
export function volumeHandler(cloud: SimCloud): SimHandler<'volume'> {
  return {
    ...traits(cloud, 'volume'),
    ...describeOperations(cloud, 'volume'),

    check(props) {
      return checkZone(cloud, props.zone)
    },

    async create(props: VolumeSpec, ctx) {
      // One call creates and attaches, as GCE and Azure do; the attachment holds once the volume is available.
      return cloud.request({ action: 'CreateVolume', scope: 'mutate', operation: 'create', ctx }, (now) => {
        const spec: VolumeRecord['spec'] = {
          sizeGiB: props.sizeGiB,
          type: props.type ?? 'ssd',
          ...(props.zone === undefined ? {} : { zone: props.zone }),
          ...(props.attachTo === undefined ? {} : { attachTo: props.attachTo }),
        }
        return createOnce(cloud, 'volume', ctx, now, { spec, tags: props.tags }, (newBase) => {
          const target =
            props.attachTo === undefined
              ? undefined
              : cloud.requireReference('instance', props.attachTo, 'InvalidInstanceID.NotFound', 'attachTo')
          const zone = props.zone ?? target?.zone ?? cloud.zones[0]!
          requireZone(cloud, zone)
          if (props.attachTo !== undefined) requireAttachable(cloud, props.attachTo, zone)
          return { ...newBase(), kind: 'volume', spec, zone }
        })
      })
    },

    async update(id, change, ctx) {
      const { desired, changed } = change
      const calls: UpdateCall[] = []
      if (changed.includes('sizeGiB') || changed.includes('type')) {
        calls.push({
          scope: 'mutate',
          run: () =>
            cloud.request({ action: 'ModifyVolume', scope: 'mutate', operation: 'update', ctx }, () => {
              const record = cloud.requireTarget('volume', id)
              if (desired.sizeGiB < record.spec.sizeGiB) {
                throw new SimApiError(
                  'InvalidParameterValue',
                  `volume ${id} can grow but not shrink (${record.spec.sizeGiB} GiB → ${desired.sizeGiB} GiB); add sizeGiB to replaceOnChanges to replace it instead`,
                )
              }
              record.spec.sizeGiB = desired.sizeGiB
              record.spec.type = desired.type ?? 'ssd'
            }),
        })
      }
      if (changed.includes('attachTo')) {
        const attached = cloud.guard(ctx, 'update', () => {
          cloud.sync()
          return cloud.requireTarget('volume', id).spec.attachTo
        })
        if (attached !== undefined) {
          calls.push({
            scope: 'mutate',
            run: () =>
              cloud.request({ action: 'DetachVolume', scope: 'mutate', operation: 'update', ctx }, () => {
                delete cloud.requireTarget('volume', id).spec.attachTo
              }),
          })
        }
        if (desired.attachTo !== undefined) {
          const instanceId = desired.attachTo
          calls.push({
            scope: 'mutate',
            run: () =>
              cloud.request({ action: 'AttachVolume', scope: 'mutate', operation: 'update', ctx }, () => {
                const record = cloud.requireTarget('volume', id)
                if (record.spec.attachTo !== undefined && record.spec.attachTo !== instanceId) {
                  throw new SimApiError(
                    'VolumeInUse',
                    `volume ${id} is attached to ${record.spec.attachTo}; detach it first`,
                  )
                }
                requireAttachable(cloud, instanceId, record.zone)
                record.spec.attachTo = instanceId
              }),
          })
        }
      }
      return runUpdate(cloud, 'volume', id, ctx, {
        changed,
        tags: desired.tags,
        inPlace: ['sizeGiB', 'type', 'attachTo', 'tags', 'providerOptions'],
        calls,
      })
    },

    async delete(id, _current, ctx) {
      // Deleting an attached volume means detaching it first: two calls, as a user would make.
      const attached = cloud.guard(ctx, 'delete', () => {
        cloud.sync()
        return cloud.getOf('volume', id)?.spec.attachTo
      })
      if (attached !== undefined) {
        await cloud.request({ action: 'DetachVolume', scope: 'mutate', operation: 'delete', ctx }, () => {
          const record = cloud.getOf('volume', id)
          if (record) delete record.spec.attachTo
        })
        await ctx.acquire('mutate')
      }
      await deleteAndWait(cloud, 'volume', id, ctx, {
        action: 'DeleteVolume',
        scope: 'mutate',
        check: (record) => {
          if (record.spec.attachTo !== undefined) {
            throw new SimApiError(
              'VolumeInUse',
              `volume ${record.id} is attached to instance ${record.spec.attachTo}; detach it first, then retry`,
            )
          }
        },
      })
    },
  }
}
