import { cidrContains, cidrOverlaps, parseCidr, type SubnetSpec } from '@skyloom/core/provider'
import { SimApiError } from '../errors.js'
import type { SubnetRecord } from '../records.js'
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

const SUBNET_PREFIXES = { min: 16, max: 28 }

/** The `subnet` kind: a zonal slice of a network's CIDR. */
export function subnetHandler(cloud: SimCloud): SimHandler<'subnet'> {
  return {
    ...traits(cloud, 'subnet'),
    ...describeOperations(cloud, 'subnet'),

    check(props) {
      return checkZone(cloud, props.zone)
    },

    async create(props: SubnetSpec, ctx) {
      return cloud.request({ action: 'CreateSubnet', scope: 'mutate', operation: 'create', ctx }, (now) => {
        const spec: SubnetRecord['spec'] = {
          network: props.network,
          cidr: props.cidr,
          ...(props.zone === undefined ? {} : { zone: props.zone }),
          public: props.public ?? false,
        }
        return createOnce(cloud, 'subnet', ctx, now, { spec, tags: props.tags }, (newBase) => {
          const network = cloud.requireReference(
            'network',
            props.network,
            'InvalidNetworkID.NotFound',
            'network',
          )
          const zone = props.zone ?? cloud.zones[0]!
          requireZone(cloud, zone)
          const parsed = parseCidr(props.cidr)
          if (!parsed.ok) throw new SimApiError('InvalidParameterValue', `cidr ${parsed.error}`)
          const block = parsed.block
          if (block.prefix < SUBNET_PREFIXES.min || block.prefix > SUBNET_PREFIXES.max) {
            throw new SimApiError(
              'InvalidSubnet.Range',
              `subnet cidr ${props.cidr} has prefix /${block.prefix}; subnets take /${SUBNET_PREFIXES.min} to /${SUBNET_PREFIXES.max}`,
            )
          }
          const outer = parseCidr(network.spec.cidr)
          if (outer.ok && !cidrContains(outer.block, block)) {
            throw new SimApiError(
              'InvalidSubnet.Range',
              `subnet cidr ${props.cidr} is not inside network ${network.id} (${network.spec.cidr}); choose a block inside it`,
            )
          }
          const clash = cloud.records('subnet').find((other) => {
            if (other.spec.network !== network.id) return false
            const otherBlock = parseCidr(other.spec.cidr)
            return otherBlock.ok && cidrOverlaps(otherBlock.block, block)
          })
          if (clash) {
            throw new SimApiError(
              'InvalidSubnet.Conflict',
              `subnet cidr ${props.cidr} overlaps subnet ${clash.id} (${clash.spec.cidr}) of network ${network.id}; choose a free block`,
            )
          }
          return { ...newBase(), kind: 'subnet', spec, zone }
        })
      })
    },

    async update(id, change, ctx) {
      const calls: UpdateCall[] = []
      if (change.changed.includes('public')) {
        calls.push({
          scope: 'mutate',
          run: () =>
            cloud.request(
              { action: 'ModifySubnetAttribute', scope: 'mutate', operation: 'update', ctx },
              () => {
                cloud.requireTarget('subnet', id).spec.public = change.desired.public ?? false
              },
            ),
        })
      }
      return runUpdate(cloud, 'subnet', id, ctx, {
        changed: change.changed,
        tags: change.desired.tags,
        inPlace: ['public', 'tags', 'providerOptions'],
        calls,
      })
    },

    async delete(id, _current, ctx) {
      await deleteAndWait(cloud, 'subnet', id, ctx, {
        action: 'DeleteSubnet',
        scope: 'mutate',
        usedBy: (other, record) =>
          (other.kind === 'instance' && other.spec.subnet === record.id) ||
          (other.kind === 'instance-group' && other.spec.subnets.includes(record.id)),
      })
    },
  }
}
