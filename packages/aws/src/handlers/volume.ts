import type { Filter, Volume, VolumeType } from '@aws-sdk/client-ec2'
import type {
  CheckIssue,
  FoundResource,
  ReadResult,
  ResourceHandlerV1,
  VolumeOutputs,
  VolumeSpec,
} from '@skyloom/core/provider'
import { BatchWaiter } from '../batch-waiter.js'
import { DESCRIBE_VOLUMES_BATCH } from '../limits.js'
import { checkOptions, type EbsVolumeType, type VolumeOptions, volumeOptionsSchema } from '../options.js'
import type { AwsRuntime } from '../runtime.js'
import type { Session } from '../session.js'
import { keyFilter, observedUserTags, resourceTags, tagMap, tagSpecifications } from '../tags.js'
import {
  awsSection,
  change,
  changedFields,
  clientToken,
  completeOrRollBack,
  foundOf,
  ignoreNotFound,
  type Operations,
  openSession,
  sameValue,
} from './common.js'
import { type DescribeByIdsKind, describeByIds, describeOneById } from './describe-by-ids.js'
import { findAndList } from './find-and-list.js'
import { describeInstancesById } from './instance.js'
import { allItems, ec2PageRequest } from './paginate.js'
import { updateTags } from './update-tags.js'
import { firstZone } from './zones.js'

export const VOLUME_OPERATIONS: Operations = {
  create: { scope: 'mutate', expectedMs: 10_000 },
  read: { scope: 'describe', expectedMs: 400 },
  update: { scope: 'mutate', expectedMs: 15_000 },
  delete: { scope: 'mutate', expectedMs: 15_000 },
  find: { scope: 'describe', expectedMs: 500 },
  list: { scope: 'describe', expectedMs: 1_000 },
}

type VolumeHandler = ResourceHandlerV1<VolumeSpec, VolumeOutputs>

/** The EBS type for a neutral type: ssd → gp3, fast → io2 (provisioned IOPS), standard → st1 (HDD). */
export function ebsTypeOf(type: VolumeSpec['type'], override: EbsVolumeType | undefined): EbsVolumeType {
  if (override) return override
  return type === 'fast' ? 'io2' : type === 'standard' ? 'st1' : 'gp3'
}

function neutralTypeOf(volumeType: string | undefined): VolumeSpec['type'] {
  if (volumeType === 'io1' || volumeType === 'io2') return 'fast'
  if (volumeType === 'st1' || volumeType === 'sc1' || volumeType === 'standard') return 'standard'
  return 'ssd'
}

/** Minimum sizes EBS enforces per type. */
const MIN_GIB: Partial<Record<EbsVolumeType, number>> = { st1: 125, sc1: 125, io1: 4, io2: 4 }

function iopsFor(type: EbsVolumeType, sizeGiB: number, options: VolumeOptions): number | undefined {
  if (options.iops !== undefined) return options.iops
  if (type === 'io2') return Math.max(100, Math.min(3000, 500 * sizeGiB))
  if (type === 'io1') return Math.max(100, Math.min(3000, 50 * sizeGiB))
  return undefined
}

/** The type, IOPS and throughput of a volume as CreateVolume and ModifyVolume take them. */
function performanceOf(
  spec: Pick<VolumeSpec, 'type' | 'sizeGiB'>,
  options: VolumeOptions,
): { VolumeType: VolumeType; Iops?: number; Throughput?: number } {
  const type = ebsTypeOf(spec.type, options.volumeType)
  const iops = iopsFor(type, spec.sizeGiB, options)
  return {
    VolumeType: type as VolumeType,
    ...(iops === undefined ? {} : { Iops: iops }),
    ...(options.throughput === undefined ? {} : { Throughput: options.throughput }),
  }
}

function attachedInstance(volume: Volume): string | undefined {
  const attachment = volume.Attachments?.find(
    (entry) => entry.State === 'attached' || entry.State === 'attaching',
  )
  return attachment?.InstanceId
}

export function volumeOutputs(volume: Volume): VolumeOutputs {
  const attachedTo = attachedInstance(volume)
  return {
    id: volume.VolumeId ?? '',
    zone: volume.AvailabilityZone ?? '',
    ...(attachedTo ? { attachedTo } : {}),
  }
}

function toRead(volume: Volume): ReadResult<VolumeSpec, VolumeOutputs> {
  const transitional =
    volume.State === 'creating' ||
    (volume.Attachments ?? []).some((entry) => entry.State === 'attaching' || entry.State === 'detaching')
  const attachedTo = attachedInstance(volume)
  return {
    id: volume.VolumeId ?? '',
    props: {
      sizeGiB: volume.Size ?? 0,
      type: neutralTypeOf(volume.VolumeType),
      // null when attached to nothing: a volume detached in the console is drift to repair,
      // not a field the provider cannot read.
      attachTo: attachedTo ?? null,
      tags: observedUserTags(tagMap(volume.Tags)),
    },
    outputs: volumeOutputs(volume),
    status: volume.State === 'error' ? 'failed' : transitional ? 'pending' : 'ready',
    ...(volume.State === 'error' ? { message: 'EBS reports the volume in state "error"' } : {}),
  }
}

function toFound(volume: Volume): FoundResource<VolumeSpec, VolumeOutputs> {
  return foundOf(toRead(volume), tagMap(volume.Tags))
}

/** Every page of a DescribeVolumes query. */
function describeVolumes(
  session: Session,
  query: { VolumeIds?: string[]; Filters?: Filter[] },
): Promise<Volume[]> {
  return allItems(
    (token) =>
      session.ec2('DescribeVolumes', ({ client, sdk }, options) =>
        client.send(new sdk.DescribeVolumesCommand(ec2PageRequest(query, 'VolumeIds', 500, token)), options),
      ),
    (page) => page.Volumes ?? [],
  )
}

const VOLUMES: DescribeByIdsKind<Volume> = {
  describe: (session, ids) => describeVolumes(session, { VolumeIds: ids }),
  idOf: (volume) => volume.VolumeId,
  idPrefix: 'vol',
  missingCode: 'InvalidVolume',
}

/** One DescribeVolumes for a batch of ids, without the ones EBS says do not exist (see {@link describeByIds}). */
export function describeVolumesById(session: Session, ids: readonly string[]): Promise<Map<string, Volume>> {
  return describeByIds(session, ids, VOLUMES)
}

/** The first of /dev/sdf … /dev/sdp the instance does not use (`xvdX` counts as `sdX`). */
function freeDevice(used: readonly string[]): string | undefined {
  const taken = new Set(used.map((device) => device.replace(/^\/dev\/(xvd|sd)/, '')))
  for (const letter of 'fghijklmnop') if (!taken.has(letter)) return `/dev/sd${letter}`
  return undefined
}

/** The handler for `volume`: an EBS volume, attached to an instance when `attachTo` is set. */
export function volumeHandler(rt: AwsRuntime): VolumeHandler {
  const ops = VOLUME_OPERATIONS
  /** Volumes waited on until `available` (created, or detached); one DescribeVolumes per round. */
  const untilAvailable = new BatchWaiter<Volume>({
    intervalMs: rt.pollIntervalMs,
    batchSize: DESCRIBE_VOLUMES_BATCH,
    check: (ids, session) => describeVolumesById(session, ids),
    verdict: (volume) => {
      if (!volume) return { failed: 'the volume disappeared while waiting for it to become available' }
      if (volume.State === 'error') return { failed: 'EBS reports the volume in state "error"' }
      return volume.State === 'available' ? 'done' : 'wait'
    },
  })

  const attach = async (session: Session, volume: Volume, instanceId: string, options: VolumeOptions) => {
    const volumeId = volume.VolumeId ?? ''
    if (volume.State !== 'available') {
      session.ctx.logger.debug(
        { urn: session.ctx.urn, volumeId },
        'waiting for the volume to become available',
      )
      await untilAvailable.wait(volumeId, session)
    }
    let device = options.device
    if (!device) {
      const instance = (await describeInstancesById(session, [instanceId])).get(instanceId)
      if (!instance)
        throw session.problem('invalid', `cannot attach to instance ${instanceId}: it does not exist`)
      const used = (instance.BlockDeviceMappings ?? []).map((mapping) => mapping.DeviceName ?? '')
      device = freeDevice(used)
      if (!device)
        throw session.problem(
          'invalid',
          `instance ${instanceId} has no free device name between /dev/sdf and /dev/sdp`,
        )
    }
    const chosen = device
    return session.ec2(
      'AttachVolume',
      ({ client, sdk }, sendOptions) =>
        client.send(
          new sdk.AttachVolumeCommand({ VolumeId: volumeId, InstanceId: instanceId, Device: chosen }),
          sendOptions,
        ),
      {
        explain: (code) =>
          code === 'InvalidVolume.ZoneMismatch'
            ? `Volume and instance ${instanceId} are in different zones: set the volume's zone to the instance's (or omit it).`
            : undefined,
      },
    )
  }

  const detachAll = async (session: Session, volume: Volume) => {
    const attached = (volume.Attachments ?? []).filter(
      (entry) => entry.State === 'attached' || entry.State === 'attaching',
    )
    if (attached.length === 0) return
    for (const attachment of attached) {
      await ignoreNotFound(
        session.ec2('DetachVolume', ({ client, sdk }, options) =>
          client.send(
            new sdk.DetachVolumeCommand({
              VolumeId: volume.VolumeId ?? '',
              InstanceId: attachment.InstanceId ?? '',
            }),
            options,
          ),
        ),
      )
    }
    session.progress('waiting for the volume to detach')
    await untilAvailable.wait(volume.VolumeId ?? '', session)
  }

  const deleteVolume = async (session: Session, volumeId: string) => {
    await ignoreNotFound(
      session.ec2('DeleteVolume', ({ client, sdk }, options) =>
        client.send(new sdk.DeleteVolumeCommand({ VolumeId: volumeId }), options),
      ),
    )
  }

  const describeOne = (session: Session, id: string): Promise<Volume> =>
    describeOneById(session, id, VOLUMES, { what: 'volume', code: 'InvalidVolume.NotFound' })

  return {
    providerOptions: volumeOptionsSchema,
    operations: ops,
    pollIntervalMs: rt.pollIntervalMs,
    readBatchSize: DESCRIBE_VOLUMES_BATCH,

    check(props, ctx) {
      const issues: CheckIssue[] = []
      const options = checkOptions(volumeOptionsSchema, ctx.providerOptions, props, issues)
      const region = rt.regionProblem()
      if (region) issues.push({ path: '', message: region, severity: 'error' as const })
      const type = ebsTypeOf(props.type, options.volumeType)
      const min = MIN_GIB[type]
      if (min !== undefined && props.sizeGiB < min) {
        issues.push({
          path: 'sizeGiB',
          message: `EBS ${type} volumes${props.type === 'standard' && !options.volumeType ? ` (what type "standard" maps to)` : ''} are at least ${min} GiB, got ${props.sizeGiB}. Use a larger size, type "ssd", or providerOptions.aws.volumeType.`,
          severity: 'error' as const,
        })
      }
      if (options.throughput !== undefined && type !== 'gp3') {
        issues.push({
          path: 'providerOptions.aws.throughput',
          message: `throughput applies to gp3 volumes only (this one is ${type})`,
          severity: 'error' as const,
        })
      }
      if (type === 'io2' && options.iops === undefined && props.type === 'fast') {
        const iops = iopsFor(type, props.sizeGiB, options)
        issues.push({
          path: 'type',
          message: `"fast" is an io2 volume with ${iops} provisioned IOPS, billed per IOPS (about $${Math.round((iops ?? 0) * 0.065)} a month on top of storage); set providerOptions.aws.iops to choose`,
          severity: 'warning' as const,
        })
      }
      if (options.kmsKeyId && options.encrypted === false) {
        issues.push({
          path: 'providerOptions.aws.kmsKeyId',
          message: 'a KMS key needs encrypted: true',
          severity: 'error' as const,
        })
      }
      return issues
    },

    diff(current, desired) {
      const changes = changedFields(current.props, desired).map((field) => {
        if (field === 'sizeGiB' && desired.sizeGiB < current.props.sizeGiB)
          return change(field, true, 'EBS volumes can grow but not shrink')
        if (field === 'zone') return change(field, true, 'an EBS volume cannot move to another zone')
        if (field === 'providerOptions') {
          const { encrypted: a, kmsKeyId: b } = awsSection(current.props)
          const { encrypted: c, kmsKeyId: d } = awsSection(desired)
          return sameValue([a, b], [c, d])
            ? change(field, false)
            : change(field, true, 'encryption is fixed when an EBS volume is created')
        }
        return change(field, false)
      })
      return { changes }
    },

    async create(props, ctx) {
      const session = openSession(rt, ctx, 'create', ops)
      const options = session.options(volumeOptionsSchema, props)
      const key = ctx.idempotencyKey
      let volume: Volume | undefined
      if (rt.sentKeys.has(key)) {
        volume = (await describeVolumes(session, { Filters: [keyFilter(key)] })).find(
          (found) => found.State !== 'deleting' && found.State !== 'deleted',
        )
      }
      if (!volume) {
        let zone = props.zone
        if (!zone && props.attachTo) {
          const instance = (await describeInstancesById(session, [props.attachTo])).get(props.attachTo)
          if (!instance)
            throw session.problem('invalid', `cannot attach to instance ${props.attachTo}: it does not exist`)
          zone = instance.Placement?.AvailabilityZone
        }
        zone ??= await firstZone(session)
        rt.sentKeys.add(key)
        const created = await session.ec2('CreateVolume', ({ client, sdk }, sendOptions) =>
          client.send(
            new sdk.CreateVolumeCommand({
              AvailabilityZone: zone,
              Size: props.sizeGiB,
              ...performanceOf(props, options),
              ...(options.encrypted === undefined && !options.kmsKeyId
                ? {}
                : { Encrypted: options.encrypted ?? true }),
              ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
              ClientToken: clientToken(key),
              TagSpecifications: tagSpecifications(['volume'], resourceTags(ctx, props.tags, key)),
            }),
            sendOptions,
          ),
        )
        volume = created
      }
      const volumeId = volume.VolumeId
      if (!volumeId) throw session.problem('transient', 'CreateVolume returned no volume id')
      const current = volume
      return completeOrRollBack(
        session,
        () => deleteVolume(session, volumeId),
        async () => {
          const attachedTo = attachedInstance(current)
          if (props.attachTo && attachedTo !== props.attachTo) {
            const attachment = await attach(session, current, props.attachTo, options)
            const ready = attachment.State === 'attached'
            return {
              id: volumeId,
              outputs: { id: volumeId, zone: current.AvailabilityZone ?? '', attachedTo: props.attachTo },
              ready,
            }
          }
          return { id: volumeId, outputs: volumeOutputs(current), ready: current.State !== 'creating' }
        },
      )
    },

    async readMany(ids, ctx) {
      const session = openSession(rt, ctx, 'read', ops)
      const found = await describeVolumesById(session, ids)
      const results = new Map<string, ReadResult<VolumeSpec, VolumeOutputs>>()
      for (const [id, volume] of found) {
        if (volume.State === 'deleting' || volume.State === 'deleted') continue
        results.set(id, toRead(volume))
      }
      return results
    },

    async update(id, request, ctx) {
      const session = openSession(rt, ctx, 'update', ops)
      const { current, desired } = request
      const changed = new Set(request.changed)
      const options = session.options(volumeOptionsSchema, desired)
      if (changed.has('tags')) await updateTags(session, id, current.props.tags, desired.tags)
      if (changed.has('sizeGiB') || changed.has('type') || changed.has('providerOptions')) {
        await session.ec2(
          'ModifyVolume',
          ({ client, sdk }, sendOptions) =>
            client.send(
              new sdk.ModifyVolumeCommand({
                VolumeId: id,
                Size: desired.sizeGiB,
                ...performanceOf(desired, options),
              }),
              sendOptions,
            ),
          {
            explain: (code) =>
              code === 'VolumeModificationRateExceeded' || code === 'IncorrectModificationState'
                ? 'EBS allows one modification per volume every six hours.'
                : undefined,
          },
        )
      }
      let volume = await describeOne(session, id)
      if (changed.has('attachTo') || (changed.has('providerOptions') && desired.attachTo)) {
        const attachedTo = attachedInstance(volume)
        if (attachedTo !== desired.attachTo) {
          await detachAll(session, volume)
          volume = await describeOne(session, id)
          if (desired.attachTo) {
            await attach(session, volume, desired.attachTo, options)
            volume = await describeOne(session, id)
          }
        }
      }
      const read = toRead(volume)
      return { id, outputs: read.outputs, ready: read.status !== 'pending' }
    },

    async delete(id, _current, ctx) {
      const session = openSession(rt, ctx, 'delete', ops)
      const volume = (await describeVolumesById(session, [id])).get(id)
      if (!volume || volume.State === 'deleted' || volume.State === 'deleting') return
      await detachAll(session, volume)
      await deleteVolume(session, id)
    },

    ...findAndList(
      rt,
      ops,
      (session, filters) => describeVolumes(session, { Filters: filters }),
      (_session, volumes) =>
        volumes.filter((volume) => volume.State !== 'deleting' && volume.State !== 'deleted').map(toFound),
    ),
  }
}
