import type { InstanceState } from '@skyloom/core/provider'
import { requireMachineType } from './handlers/launch.js'
import { SIM_KINDS, type SimKind } from './kinds.js'
import { vcpusInUse } from './quotas.js'
import type { Lifecycle, SimRecord } from './records.js'
import type { SimCloud, SimStats } from './sim-cloud.js'
import { viewOf } from './views.js'

/** A resource as the out-of-band API shows it: everything the cloud knows, consistency window ignored. */
export interface SimResourceView {
  readonly id: string
  readonly kind: SimKind
  readonly region: string
  readonly lifecycle: Lifecycle
  /** `deleting` while a deletion is under way, else what a read would say. */
  readonly status: 'pending' | 'ready' | 'failed' | 'deleting'
  /** Props as a read returns them (user tags included). */
  readonly props: Readonly<Record<string, unknown>>
  readonly outputs: Readonly<Record<string, unknown>>
  /** Every tag, ownership tags included. */
  readonly tags: Readonly<Record<string, string>>
  /** Clock time of the create. */
  readonly createdAt: number
  /** Clock time provisioning ends (or ended). */
  readonly readyAt: number
  /** Clock time a deletion completes. */
  readonly goneAt?: number
  /** Why provisioning fails, for resources chosen to fail. */
  readonly failure?: string
}

/** A change made behind Skyloom's back, as someone at the console would. */
export interface SimDrift {
  /** Props to overwrite. An instance's `size` also changes its machine type. */
  readonly props?: Readonly<Record<string, unknown>>
  /** User tags to add or overwrite. */
  readonly tags?: Readonly<Record<string, string>>
  /** User tag keys to remove. */
  readonly removeTags?: readonly string[]
  /** An instance's new state, at once (`stopped` or `running`). */
  readonly state?: InstanceState
}

/** Filter of {@link SimCloudControl.resources}. */
export interface SimResourceFilter {
  readonly kind?: SimKind
  /** Tags a resource must carry (ownership tags included). */
  readonly tags?: Readonly<Record<string, string>>
}

/**
 * The out-of-band API of a sim: look at the cloud, change or delete resources behind Skyloom's
 * back (drift, orphans), and count API calls. Nothing here goes through the rate limits or
 * counts as a call.
 */
export interface SimCloudControl {
  readonly region: string
  readonly zones: readonly string[]
  /** Every resource of the region, sorted by id. */
  resources(filter?: SimResourceFilter): SimResourceView[]
  /** One resource, or undefined. */
  get(id: string): SimResourceView | undefined
  /** Changes a resource as a console user would; returns it as changed. Throws for an unknown id or prop. */
  mutate(id: string, drift: SimDrift): SimResourceView
  /** Deletes a resource at once, with no dependency checks (a group takes its members along). False when absent. */
  delete(id: string): boolean
  /** vCPUs held against the region's quota. */
  vcpusInUse(): number
  /** API calls per scope and action since creation or the last reset. */
  stats(): SimStats
  /** Zeroes the API call counts. */
  resetStats(): void
  /** Empties the region, refills the rate-limit buckets, rewinds the seeded dice and zeroes the stats. */
  reset(): void
}

/** Props the cloud stores per kind: the only ones `mutate` accepts. */
const MUTABLE_PROPS: Readonly<Record<SimKind, readonly string[]>> = {
  network: ['cidr'],
  subnet: ['network', 'cidr', 'zone', 'public'],
  firewall: ['network', 'ingress', 'egress'],
  instance: ['size', 'image', 'subnet', 'zone', 'firewalls', 'publicIp', 'diskGiB'],
  volume: ['sizeGiB', 'type', 'zone', 'attachTo'],
  'instance-group': [
    'size',
    'image',
    'subnets',
    'firewalls',
    'publicIp',
    'diskGiB',
    'min',
    'max',
    'desired',
    'rolling',
  ],
}

function view(cloud: SimCloud, record: SimRecord): SimResourceView {
  const seen = viewOf(record, (id) => cloud.get(id))
  return {
    id: record.id,
    kind: record.kind,
    region: record.region,
    lifecycle: record.lifecycle,
    status: record.lifecycle === 'deleting' ? 'deleting' : seen.status,
    props: seen.props,
    outputs: seen.outputs as unknown as Readonly<Record<string, unknown>>,
    tags: { ...record.tags },
    createdAt: record.createdAt,
    readyAt: record.readyAt,
    ...(record.goneAt === undefined ? {} : { goneAt: record.goneAt }),
    ...(record.failure === undefined ? {} : { failure: record.failure }),
  }
}

/** Builds the out-of-band API over a cloud. */
export function createCloudControl(cloud: SimCloud): SimCloudControl {
  const find = (id: string): SimRecord => {
    cloud.sync()
    const record = cloud.get(id)
    if (!record)
      throw new Error(`The sim has no resource "${id}" in ${cloud.region}; list them with cloud.resources().`)
    return record
  }
  return {
    region: cloud.region,
    zones: cloud.zones,
    resources(filter = {}) {
      cloud.sync()
      if (filter.kind !== undefined && !SIM_KINDS.includes(filter.kind)) {
        throw new Error(`The sim has no kind "${filter.kind}"; kinds are ${SIM_KINDS.join(', ')}.`)
      }
      return cloud
        .records()
        .filter(
          (record) =>
            (filter.kind === undefined || record.kind === filter.kind) &&
            Object.entries(filter.tags ?? {}).every(([key, value]) => record.tags[key] === value),
        )
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((record) => view(cloud, record))
    },
    get(id) {
      cloud.sync()
      const record = cloud.get(id)
      return record ? view(cloud, record) : undefined
    },
    mutate(id, drift) {
      const record = find(id)
      const allowed = MUTABLE_PROPS[record.kind]
      for (const key of Object.keys(drift.props ?? {})) {
        if (!allowed.includes(key)) {
          throw new Error(
            `A ${record.kind} has no prop "${key}" the sim can change; use one of ${allowed.join(', ')}.`,
          )
        }
      }
      if (drift.state !== undefined && record.kind !== 'instance') {
        throw new Error(`Only instances have a state; ${id} is a ${record.kind}.`)
      }
      const spec = record.spec as Record<string, unknown>
      for (const [key, value] of Object.entries(drift.props ?? {})) {
        if (value === undefined) delete spec[key]
        else spec[key] = value
      }
      if (record.kind === 'instance') {
        if (drift.props?.size !== undefined) {
          const machine = requireMachineType(record.spec.size)
          record.machineType = machine.machineType
          record.vcpus = machine.vcpus
        }
        if (drift.state !== undefined) {
          record.state = drift.state
          record.transitions = []
        }
      }
      const tags = { ...record.tags, ...(drift.tags ?? {}) }
      for (const key of drift.removeTags ?? []) delete tags[key]
      record.tags = tags
      cloud.store.commit()
      return view(cloud, record)
    },
    delete(id) {
      cloud.sync()
      const record = cloud.get(id)
      if (!record) return false
      if (record.kind === 'instance-group') for (const member of [...record.members]) cloud.removeNow(member)
      cloud.removeNow(id)
      cloud.store.commit()
      return true
    },
    vcpusInUse: () => {
      cloud.sync()
      return vcpusInUse(cloud)
    },
    stats: () => cloud.stats(),
    resetStats: () => cloud.resetStats(),
    reset: () => cloud.reset(),
  }
}
