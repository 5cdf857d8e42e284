import type {
  FirewallOutputs,
  FirewallSpec,
  InstanceGroupOutputs,
  InstanceGroupSpec,
  InstanceOutputs,
  InstanceSpec,
  NetworkOutputs,
  NetworkSpec,
  SubnetOutputs,
  SubnetSpec,
  VolumeOutputs,
  VolumeSpec,
} from '@skyloom/core/provider'
import type { SimKind } from './kinds.js'
import type {
  FirewallRecord,
  InstanceGroupRecord,
  InstanceRecord,
  NetworkRecord,
  RecordOf,
  SimRecord,
  SubnetRecord,
  VolumeRecord,
} from './records.js'

/** Props and outputs of each kind, as handlers receive and return them. */
export interface SimKindTypes {
  network: { props: NetworkSpec; outputs: NetworkOutputs }
  subnet: { props: SubnetSpec; outputs: SubnetOutputs }
  firewall: { props: FirewallSpec; outputs: FirewallOutputs }
  instance: { props: InstanceSpec; outputs: InstanceOutputs }
  volume: { props: VolumeSpec; outputs: VolumeOutputs }
  'instance-group': { props: InstanceGroupSpec; outputs: InstanceGroupOutputs }
}

/** Resolved props of a kind. */
export type PropsOf<K extends SimKind> = SimKindTypes[K]['props']
/** Outputs of a kind. */
export type OutputsOf<K extends SimKind> = SimKindTypes[K]['outputs']

/** How a resource looks from outside: what a describe call returns. */
export interface View<K extends SimKind> {
  /** The props the cloud knows, with user tags (ownership tags removed). */
  readonly props: Partial<PropsOf<K>>
  readonly outputs: OutputsOf<K>
  readonly status: 'pending' | 'ready' | 'failed'
  readonly message?: string
}

type Lookup = (id: string) => SimRecord | undefined

/** User tags of a record: everything but the `skyloom-*` ownership tags and the sim's own `sim:*` tags. */
export function userTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).filter(([key]) => !key.startsWith('skyloom-') && !key.startsWith('sim:')),
  )
}

function baseStatus(record: SimRecord): Pick<View<SimKind>, 'status' | 'message'> {
  if (record.lifecycle === 'failed')
    return { status: 'failed', message: record.failure ?? 'provisioning failed' }
  return { status: record.lifecycle === 'creating' ? 'pending' : 'ready' }
}

const networkView = (record: NetworkRecord): View<'network'> => ({
  props: { ...record.spec, tags: userTags(record.tags) },
  outputs: { id: record.id, cidr: record.spec.cidr },
  ...baseStatus(record),
})

const subnetView = (record: SubnetRecord): View<'subnet'> => ({
  props: { ...record.spec, tags: userTags(record.tags) },
  outputs: { id: record.id, cidr: record.spec.cidr, zone: record.zone },
  ...baseStatus(record),
})

const firewallView = (record: FirewallRecord): View<'firewall'> => ({
  props: { ...record.spec, tags: userTags(record.tags) },
  outputs: { id: record.id },
  ...baseStatus(record),
})

/** Outputs of an instance record. */
export function instanceOutputs(record: InstanceRecord): InstanceOutputs {
  return {
    id: record.id,
    privateAddress: record.privateAddress,
    ...(record.publicAddress === undefined ? {} : { publicAddress: record.publicAddress }),
    zone: record.zone,
    state: record.state,
    machineType: record.machineType,
  }
}

const instanceView = (record: InstanceRecord): View<'instance'> => {
  const base = baseStatus(record)
  const moving = record.state === 'pending' || record.state === 'stopping'
  return {
    props: { ...record.spec, tags: userTags(record.tags) },
    outputs: instanceOutputs(record),
    ...(base.status === 'ready' && moving ? { status: 'pending' } : base),
  }
}

const volumeView = (record: VolumeRecord): View<'volume'> => ({
  props: { ...record.spec, tags: userTags(record.tags) },
  outputs: {
    id: record.id,
    zone: record.zone,
    ...(record.spec.attachTo === undefined ? {} : { attachedTo: record.spec.attachTo }),
  },
  ...baseStatus(record),
})

/** Members in service or on their way in; retiring members still serve until their replacement runs. */
export function activeMembers(record: InstanceGroupRecord, lookup: Lookup): InstanceRecord[] {
  const members: InstanceRecord[] = []
  for (const id of record.members) {
    const member = lookup(id)
    if (member?.kind === 'instance' && member.lifecycle !== 'deleting') members.push(member)
  }
  return members
}

const groupView = (record: InstanceGroupRecord, lookup: Lookup): View<'instance-group'> => {
  const base = baseStatus(record)
  const active = activeMembers(record, lookup)
  const members = record.members.map(lookup).filter((member) => member?.kind === 'instance')
  // Ready once the group holds exactly its desired members, all running, none launching or leaving.
  const settled =
    members.length === record.spec.desired &&
    members.every(
      (member) =>
        member.lifecycle === 'available' && member.state === 'running' && member.retire === undefined,
    )
  return {
    props: { ...record.spec, tags: userTags(record.tags) },
    outputs: {
      id: record.id,
      desired: record.spec.desired,
      instances: active.filter((member) => member.retire === undefined).map((member) => member.id),
    },
    ...(base.status === 'ready' && !settled ? { status: 'pending' } : base),
  }
}

/** The outside view of any record. */
export function viewOf<K extends SimKind>(record: RecordOf<K>, lookup: Lookup): View<K>
export function viewOf(record: SimRecord, lookup: Lookup): View<SimKind> {
  switch (record.kind) {
    case 'network':
      return networkView(record)
    case 'subnet':
      return subnetView(record)
    case 'firewall':
      return firewallView(record)
    case 'instance':
      return instanceView(record)
    case 'volume':
      return volumeView(record)
    case 'instance-group':
      return groupView(record, lookup)
  }
}
