import { z } from 'zod'

/*
 * The slices of DigitalOcean's API objects this provider reads, checked with zod because cloud
 * responses cross a trust boundary. Objects are loose (unknown fields pass), so new fields the
 * API adds never break the provider; only a missing or mistyped field it relies on does.
 */

const tags = z
  .array(z.string())
  .nullish()
  .transform((value) => value ?? [])

/** Paginated lists: `links.pages.next` is the URL of the next page, absent on the last. */
export const pageLinksSchema = z.looseObject({
  links: z
    .looseObject({
      pages: z.looseObject({ next: z.string().optional() }).nullish(),
    })
    .nullish(),
  meta: z.looseObject({ total: z.number().optional() }).nullish(),
})

export const actionSchema = z.looseObject({
  id: z.number(),
  status: z.string(),
  type: z.string(),
  resource_id: z.number().nullish(),
  resource_type: z.string().optional(),
})
export type Action = z.output<typeof actionSchema>
export const actionEnvelope = z.looseObject({ action: actionSchema })

export const vpcSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  region: z.string(),
  ip_range: z.string(),
  default: z.boolean().optional(),
})
export type Vpc = z.output<typeof vpcSchema>
export const vpcEnvelope = z.looseObject({ vpc: vpcSchema })
export const vpcList = pageLinksSchema.extend({ vpcs: z.array(vpcSchema).default([]) })

const ruleTarget = z.looseObject({
  addresses: z.array(z.string()).nullish(),
  tags: z.array(z.string()).nullish(),
  droplet_ids: z.array(z.number()).nullish(),
})
export const firewallRuleSchema = z.looseObject({
  protocol: z.string(),
  ports: z.string().optional(),
  sources: ruleTarget.optional(),
  destinations: ruleTarget.optional(),
})
export type WireFirewallRule = z.output<typeof firewallRuleSchema>
export const firewallSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  inbound_rules: z.array(firewallRuleSchema).nullish(),
  outbound_rules: z.array(firewallRuleSchema).nullish(),
  droplet_ids: z.array(z.number()).nullish(),
  tags,
})
export type Firewall = z.output<typeof firewallSchema>
export const firewallEnvelope = z.looseObject({ firewall: firewallSchema })
export const firewallList = pageLinksSchema.extend({ firewalls: z.array(firewallSchema).default([]) })

const networkV4 = z.looseObject({ ip_address: z.string(), type: z.string() })
export const dropletSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  size_slug: z.string(),
  vcpus: z.number(),
  memory: z.number(),
  disk: z.number(),
  region: z.looseObject({ slug: z.string() }),
  image: z.looseObject({ id: z.number().optional(), slug: z.string().nullish() }),
  networks: z.looseObject({ v4: z.array(networkV4).nullish() }),
  volume_ids: z.array(z.string()).nullish(),
  vpc_uuid: z.string().nullish(),
  tags,
})
export type Droplet = z.output<typeof dropletSchema>
export const dropletEnvelope = z.looseObject({ droplet: dropletSchema })
export const dropletCreated = z.looseObject({
  droplet: dropletSchema,
  links: z.looseObject({ actions: z.array(z.looseObject({ id: z.number() })).nullish() }).nullish(),
})
export const dropletList = pageLinksSchema.extend({ droplets: z.array(dropletSchema).default([]) })

export const volumeSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  size_gigabytes: z.number(),
  region: z.looseObject({ slug: z.string() }),
  droplet_ids: z.array(z.number()).nullish(),
  description: z.string().nullish(),
  filesystem_type: z.string().nullish(),
  tags,
})
export type Volume = z.output<typeof volumeSchema>
export const volumeEnvelope = z.looseObject({ volume: volumeSchema })
export const volumeList = pageLinksSchema.extend({ volumes: z.array(volumeSchema).default([]) })

export const sizeSchema = z.looseObject({
  slug: z.string(),
  vcpus: z.number(),
  memory: z.number(),
  disk: z.number(),
  price_monthly: z.number(),
  price_hourly: z.number(),
  regions: z.array(z.string()),
  available: z.boolean(),
  description: z.string().optional(),
})
export const sizeList = pageLinksSchema.extend({ sizes: z.array(sizeSchema).default([]) })

export const tagEnvelope = z.looseObject({ tag: z.looseObject({ name: z.string() }) })

const staticConfig = z.looseObject({ target_number_instances: z.number() })
const dynamicConfig = z.looseObject({
  min_instances: z.number(),
  max_instances: z.number(),
  target_cpu_utilization: z.number().optional(),
  target_memory_utilization: z.number().optional(),
  cooldown_minutes: z.number().optional(),
})
export const poolTemplateSchema = z.looseObject({
  name: z.string().optional(),
  region: z.string(),
  size: z.string(),
  image: z.string(),
  ssh_keys: z.array(z.string()).nullish(),
  tags,
  vpc_uuid: z.string().optional(),
  user_data: z.string().optional(),
  public_networking: z.boolean().optional(),
  with_droplet_agent: z.boolean().optional(),
})
export const autoscalePoolSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  config: z.union([staticConfig, dynamicConfig]),
  droplet_template: poolTemplateSchema,
  status: z.string(),
  active_resources_count: z.number(),
})
export type AutoscalePool = z.output<typeof autoscalePoolSchema>
export const autoscalePoolEnvelope = z.looseObject({ autoscale_pool: autoscalePoolSchema })
export const autoscalePoolList = pageLinksSchema.extend({
  autoscale_pools: z.array(autoscalePoolSchema).default([]),
})
export const poolMemberList = pageLinksSchema.extend({
  droplets: z.array(z.looseObject({ droplet_id: z.number(), status: z.string() })).default([]),
})
