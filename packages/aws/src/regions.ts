/**
 * Commercial, GovCloud and China regions known when this version was released. An unknown
 * region is almost always a typo; on real AWS it fails late with a DNS error, so it is caught
 * early instead (`allowUnknownRegion` turns the check off for newer regions).
 */
export const AWS_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
]

export function isKnownRegion(region: string): boolean {
  return AWS_REGIONS.includes(region)
}

/** Known regions sharing the typed one's prefix, for "did you mean" hints. */
export function similarRegions(region: string): string[] {
  const prefix = region.split('-').slice(0, 2).join('-')
  const close = AWS_REGIONS.filter((known) => known.startsWith(prefix))
  return close.length > 0 ? close : AWS_REGIONS.filter((known) => known.startsWith(region.slice(0, 2)))
}
