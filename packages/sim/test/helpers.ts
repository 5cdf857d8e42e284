import {
  type FirewallSpec,
  type InstanceGroupSpec,
  type InstanceSpec,
  type MutationContext,
  type NetworkSpec,
  ProviderError,
  type SubnetSpec,
  type VolumeSpec,
} from '@skyloom/core/provider'
import { type TestContextOptions, testContext, VirtualClock } from '@skyloom/core/testing'
import { createSim, type SimProvider, type SimSettings } from '../src/index.js'

/** A sim on a fresh virtual clock, and a context maker bound to that clock. */
export function virtualSim(settings: Omit<SimSettings, 'clock' | 'virtualTime'> = {}) {
  const clock = new VirtualClock(0)
  const provider = createSim({ ...settings, clock })
  const ctx = (
    kind: string,
    name: string,
    options: Omit<TestContextOptions, 'kind' | 'name' | 'clock'> = {},
  ) => testContext({ stack: 'web', ...options, kind, name, clock })
  return { provider, clock, ctx, handlers: handlersOf(provider) }
}

/** The sim's handlers, typed per kind for direct calls in tests. */
export function handlersOf(provider: SimProvider) {
  const k = provider.kinds
  return {
    network: k.network as unknown as Handler<NetworkSpec>,
    subnet: k.subnet as unknown as Handler<SubnetSpec>,
    firewall: k.firewall as unknown as Handler<FirewallSpec>,
    instance: k.instance as unknown as Handler<InstanceSpec>,
    volume: k.volume as unknown as Handler<VolumeSpec>,
    group: k['instance-group'] as unknown as Handler<InstanceGroupSpec>,
  }
}

type Outputs = Record<string, unknown>

/** The handler methods the tests call, with props typed per kind. */
export interface Handler<P> {
  create(props: P, ctx: MutationContext): Promise<{ id: string; outputs: Outputs; ready?: boolean }>
  read(
    id: string,
    ctx: MutationContext,
  ): Promise<
    { id: string; props: Partial<P>; outputs: Outputs; status?: string; message?: string } | undefined
  >
  readMany(
    ids: readonly string[],
    ctx: MutationContext,
  ): Promise<ReadonlyMap<string, { status?: string; outputs: Outputs }>>
  update(
    id: string,
    change: { current: { props: P; outputs: Outputs }; desired: P; changed: readonly string[] },
    ctx: MutationContext,
  ): Promise<{ id: string; outputs: Outputs; ready?: boolean }>
  delete(id: string, current: { props: P; outputs: Outputs }, ctx: MutationContext): Promise<void>
  find(
    query: { idempotencyKey?: string; ownership: MutationContext['ownership'] },
    ctx: MutationContext,
  ): Promise<
    readonly { id: string; ownership?: { stack?: string; urn?: string }; tags?: Record<string, string> }[]
  >
  list(
    filter: { tags?: Record<string, string>; stack?: string },
    ctx: MutationContext,
  ): AsyncIterable<{ id: string; props: Partial<P>; tags?: Record<string, string> }>
  check?(
    props: P,
    ctx: unknown,
  ):
    | Promise<{ path: string; message: string; severity: string }[]>
    | { path: string; message: string; severity: string }[]
  actions?: Record<
    string,
    (
      id: string,
      ctx: MutationContext,
      args?: Record<string, unknown>,
    ) => Promise<Record<string, unknown> | undefined>
  >
}

export const networkProps = (cidr = '10.0.0.0/16', tags: Record<string, string> = {}): NetworkSpec => ({
  cidr,
  tags,
})

export const subnetProps = (
  network: string,
  cidr = '10.0.1.0/24',
  extra: Partial<SubnetSpec> = {},
): SubnetSpec => ({
  network,
  cidr,
  public: false,
  tags: {},
  ...extra,
})

export const firewallProps = (network: string, extra: Partial<FirewallSpec> = {}): FirewallSpec => ({
  network,
  ingress: [{ protocol: 'tcp', ports: { from: 443, to: 443 }, cidrs: ['0.0.0.0/0'] }],
  egress: undefined,
  tags: {},
  ...extra,
})

export const instanceProps = (subnet: string, extra: Partial<InstanceSpec> = {}): InstanceSpec => ({
  size: 'small',
  image: 'ubuntu-24.04',
  subnet,
  firewalls: [],
  publicIp: false,
  tags: {},
  ...extra,
})

export const volumeProps = (extra: Partial<VolumeSpec> = {}): VolumeSpec => ({
  sizeGiB: 100,
  type: 'ssd',
  tags: {},
  ...extra,
})

export const groupProps = (subnets: string[], extra: Partial<InstanceGroupSpec> = {}): InstanceGroupSpec => ({
  size: 'small',
  image: 'ubuntu-24.04',
  subnets,
  firewalls: [],
  publicIp: false,
  min: 1,
  max: 10,
  desired: 3,
  rolling: { maxSurge: 1, maxUnavailable: 0 },
  tags: {},
  ...extra,
})

/** Runs `fn`, expecting a `ProviderError`; returns it for assertions. */
export async function failure(fn: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await fn()
  } catch (error) {
    if (ProviderError.isInstance(error)) return error
    throw new Error(`expected a ProviderError, got ${String(error)}`)
  }
  throw new Error('expected the call to fail, but it succeeded')
}

/**
 * Builds network + subnet, waits until both are ready, and returns their ids: the usual
 * starting point of instance tests.
 */
export async function baseNetwork(env: ReturnType<typeof virtualSim>, cidr = '10.0.0.0/16') {
  const { handlers, ctx, clock } = env
  const net = await handlers.network.create(networkProps(cidr), ctx('network', 'net'))
  const sub = await handlers.subnet.create(
    subnetProps(net.id, cidr.replace('.0.0/16', '.1.0/24')),
    ctx('subnet', 'a'),
  )
  await clock.sleep(5_000)
  return { network: net.id, subnet: sub.id }
}
