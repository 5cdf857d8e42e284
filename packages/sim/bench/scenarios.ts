import { seededRandom } from '@skyloom/core'
import type { SimRegion } from '../src/index.js'
import { type ResourceSpec, ref, type Scenario } from './scenario.js'

/** Props of an instance in the handler's normalized form. */
const instanceProps = (subnetName: string, firewalls: readonly string[] = []) => ({
  size: 'small',
  image: 'ubuntu-24.04',
  subnet: ref(subnetName),
  firewalls: firewalls.map(ref),
  publicIp: false,
})

const ZONE_LETTERS = ['a', 'b', 'c'] as const
const zoneOf = (region: SimRegion, index: number) => `${region}${ZONE_LETTERS[index % 3]}`

/**
 * A web tier: one network, `subnets` subnets of /22 (1,019 usable addresses each, so address
 * space and the 1,000-instances-per-subnet quota never bind), optionally a firewall, and
 * `instances` instances spread round-robin over the subnets. Sim default latencies.
 */
function webTier(options: {
  region: SimRegion
  regionIndex: number
  prefix: string
  subnets: number
  instances: number
  firewall: boolean
}): ResourceSpec[] {
  const { region, regionIndex, prefix } = options
  const out: ResourceSpec[] = []
  const add = (spec: Omit<ResourceSpec, 'region' | 'dependsOn'> & { dependsOn?: string[] }) =>
    out.push({ dependsOn: [], ...spec, region: regionIndex })
  const net = `${prefix}net`
  add({ kind: 'network', name: net, props: { cidr: '10.0.0.0/16' } })
  const fw = `${prefix}fw`
  if (options.firewall) add({ kind: 'firewall', name: fw, props: { network: ref(net), ingress: [] } })
  for (let index = 0; index < options.subnets; index++) {
    add({
      kind: 'subnet',
      name: `${prefix}sub-${index}`,
      props: {
        network: ref(net),
        cidr: `10.0.${index * 4}.0/22`,
        zone: zoneOf(region, index),
        public: false,
      },
    })
  }
  for (let index = 0; index < options.instances; index++) {
    add({
      kind: 'instance',
      name: `${prefix}web-${index}`,
      props: instanceProps(`${prefix}sub-${index % options.subnets}`, options.firewall ? [fw] : []),
    })
  }
  return out
}

/** 1 network, 10 subnets (/22), 1,000 instances in one region: bound by RunInstances' 2/s refill. */
export function wideWebTier(): Scenario {
  return {
    name: 'wide-web-tier',
    description: '1 network, 10 subnets (/22), 1,000 instances; sim default latencies',
    regions: ['sim-east-1'],
    resources: webTier({
      region: 'sim-east-1',
      regionIndex: 0,
      prefix: '',
      subnets: 10,
      instances: 1_000,
      firewall: false,
    }),
  }
}

/**
 * Deep chains beside short branches: 12 chains of 6 to 16 instances, each link depending on
 * the one before (an app tier waiting for its database, and so on), every chain instance with
 * a data volume; and 300 two-step branches (an instance and its volume). The chains are the
 * critical path; the branches compete with them for RunInstances and mutate tokens.
 */
export function deepChains(): Scenario {
  const region: SimRegion = 'sim-east-1'
  const resources: ResourceSpec[] = []
  const add = (spec: Omit<ResourceSpec, 'region' | 'dependsOn'> & { dependsOn?: string[] }) =>
    resources.push({ dependsOn: [], ...spec, region: 0 })
  add({ kind: 'network', name: 'net', props: { cidr: '10.0.0.0/16' } })
  add({ kind: 'firewall', name: 'fw', props: { network: ref('net'), ingress: [] } })
  for (let index = 0; index < 3; index++) {
    add({
      kind: 'subnet',
      name: `sub-${index}`,
      props: {
        network: ref('net'),
        cidr: `10.0.${index * 16}.0/20`,
        zone: zoneOf(region, index),
        public: false,
      },
    })
  }
  const volumeOf = (instanceName: string) =>
    add({
      kind: 'volume',
      name: `${instanceName}-data`,
      props: { sizeGiB: 50, type: 'ssd', attachTo: ref(instanceName) },
    })
  for (let chain = 0; chain < 12; chain++) {
    const depth = 6 + 2 * Math.floor(chain / 2)
    for (let link = 0; link < depth; link++) {
      const name = `chain-${chain}-${link}`
      add({
        kind: 'instance',
        name,
        props: instanceProps(`sub-${chain % 3}`, ['fw']),
        dependsOn: link === 0 ? [] : [`chain-${chain}-${link - 1}`],
      })
      volumeOf(name)
    }
  }
  for (let branch = 0; branch < 300; branch++) {
    const name = `app-${branch}`
    add({ kind: 'instance', name, props: instanceProps(`sub-${branch % 3}`, ['fw']) })
    volumeOf(name)
  }
  return {
    name: 'deep-chains',
    description: '12 chains of 6-16 dependent instances (+ a volume each) and 300 instance+volume branches',
    regions: [region],
    resources,
  }
}

/**
 * A random layered DAG of 2,000 steps: a network and 4 subnets, then 20 layers of about 100
 * steps. Each step is an instance (50%), a volume (30%) or a firewall (20%), depends on one
 * to three steps of the two layers before it, and takes an exact provisioning time drawn from
 * a mix: 60% short (1-5 s), 30% medium (10-40 s), 10% long (60-180 s). The expected durations
 * the engine plans with stay the sim's per-kind means: the scheduler does not know the draws.
 */
export function randomDag(seed: number): Scenario {
  const region: SimRegion = 'sim-east-1'
  const random = seededRandom(seed * 7919 + 17)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const uniform = (low: number, high: number) => Math.round(low + random() * (high - low))
  const latency = () => {
    const draw = random()
    if (draw < 0.6) return uniform(1_000, 5_000)
    if (draw < 0.9) return uniform(10_000, 40_000)
    return uniform(60_000, 180_000)
  }
  const resources: ResourceSpec[] = []
  const add = (spec: Omit<ResourceSpec, 'region'>) => resources.push({ ...spec, region: 0 })
  add({ kind: 'network', name: 'net', props: { cidr: '10.0.0.0/16' }, dependsOn: [] })
  const subnets: string[] = []
  for (let index = 0; index < 4; index++) {
    subnets.push(`sub-${index}`)
    add({
      kind: 'subnet',
      name: `sub-${index}`,
      props: {
        network: ref('net'),
        cidr: `10.0.${index * 16}.0/20`,
        zone: zoneOf(region, index),
        public: false,
      },
      dependsOn: [],
    })
  }
  const layers: string[][] = [['net', ...subnets]]
  const total = 2_000
  const perLayer = Math.ceil((total - resources.length) / 20)
  for (let layer = 1; resources.length < total; layer++) {
    const current: string[] = []
    const previous = layers[layer - 1]!
    const before = layers[layer - 2] ?? previous
    for (let index = 0; index < perLayer && resources.length < total; index++) {
      const name = `step-${layer}-${index}`
      const dependsOn = new Set<string>([pick(previous)])
      const extra = Math.floor(random() * 3)
      for (let more = 0; more < extra; more++) dependsOn.add(pick(random() < 0.5 ? previous : before))
      const sim = { sim: { provisionMs: latency() } }
      const draw = random()
      if (draw < 0.5) {
        add({
          kind: 'instance',
          name,
          props: { ...instanceProps(pick(subnets)), providerOptions: sim },
          dependsOn: [...dependsOn],
        })
      } else if (draw < 0.8) {
        add({
          kind: 'volume',
          name,
          props: { sizeGiB: 20, type: 'ssd', zone: zoneOf(region, index), providerOptions: sim },
          dependsOn: [...dependsOn],
        })
      } else {
        add({
          kind: 'firewall',
          name,
          props: { network: ref('net'), ingress: [], providerOptions: sim },
          dependsOn: [...dependsOn],
        })
      }
      current.push(name)
    }
    layers.push(current)
  }
  return {
    name: 'random-dag-2000',
    description: '2,000 steps in 20 random layers; instances, volumes, firewalls; 1-180 s drawn latencies',
    regions: [region],
    resources,
  }
}

/**
 * The web tier in three regions, each region its own provider instance (own key, own EC2
 * buckets): per region 1 network, 10 subnets, 1 firewall and `perRegion` instances, in one stack.
 */
export function multiRegion(perRegion = 1_000): Scenario {
  const regions: SimRegion[] = ['sim-east-1', 'sim-west-1', 'sim-eu-1']
  return {
    name: 'multi-region',
    description: `3 regions x (1 network, 10 subnets, 1 firewall, ${perRegion.toLocaleString('en-US')} instances), one stack`,
    regions,
    resources: regions.flatMap((region, regionIndex) =>
      webTier({
        region,
        regionIndex,
        prefix: `${region.slice(4)}-`,
        subnets: 10,
        instances: perRegion,
        firewall: true,
      }),
    ),
  }
}

/** Every scenario of the benchmark, in table order. */
export function allScenarios(seed: number): Scenario[] {
  return [wideWebTier(), deepChains(), randomDag(seed), multiRegion()]
}
