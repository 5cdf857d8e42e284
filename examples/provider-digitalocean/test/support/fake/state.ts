import { randomUUID } from 'node:crypto'

/*
 * The local server's account: plain records, changed by the route handlers, and a clock-driven
 * `advance` that moves asynchronous things forward (Droplets `new` → `active`, actions
 * `in-progress` → `completed` with their effect, firewalls `waiting` → `succeeded`, pools
 * `deleting` → gone). Time is the wall clock, so state moves between two polls of a test.
 */

export interface FakeSize {
  readonly slug: string
  readonly vcpus: number
  readonly memory: number
  readonly disk: number
  readonly priceMonthly: number
  readonly description: string
}

export interface StoredDroplet {
  id: number
  name: string
  status: 'new' | 'active' | 'off' | 'archive'
  readonly createdAt: number
  readonly region: string
  size: FakeSize
  readonly image: string | number
  readonly vpcUuid: string
  tags: string[]
  volumeIds: string[]
  privateIp: string
  publicIp: string | undefined
  readonly ipv6: boolean
  readonly features: string[]
  locked: boolean
  /** The autoscale pool the Droplet belongs to. */
  poolId: string | undefined
}

export interface StoredVpc {
  readonly id: string
  name: string
  description: string
  readonly region: string
  readonly ipRange: string
  readonly createdAt: number
  readonly isDefault: boolean
  /** Next host number handed to a Droplet in this VPC. */
  nextHost: number
}

export interface StoredRule {
  protocol: string
  ports: string
  sources?: Record<string, unknown>
  destinations?: Record<string, unknown>
}

export interface StoredFirewall {
  readonly id: string
  name: string
  status: 'waiting' | 'succeeded' | 'failed'
  inbound: StoredRule[]
  outbound: StoredRule[]
  dropletIds: number[]
  tags: string[]
  readonly createdAt: number
  settlesAt: number
}

export interface StoredVolume {
  readonly id: string
  readonly name: string
  sizeGiB: number
  readonly region: string
  readonly description: string
  dropletIds: number[]
  tags: string[]
  readonly createdAt: number
  readonly filesystemType: string | undefined
  readonly filesystemLabel: string | undefined
}

export interface StoredAction {
  readonly id: number
  readonly type: string
  status: 'in-progress' | 'completed' | 'errored'
  readonly startedAt: number
  readonly completesAt: number
  completedAt: number | undefined
  readonly resourceId: number | null
  readonly resourceType: string
  readonly region: string
  /** Applied when the action completes (the Droplet goes off, the volume attaches…). */
  readonly effect: (() => void) | undefined
}

export interface StoredPool {
  readonly id: string
  readonly name: string
  config: Record<string, unknown>
  template: Record<string, unknown>
  readonly createdAt: number
  updatedAt: number
  status: 'active' | 'deleting' | 'error'
  deletingSince: number | undefined
}

export interface FakeTiming {
  /** How long a Droplet stays `new`. */
  readonly bootMs: number
  /** How long an action stays `in-progress` (and a firewall `waiting`, a pool `deleting`). */
  readonly actionMs: number
}

export class FakeAccount {
  readonly droplets = new Map<number, StoredDroplet>()
  readonly vpcs = new Map<string, StoredVpc>()
  readonly firewalls = new Map<string, StoredFirewall>()
  readonly volumes = new Map<string, StoredVolume>()
  readonly actions = new Map<number, StoredAction>()
  readonly pools = new Map<string, StoredPool>()
  readonly tags = new Set<string>()
  readonly timing: FakeTiming
  readonly sizes: readonly FakeSize[]
  /** Most Droplets the account may hold; creating more is refused with 422. */
  dropletLimit: number
  #nextDroplet = 3_164_000
  #nextAction = 7_515_000
  #nextPublic = 10

  constructor(options: { timing: FakeTiming; sizes: readonly FakeSize[]; dropletLimit: number }) {
    this.timing = options.timing
    this.sizes = options.sizes
    this.dropletLimit = options.dropletLimit
  }

  newDropletId(): number {
    return ++this.#nextDroplet
  }

  newUuid(): string {
    return randomUUID()
  }

  nextPublicIp(): string {
    const n = this.#nextPublic++
    return `203.0.${113 + Math.floor(n / 250)}.${(n % 250) + 1}`
  }

  /** Starts an action that completes after the action time, applying `effect` then. */
  startAction(options: {
    type: string
    resourceId: number | null
    resourceType: string
    region: string
    effect?: () => void
  }): StoredAction {
    const now = Date.now()
    const action: StoredAction = {
      id: ++this.#nextAction,
      type: options.type,
      status: 'in-progress',
      startedAt: now,
      completesAt: now + this.timing.actionMs,
      completedAt: undefined,
      resourceId: options.resourceId,
      resourceType: options.resourceType,
      region: options.region,
      effect: options.effect,
    }
    this.actions.set(action.id, action)
    return action
  }

  /** Moves everything whose time has come. Called before each request is handled. */
  advance(now = Date.now()): void {
    for (const action of this.actions.values()) {
      if (action.status !== 'in-progress' || action.completesAt > now) continue
      action.status = 'completed'
      action.completedAt = now
      action.effect?.()
    }
    for (const droplet of this.droplets.values()) {
      if (droplet.status === 'new' && droplet.createdAt + this.timing.bootMs <= now) droplet.status = 'active'
    }
    for (const firewall of this.firewalls.values()) {
      if (firewall.status === 'waiting' && firewall.settlesAt <= now) firewall.status = 'succeeded'
    }
    for (const pool of this.pools.values()) {
      if (pool.status !== 'deleting' || (pool.deletingSince ?? now) + this.timing.actionMs > now) continue
      for (const droplet of this.droplets.values())
        if (droplet.poolId === pool.id) this.droplets.delete(droplet.id)
      this.pools.delete(pool.id)
    }
  }

  /** The address a new Droplet gets in its VPC: the VPC's range plus the next host number. */
  allocatePrivateIp(vpc: StoredVpc): string {
    const [address] = vpc.ipRange.split('/')
    const octets = (address ?? '10.0.0.0').split('.').map(Number)
    const base = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0
    const value = (base + vpc.nextHost++) >>> 0
    return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
  }
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
