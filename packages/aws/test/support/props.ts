import type {
  FirewallRule,
  FirewallSpec,
  InstanceGroupSpec,
  InstanceSpec,
  NetworkSpec,
  SubnetSpec,
  VolumeSpec,
} from '@skyloom/core/provider'

/**
 * Props as the engine hands them to handlers: validated by the core's schemas (defaults
 * filled in), references resolved to ids, secrets revealed.
 */
export const networkProps = (cidr: string, extra: Partial<NetworkSpec> = {}): NetworkSpec => ({
  cidr,
  tags: {},
  ...extra,
})

export const subnetProps = (network: string, cidr: string, extra: Partial<SubnetSpec> = {}): SubnetSpec => ({
  network,
  cidr,
  public: false,
  tags: {},
  ...extra,
})

/** An ingress rule in the core's normalized form. */
export const allow = (
  ports: number | 'all',
  cidrs: string[],
  extra: Omit<Partial<FirewallRule>, 'cidrs'> = {},
): FirewallSpec['ingress'][number] => ({
  protocol: 'tcp',
  ports: ports === 'all' ? 'all' : { from: ports, to: ports },
  ...extra,
  cidrs: [...cidrs].sort(),
})

export const firewallProps = (network: string, extra: Partial<FirewallSpec> = {}): FirewallSpec =>
  ({
    network,
    ingress: [],
    tags: {},
    ...extra,
  }) as FirewallSpec

export const instanceProps = (subnet: string, extra: Partial<InstanceSpec> = {}): InstanceSpec => ({
  size: 'small',
  image: 'ubuntu-24.04',
  subnet,
  firewalls: [],
  publicIp: false,
  tags: {},
  ...extra,
})

export const volumeProps = (sizeGiB: number, extra: Partial<VolumeSpec> = {}): VolumeSpec => ({
  sizeGiB,
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
  max: 5,
  desired: 2,
  rolling: { maxSurge: 1, maxUnavailable: 0 },
  tags: {},
  ...extra,
})
