import {
  type FakeAccount,
  type FakeSize,
  iso,
  type StoredAction,
  type StoredDroplet,
  type StoredFirewall,
  type StoredPool,
  type StoredVolume,
  type StoredVpc,
} from './state.js'

/*
 * The response objects, in the shapes DigitalOcean's OpenAPI description documents
 * (resources/<area>/models/*.yml): every required field present, with its documented type.
 */

export const REGIONS: Readonly<Record<string, string>> = {
  nyc1: 'New York 1',
  nyc3: 'New York 3',
  ams3: 'Amsterdam 3',
  fra1: 'Frankfurt 1',
  lon1: 'London 1',
  sfo3: 'San Francisco 3',
  sgp1: 'Singapore 1',
  tor1: 'Toronto 1',
}

export function regionJson(account: FakeAccount, slug: string) {
  return {
    name: REGIONS[slug] ?? slug,
    slug,
    features: ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'],
    available: true,
    sizes: account.sizes.map((size) => size.slug),
  }
}

export function sizeJson(size: FakeSize) {
  return {
    slug: size.slug,
    memory: size.memory,
    vcpus: size.vcpus,
    disk: size.disk,
    transfer: Math.max(0.5, size.memory / 1024),
    price_monthly: size.priceMonthly,
    price_hourly: Math.round((size.priceMonthly / 672) * 1e5) / 1e5,
    regions: Object.keys(REGIONS),
    available: true,
    description: size.description,
    disk_info: [{ type: 'local', size: { amount: size.disk, unit: 'gib' } }],
  }
}

const IMAGES: Readonly<Record<string, { id: number; distribution: string; name: string }>> = {
  'ubuntu-24-04-x64': { id: 160_232_537, distribution: 'Ubuntu', name: '24.04 (LTS) x64' },
  'ubuntu-22-04-x64': { id: 129_211_873, distribution: 'Ubuntu', name: '22.04 (LTS) x64' },
  'debian-12-x64': { id: 148_093_966, distribution: 'Debian', name: '12 x64' },
  'rockylinux-9-x64': { id: 163_440_046, distribution: 'Rocky Linux', name: '9 x64' },
}

/** Image slugs the account can boot from (anything else is refused with 422). */
export const IMAGE_SLUGS = new Set(Object.keys(IMAGES))

export function imageJson(image: string | number) {
  const known = typeof image === 'string' ? IMAGES[image] : undefined
  return {
    id: known?.id ?? (typeof image === 'number' ? image : 1),
    name: known?.name ?? String(image),
    distribution: known?.distribution ?? 'Unknown',
    slug: typeof image === 'string' ? image : null,
    public: typeof image === 'string',
    regions: ['nyc1', 'nyc3', 'ams3', 'fra1', 'lon1', 'sfo3', 'sgp1', 'tor1'],
    created_at: '2024-04-25T00:00:00Z',
    type: typeof image === 'string' ? 'base' : 'snapshot',
    min_disk_size: 10,
    size_gigabytes: 2.34,
    description: '',
    tags: [],
    status: 'available',
  }
}

export function dropletJson(account: FakeAccount, droplet: StoredDroplet) {
  const booted = droplet.status !== 'new'
  const v4 = booted
    ? [
        { ip_address: droplet.privateIp, netmask: '255.255.240.0', gateway: '', type: 'private' },
        ...(droplet.publicIp
          ? [
              {
                ip_address: droplet.publicIp,
                netmask: '255.255.255.0',
                gateway: '203.0.113.1',
                type: 'public',
              },
            ]
          : []),
      ]
    : []
  return {
    id: droplet.id,
    name: droplet.name,
    memory: droplet.size.memory,
    vcpus: droplet.size.vcpus,
    disk: droplet.size.disk,
    disk_info: [{ type: 'local', size: { amount: droplet.size.disk, unit: 'gib' } }],
    locked: droplet.locked,
    status: droplet.status,
    kernel: null,
    created_at: iso(droplet.createdAt),
    features: droplet.features,
    backup_ids: [],
    next_backup_window: null,
    snapshot_ids: [],
    image: imageJson(droplet.image),
    volume_ids: droplet.volumeIds,
    size: sizeJson(droplet.size),
    size_slug: droplet.size.slug,
    networks: { v4, v6: [] },
    region: regionJson(account, droplet.region),
    tags: droplet.tags,
    vpc_uuid: droplet.vpcUuid,
  }
}

export function vpcJson(vpc: StoredVpc) {
  return {
    id: vpc.id,
    urn: `do:vpc:${vpc.id}`,
    name: vpc.name,
    description: vpc.description,
    region: vpc.region,
    ip_range: vpc.ipRange,
    default: vpc.isDefault,
    created_at: iso(vpc.createdAt),
  }
}

export function firewallJson(firewall: StoredFirewall) {
  return {
    id: firewall.id,
    name: firewall.name,
    status: firewall.status,
    created_at: iso(firewall.createdAt),
    pending_changes:
      firewall.status === 'waiting'
        ? firewall.dropletIds.map((id) => ({ droplet_id: id, removing: false, status: 'waiting' }))
        : [],
    inbound_rules: firewall.inbound,
    outbound_rules: firewall.outbound,
    droplet_ids: firewall.dropletIds,
    tags: firewall.tags,
  }
}

export function volumeJson(account: FakeAccount, volume: StoredVolume) {
  return {
    id: volume.id,
    region: regionJson(account, volume.region),
    droplet_ids: volume.dropletIds,
    name: volume.name,
    description: volume.description,
    size_gigabytes: volume.sizeGiB,
    created_at: iso(volume.createdAt),
    filesystem_type: volume.filesystemType ?? '',
    filesystem_label: volume.filesystemLabel ?? '',
    tags: volume.tags,
  }
}

export function actionJson(account: FakeAccount, action: StoredAction) {
  return {
    id: action.id,
    status: action.status,
    type: action.type,
    started_at: iso(action.startedAt),
    completed_at: action.completedAt === undefined ? null : iso(action.completedAt),
    resource_id: action.resourceId,
    resource_type: action.resourceType,
    region: regionJson(account, action.region),
    region_slug: action.region,
  }
}

export function poolJson(account: FakeAccount, pool: StoredPool) {
  const members = [...account.droplets.values()].filter((droplet) => droplet.poolId === pool.id)
  return {
    id: pool.id,
    name: pool.name,
    config: pool.config,
    droplet_template: pool.template,
    created_at: iso(pool.createdAt),
    updated_at: iso(pool.updatedAt),
    current_utilization: { memory: 0.2, cpu: 0.1 },
    status: pool.status,
    active_resources_count: members.filter((droplet) => droplet.status === 'active').length,
  }
}

export function memberJson(droplet: StoredDroplet) {
  return {
    droplet_id: droplet.id,
    created_at: iso(droplet.createdAt),
    updated_at: iso(droplet.createdAt),
    health_status: 'healthy',
    status: droplet.status === 'new' ? 'provisioning' : droplet.status === 'off' ? 'off' : 'active',
    current_utilization: { memory: 0.2, cpu: 0.1 },
  }
}

export function tagJson(account: FakeAccount, name: string) {
  const droplets = [...account.droplets.values()].filter((droplet) => droplet.tags.includes(name))
  const volumes = [...account.volumes.values()].filter((volume) => volume.tags.includes(name))
  const last = (kind: string, ids: readonly (string | number)[]) =>
    ids.length > 0
      ? { last_tagged_uri: `https://api.digitalocean.com/v2/${kind}/${ids[ids.length - 1]}` }
      : {}
  return {
    name,
    resources: {
      count: droplets.length + volumes.length,
      droplets: {
        count: droplets.length,
        ...last(
          'droplets',
          droplets.map((d) => d.id),
        ),
      },
      volumes: {
        count: volumes.length,
        ...last(
          'volumes',
          volumes.map((v) => v.id),
        ),
      },
    },
  }
}
