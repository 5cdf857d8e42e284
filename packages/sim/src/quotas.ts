import { SimApiError } from './errors.js'
import type { InstanceRecord, SubnetRecord } from './records.js'
import type { SimCloud } from './sim-cloud.js'

/** Whether an instance holds vCPUs against the region's quota: pending, running or stopping, as on EC2. */
export function holdsVcpus(record: InstanceRecord): boolean {
  return (
    (record.lifecycle === 'creating' || record.lifecycle === 'available') &&
    (record.state === 'pending' || record.state === 'running' || record.state === 'stopping')
  )
}

/** vCPUs in use in the sim's region. */
export function vcpusInUse(cloud: SimCloud): number {
  return cloud
    .records('instance')
    .filter(holdsVcpus)
    .reduce((sum, record) => sum + record.vcpus, 0)
}

/** Refuses a launch or start that would take the region past its vCPU quota. */
export function requireVcpus(cloud: SimCloud, requested: number): void {
  const limit = cloud.settings.quotas.vcpusPerRegion
  const used = vcpusInUse(cloud)
  if (used + requested > limit) {
    throw new SimApiError(
      'VcpuLimitExceeded',
      `${cloud.region} allows ${limit} vCPUs of running instances; ${used} are in use and this request needs ${requested} more. Stop or delete instances, or raise quotas.vcpusPerRegion.`,
    )
  }
}

/** Instances in a subnet, in any state until they are gone. */
export function instancesIn(cloud: SimCloud, subnetId: string): InstanceRecord[] {
  return cloud.records('instance').filter((record) => record.spec.subnet === subnetId)
}

/** Refuses launching `count` more instances into a full subnet. */
export function requireSubnetRoom(cloud: SimCloud, subnet: SubnetRecord, count: number): void {
  const limit = cloud.settings.quotas.instancesPerSubnet
  const used = instancesIn(cloud, subnet.id).length
  if (used + count > limit) {
    throw new SimApiError(
      'SubnetInstanceLimitExceeded',
      `subnet ${subnet.id} allows ${limit} instances; it has ${used} and this request adds ${count}. Use another subnet, or raise quotas.instancesPerSubnet.`,
    )
  }
}
