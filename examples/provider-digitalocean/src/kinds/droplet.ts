import type { InstanceOutputs, InstanceState } from '@skyloom/core/provider'
import type { Droplet } from '../api/wire.js'

/** A Droplet's status as a neutral instance state. */
export function dropletState(status: string): InstanceState {
  switch (status) {
    case 'new':
      return 'pending'
    case 'active':
      return 'running'
    case 'off':
      return 'stopped'
    case 'archive':
      return 'terminated'
    default:
      return 'pending'
  }
}

export function dropletOutputs(droplet: Droplet): InstanceOutputs {
  const networks = droplet.networks.v4 ?? []
  const privateAddress = networks.find((network) => network.type === 'private')?.ip_address ?? ''
  const publicAddress = networks.find((network) => network.type === 'public')?.ip_address
  return {
    id: String(droplet.id),
    privateAddress,
    ...(publicAddress ? { publicAddress } : {}),
    zone: droplet.region.slug,
    state: dropletState(droplet.status),
    machineType: droplet.size_slug,
  }
}

/** Droplet ids are integers; Skyloom ids are strings. */
export function dropletNumber(id: string): number {
  const value = Number(id)
  return Number.isInteger(value) && value > 0 ? value : Number.NaN
}
