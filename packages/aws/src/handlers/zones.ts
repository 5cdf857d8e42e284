import type { Session } from '../session.js'

/** Availability zones of the session's region, sorted; fetched once per provider and region. */
export async function regionZones(session: Session): Promise<string[]> {
  const region = await session.region()
  return session.rt.zones(region, async () => {
    const output = await session.ec2('DescribeAvailabilityZones', ({ client, sdk }, options) =>
      client.send(
        new sdk.DescribeAvailabilityZonesCommand({
          Filters: [
            { Name: 'state', Values: ['available'] },
            { Name: 'zone-type', Values: ['availability-zone'] },
          ],
        }),
        options,
      ),
    )
    const names = (output.AvailabilityZones ?? []).map((zone) => zone.ZoneName ?? '').filter(Boolean)
    if (names.length === 0) throw session.problem('invalid', `region ${region} reports no available zones`)
    return names
  })
}

/**
 * The zone used when a subnet or volume names none: the region's first. Predictable beats
 * clever here: the plan cannot show a zone chosen at apply time, and users who want spread
 * across zones name them.
 */
export async function firstZone(session: Session): Promise<string> {
  const zones = await regionZones(session)
  return zones[0]!
}
