import { parseCidr } from '@skyloom/core/provider'
import { SimApiError } from './errors.js'
import { instancesIn } from './quotas.js'
import type { SubnetRecord } from './records.js'
import type { SimCloud } from './sim-cloud.js'

/** Addresses a subnet keeps for itself at its start (network, router, DNS, future) and end (broadcast), as on AWS. */
const RESERVED_AT_START = 4
const RESERVED_AT_END = 1

/** Formats an unsigned 32-bit address as dotted quads. */
export function formatAddress(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

/** The lowest free private address of a subnet; instances keep theirs until they are gone. */
export function allocatePrivateAddress(cloud: SimCloud, subnet: SubnetRecord): string {
  const parsed = parseCidr(subnet.spec.cidr)
  if (!parsed.ok)
    throw new SimApiError('InvalidParameterValue', `subnet ${subnet.id} has cidr ${parsed.error}`)
  const used = new Set(instancesIn(cloud, subnet.id).map((record) => record.privateAddress))
  for (
    let value = parsed.block.base + RESERVED_AT_START;
    value <= parsed.block.last - RESERVED_AT_END;
    value++
  ) {
    const address = formatAddress(value >>> 0)
    if (!used.has(address)) return address
  }
  throw new SimApiError(
    'InsufficientFreeAddressesInSubnet',
    `subnet ${subnet.id} (${subnet.spec.cidr}) has no free addresses left; use a larger subnet or another one`,
  )
}
