import { type NetworkSpec, parseCidr } from '@skyloom/core/provider'
import { SimApiError } from '../errors.js'
import type { SimCloud } from '../sim-cloud.js'
import { createOnce, deleteAndWait, describeOperations, runUpdate, type SimHandler } from './common.js'
import { traits } from './traits.js'

/** Network prefixes the sim accepts, as EC2 does for VPCs. */
const NETWORK_PREFIXES = { min: 16, max: 28 }

/** Refuses a CIDR a VPC could not have. */
function requireNetworkCidr(cidr: string): void {
  const parsed = parseCidr(cidr)
  if (!parsed.ok) throw new SimApiError('InvalidParameterValue', `cidr ${parsed.error}`)
  const { prefix } = parsed.block
  if (prefix < NETWORK_PREFIXES.min || prefix > NETWORK_PREFIXES.max) {
    throw new SimApiError(
      'InvalidNetwork.Range',
      `network cidr ${cidr} has prefix /${prefix}; networks take /${NETWORK_PREFIXES.min} to /${NETWORK_PREFIXES.max}`,
    )
  }
}

/** The `network` kind: a VPC-like address space that subnets and firewalls live in. */
export function networkHandler(cloud: SimCloud): SimHandler<'network'> {
  return {
    ...traits(cloud, 'network'),
    ...describeOperations(cloud, 'network'),

    async create(props: NetworkSpec, ctx) {
      return cloud.request({ action: 'CreateNetwork', scope: 'mutate', operation: 'create', ctx }, (now) => {
        const spec = { cidr: props.cidr }
        return createOnce(cloud, 'network', ctx, now, { spec, tags: props.tags }, (newBase) => {
          requireNetworkCidr(props.cidr)
          return { ...newBase(), kind: 'network', spec }
        })
      })
    },

    async update(id, change, ctx) {
      return runUpdate(cloud, 'network', id, ctx, {
        changed: change.changed,
        tags: change.desired.tags,
        inPlace: ['tags', 'providerOptions'],
        calls: [],
      })
    },

    async delete(id, _current, ctx) {
      await deleteAndWait(cloud, 'network', id, ctx, {
        action: 'DeleteNetwork',
        scope: 'mutate',
        usedBy: (other, record) =>
          (other.kind === 'subnet' || other.kind === 'firewall') && other.spec.network === record.id,
      })
    },
  }
}
