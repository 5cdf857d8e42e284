import type { z } from 'zod'
import { firewallSchema } from './firewall.js'
import { instanceSchema } from './instance.js'
import { instanceGroupSchema } from './instance-group.js'
import { networkSchema } from './network.js'
import { subnetSchema } from './subnet.js'
import { volumeSchema } from './volume.js'

/** What the core knows about a kind: how to validate it and which fields force replacement. */
export interface KindSpec {
  readonly kind: string
  readonly schema: z.ZodType
  /** Output fields a reference may name; undefined means any. */
  readonly outputs: readonly string[] | undefined
  /** Top-level props whose change forces a replacement, whatever the provider. */
  readonly replaceOn: readonly string[]
}

/** The neutral kinds every shipped provider implements (DESIGN.md section 3). */
export const NEUTRAL_KINDS = {
  network: { kind: 'network', schema: networkSchema, outputs: ['id', 'cidr'], replaceOn: ['cidr'] },
  subnet: {
    kind: 'subnet',
    schema: subnetSchema,
    outputs: ['id', 'cidr', 'zone'],
    replaceOn: ['network', 'cidr', 'zone'],
  },
  firewall: { kind: 'firewall', schema: firewallSchema, outputs: ['id'], replaceOn: ['network'] },
  instance: {
    kind: 'instance',
    schema: instanceSchema,
    outputs: ['id', 'privateAddress', 'publicAddress', 'zone', 'state', 'machineType'],
    replaceOn: ['image', 'subnet', 'zone', 'userData', 'diskGiB', 'publicIp'],
  },
  volume: {
    kind: 'volume',
    schema: volumeSchema,
    outputs: ['id', 'zone', 'attachedTo'],
    replaceOn: ['zone'],
  },
  'instance-group': {
    kind: 'instance-group',
    schema: instanceGroupSchema,
    outputs: ['id', 'desired', 'instances'],
    replaceOn: [],
  },
} as const satisfies Record<string, KindSpec>

export type NeutralKind = keyof typeof NEUTRAL_KINDS

export function isNeutralKind(kind: string): kind is NeutralKind {
  return Object.hasOwn(NEUTRAL_KINDS, kind)
}

export { cidrSchema, input, providerOptionsSchema, secretInput, type Tags, tagsSchema } from './common.js'
export { type FirewallOutputs, type FirewallProps, type FirewallRule, firewallSchema } from './firewall.js'
export { type InstanceOutputs, type InstanceProps, type InstanceState, instanceSchema } from './instance.js'
export { type InstanceGroupOutputs, type InstanceGroupProps, instanceGroupSchema } from './instance-group.js'
export { type NetworkOutputs, type NetworkProps, networkSchema } from './network.js'
export { type SubnetOutputs, type SubnetProps, subnetSchema } from './subnet.js'
export { type VolumeOutputs, type VolumeProps, volumeSchema } from './volume.js'
