import type { ProviderV1 } from '../provider/contract.js'
import type { Duration } from './duration.js'
import type { FirewallOutputs, FirewallProps } from './kinds/firewall.js'
import type { InstanceOutputs, InstanceProps } from './kinds/instance.js'
import type { InstanceGroupOutputs, InstanceGroupProps } from './kinds/instance-group.js'
import type { NetworkOutputs, NetworkProps } from './kinds/network.js'
import type { SubnetOutputs, SubnetProps } from './kinds/subnet.js'
import type { VolumeOutputs, VolumeProps } from './kinds/volume.js'
import type { OutputRef } from './reference.js'

/** Lifecycle options, the same for every kind. */
export interface ResourceOptions {
  /** Extra ordering edges, without data: handles, or URNs / `kind/name` of resources in the stack. */
  readonly dependsOn?: ReadonlyArray<ResourceHandle | string>
  /** The provider instance for this resource; defaults to the stack's. One stack may span clouds and regions. */
  readonly provider?: ProviderV1
  /** Refuse to delete or replace this resource until the option is removed. */
  readonly protect?: boolean
  /** Prop paths (`tags`, `tags.owner`) whose changes are ignored after creation. */
  readonly ignoreChanges?: readonly string[]
  /** Top-level props whose change replaces the resource instead of updating it. */
  readonly replaceOnChanges?: readonly string[]
  /** Replace by deleting first, then creating; the default creates the new one first. */
  readonly deleteBeforeReplace?: boolean
  /** When removed from the stack (or on destroy), forget it instead of deleting it. */
  readonly retainOnDelete?: boolean
  /** Per-operation time limits, including waits until ready. */
  readonly timeouts?: { readonly create?: Duration; readonly update?: Duration; readonly delete?: Duration }
}

/** An unattached description of a resource, made by `network(...)`, `instance(...)`, … */
export interface ResourceDeclaration<K extends string = string, O = Record<string, unknown>> {
  readonly kind: K
  readonly name: string
  readonly props: Readonly<Record<string, unknown>>
  readonly options: ResourceOptions
  /** Phantom: the outputs type, for typed references. */
  readonly __outputs?: O
}

/** References to every output field of a resource. */
export type OutputRefs<O> = { readonly [P in keyof O]-?: OutputRef<NonNullable<O[P]>> }

/** What `stack.add` returns: the resource's identity and typed references to its outputs. */
export interface ResourceHandle<K extends string = string, O = Record<string, unknown>> {
  readonly urn: string
  readonly kind: K
  readonly name: string
  readonly stack: string
  readonly out: OutputRefs<O>
}

function declare<K extends string, P, O>(kind: K) {
  return (name: string, props: P, options: ResourceOptions = {}): ResourceDeclaration<K, O> => ({
    kind,
    name,
    props: props as Readonly<Record<string, unknown>>,
    options,
  })
}

/**
 * Declares a resource of a provider-native kind. Provider packages wrap it with typed
 * functions, e.g. `launchTemplate(name, props)` for `aws:launch-template`.
 */
export function resource<O = Record<string, unknown>, P = Record<string, unknown>>(
  kind: string,
  name: string,
  props: P,
  options: ResourceOptions = {},
): ResourceDeclaration<string, O> {
  return { kind, name, props: props as Readonly<Record<string, unknown>>, options }
}

/** A private network (AWS VPC, GCP VPC network, Azure VNet). */
export const network = declare<'network', NetworkProps, NetworkOutputs>('network')
/** A subnet inside a network. */
export const subnet = declare<'subnet', SubnetProps, SubnetOutputs>('subnet')
/** Ingress and egress rules on a network (security group, firewall rules, NSG). */
export const firewall = declare<'firewall', FirewallProps, FirewallOutputs>('firewall')
/** A virtual machine. */
export const instance = declare<'instance', InstanceProps, InstanceOutputs>('instance')
/** A block storage volume, optionally attached to an instance. */
export const volume = declare<'volume', VolumeProps, VolumeOutputs>('volume')
/** A scaled group of identical instances. */
export const instanceGroup = declare<'instance-group', InstanceGroupProps, InstanceGroupOutputs>(
  'instance-group',
)
