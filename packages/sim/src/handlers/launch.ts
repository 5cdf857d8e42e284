import { type CheckIssue, SIZE_CLASSES, type Size } from '@skyloom/core/provider'
import { allocatePrivateAddress } from '../addresses.js'
import { describeMissingSize, resolveImage, resolveMachineType, SIM_IMAGES } from '../catalog.js'
import { SimApiError } from '../errors.js'
import { requireSubnetRoom, requireVcpus } from '../quotas.js'
import type { InstanceRecord, RecordBase, SubnetRecord } from '../records.js'
import type { SimCloud } from '../sim-cloud.js'
import { checkZone, requireZone } from './common.js'

/** What RunInstances needs to know about one instance. */
export interface LaunchSpec {
  readonly size: Size
  readonly image: string
  readonly subnet: string
  readonly zone?: string
  readonly firewalls: readonly string[]
  readonly publicIp: boolean
  readonly diskGiB?: number
}

/** The machine type a size resolves to. */
export interface ResolvedLaunch {
  readonly machineType: string
  readonly vcpus: number
}

/** Plan-time checks of the fields an instance and an instance group share. */
export function checkLaunchFields(
  cloud: SimCloud,
  props: { size?: unknown; image?: unknown; zone?: unknown; diskGiB?: unknown },
): CheckIssue[] {
  const issues: CheckIssue[] = [...checkZone(cloud, props.zone)]
  if (typeof props.image === 'string') {
    const image = resolveImage(props.image)
    if (!image) {
      issues.push({
        path: 'image',
        severity: 'error',
        message: `the sim has no image "${props.image}"; use an alias (${SIM_IMAGES.map((known) => known.alias).join(', ')}) or a sim image id`,
      })
    } else if (typeof props.diskGiB === 'number' && props.diskGiB < image.minDiskGiB) {
      issues.push({
        path: 'diskGiB',
        severity: 'error',
        message: `image ${props.image} needs a boot disk of at least ${image.minDiskGiB} GiB, got ${props.diskGiB}`,
      })
    }
  }
  if (isSize(props.size) && !resolveMachineType(props.size)) {
    issues.push({ path: 'size', severity: 'error', message: describeMissingSize(props.size) })
  }
  return issues
}

function isSize(value: unknown): value is Size {
  if (typeof value === 'string') return Object.hasOwn(SIZE_CLASSES, value)
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { cpus?: unknown }).cpus === 'number' &&
    typeof (value as { memoryGiB?: unknown }).memoryGiB === 'number'
  )
}

/** Resolves the size to a machine type, refusing sizes the catalog cannot satisfy. */
export function requireMachineType(size: Size): ResolvedLaunch {
  const offer = resolveMachineType(size)
  if (!offer)
    throw new SimApiError(
      'InvalidParameterValue',
      `size ${JSON.stringify(size)}: ${describeMissingSize(size)}`,
    )
  return { machineType: offer.name, vcpus: offer.cpus }
}

/**
 * Checks a launch against the cloud as it is: image, size, subnet, zone and firewalls in the
 * subnet's network. Returns what the instance will be built from.
 */
export function validateLaunch(cloud: SimCloud, spec: LaunchSpec, field = 'subnet') {
  const image = resolveImage(spec.image)
  if (!image) {
    throw new SimApiError(
      'InvalidImageID.NotFound',
      `image "${spec.image}" does not exist; use an alias (${SIM_IMAGES.map((known) => known.alias).join(', ')}) or a sim image id`,
    )
  }
  if (spec.diskGiB !== undefined && spec.diskGiB < image.minDiskGiB) {
    throw new SimApiError(
      'InvalidParameterValue',
      `image ${spec.image} needs a boot disk of at least ${image.minDiskGiB} GiB, got diskGiB ${spec.diskGiB}`,
    )
  }
  const machine = requireMachineType(spec.size)
  const subnet = cloud.requireReference('subnet', spec.subnet, 'InvalidSubnetID.NotFound', field)
  if (spec.zone !== undefined) {
    requireZone(cloud, spec.zone)
    if (spec.zone !== subnet.zone) {
      throw new SimApiError(
        'InvalidParameterValue',
        `zone ${spec.zone} does not match subnet ${subnet.id}, which is in ${subnet.zone}; omit zone or pick a subnet in ${spec.zone}`,
      )
    }
  }
  requireFirewalls(cloud, spec.firewalls, subnet)
  return { image, machine, subnet }
}

/** Firewalls must exist and belong to the subnet's network. */
export function requireFirewalls(cloud: SimCloud, firewalls: readonly string[], subnet: SubnetRecord): void {
  for (const [index, id] of firewalls.entries()) {
    const firewall = cloud.requireReference(
      'firewall',
      id,
      'InvalidFirewallID.NotFound',
      `firewalls.${index}`,
    )
    if (firewall.spec.network !== subnet.spec.network) {
      throw new SimApiError(
        'InvalidParameterValue',
        `firewall ${id} belongs to network ${firewall.spec.network}, but subnet ${subnet.id} is in network ${subnet.spec.network}; use firewalls of the same network`,
      )
    }
  }
}

/**
 * Builds and stores one instance record in `pending`, running at `base.readyAt` (or failing
 * then, when `base.failure` is set). Quotas and addresses are checked and taken here.
 */
export function launchInstance(
  cloud: SimCloud,
  base: RecordBase,
  spec: InstanceRecord['spec'],
  options: { subnet: SubnetRecord; machine: ResolvedLaunch; userDataHash?: string; groupId?: string },
): InstanceRecord {
  const record: InstanceRecord = {
    ...base,
    kind: 'instance',
    spec,
    state: 'pending',
    transitions: base.failure === undefined ? [{ at: base.readyAt, state: 'running' }] : [],
    machineType: options.machine.machineType,
    vcpus: options.machine.vcpus,
    zone: options.subnet.zone,
    networkId: options.subnet.spec.network,
    privateAddress: allocatePrivateAddress(cloud, options.subnet),
    ...(spec.publicIp ? { publicAddress: cloud.nextPublicAddress() } : {}),
    ...(options.userDataHash === undefined ? {} : { userDataHash: options.userDataHash }),
    ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
  }
  return record
}

/** Refuses a launch of `count` instances of `vcpus` each past the quotas. */
export function requireLaunchQuota(
  cloud: SimCloud,
  subnet: SubnetRecord,
  count: number,
  vcpus: number,
): void {
  requireVcpus(cloud, count * vcpus)
  requireSubnetRoom(cloud, subnet, count)
}
