import type { RouteTable } from '@aws-sdk/client-ec2'
import { OWNERSHIP_TAG_STACK } from '@skyloom/core/provider'
import type { Session } from '../session.js'
import { ROLE_TAG, tagSpecifications, VPC_TAG } from '../tags.js'
import { ignoreNotFound } from './common.js'

/**
 * Internet access for public subnets.
 *
 * The neutral model has no "internet gateway" resource: a subnet is public or not. So the
 * *subnet* handler owns the VPC's public routing: the first public subnet of a VPC creates an
 * internet gateway and a route table with a 0.0.0.0/0 route to it, every public subnet is
 * associated with that table, and the last public subnet to go removes both. A VPC whose
 * subnets are all private never gets a gateway. Both helpers are tagged with the stack,
 * `skyloom-role` and `skyloom-vpc`; the network's delete removes any left behind.
 *
 * Calls for one VPC run one at a time (per-VPC lock), so public subnets created in parallel
 * share one gateway.
 */

const GATEWAY_ROLE = 'internet-gateway'
const ROUTE_TABLE_ROLE = 'public-route-table'

function helperTags(session: Session, vpcId: string, role: string): Record<string, string> {
  return {
    Name: `${session.ctx.stack}-public-${vpcId}`,
    [OWNERSHIP_TAG_STACK]: session.ctx.stack,
    [ROLE_TAG]: role,
    [VPC_TAG]: vpcId,
  }
}

async function publicRouteTables(session: Session, vpcId: string): Promise<RouteTable[]> {
  const output = await session.ec2('DescribeRouteTables', ({ client, sdk }, options) =>
    client.send(
      new sdk.DescribeRouteTablesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: `tag:${ROLE_TAG}`, Values: [ROUTE_TABLE_ROLE] },
        ],
      }),
      options,
    ),
  )
  return output.RouteTables ?? []
}

async function attachedGateways(session: Session, vpcId: string) {
  const output = await session.ec2('DescribeInternetGateways', ({ client, sdk }, options) =>
    client.send(
      new sdk.DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }),
      options,
    ),
  )
  return output.InternetGateways ?? []
}

/** Ensures the VPC has an internet gateway and a public route table; returns the table's id. */
async function ensureRouting(session: Session, vpcId: string): Promise<string> {
  // Any gateway already attached is used, ours or not (a VPC takes only one).
  let gatewayId = (await attachedGateways(session, vpcId))[0]?.InternetGatewayId
  if (!gatewayId) {
    const created = await session.ec2('CreateInternetGateway', ({ client, sdk }, options) =>
      client.send(
        new sdk.CreateInternetGatewayCommand({
          TagSpecifications: tagSpecifications(
            ['internet-gateway'],
            helperTags(session, vpcId, GATEWAY_ROLE),
          ),
        }),
        options,
      ),
    )
    gatewayId = created.InternetGateway?.InternetGatewayId
    if (!gatewayId) throw session.problem('transient', 'CreateInternetGateway returned no id')
    const id = gatewayId
    await session.ec2('AttachInternetGateway', ({ client, sdk }, options) =>
      client.send(new sdk.AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }), options),
    )
  }
  let table = (await publicRouteTables(session, vpcId))[0]
  if (!table) {
    const created = await session.ec2('CreateRouteTable', ({ client, sdk }, options) =>
      client.send(
        new sdk.CreateRouteTableCommand({
          VpcId: vpcId,
          // Deterministic, so a retried call after a lost response returns the same table on AWS.
          ClientToken: `skyloom-public-${vpcId}`,
          TagSpecifications: tagSpecifications(['route-table'], helperTags(session, vpcId, ROUTE_TABLE_ROLE)),
        }),
        options,
      ),
    )
    table = created.RouteTable
  }
  const tableId = table?.RouteTableId
  if (!tableId) throw session.problem('transient', 'CreateRouteTable returned no id')
  const hasDefault = (table?.Routes ?? []).some(
    (route) => route.DestinationCidrBlock === '0.0.0.0/0' && route.GatewayId === gatewayId,
  )
  if (!hasDefault) {
    const id = gatewayId
    await session.ec2('CreateRoute', ({ client, sdk }, options) =>
      client.send(
        new sdk.CreateRouteCommand({
          RouteTableId: tableId,
          DestinationCidrBlock: '0.0.0.0/0',
          GatewayId: id,
        }),
        options,
      ),
    )
  }
  return tableId
}

/** Makes a subnet public: routing for its VPC, then the subnet's association with the public table. */
export async function makePublic(session: Session, vpcId: string, subnetId: string): Promise<void> {
  await session.rt.locks.run(vpcId, async () => {
    const tableId = await ensureRouting(session, vpcId)
    const tables = await publicRouteTables(session, vpcId)
    const associated = tables.some((table) =>
      (table.Associations ?? []).some((association) => association.SubnetId === subnetId),
    )
    if (associated) return
    await session.ec2('AssociateRouteTable', ({ client, sdk }, options) =>
      client.send(new sdk.AssociateRouteTableCommand({ RouteTableId: tableId, SubnetId: subnetId }), options),
    )
  })
}

/** Makes a subnet private again; the last public subnet of a VPC removes the gateway and table. */
export async function makePrivate(session: Session, vpcId: string, subnetId: string): Promise<void> {
  await session.rt.locks.run(vpcId, async () => {
    const tables = await publicRouteTables(session, vpcId)
    for (const table of tables) {
      for (const association of table.Associations ?? []) {
        if (association.SubnetId !== subnetId || !association.RouteTableAssociationId) continue
        const associationId = association.RouteTableAssociationId
        await ignoreNotFound(
          session.ec2('DisassociateRouteTable', ({ client, sdk }, options) =>
            client.send(new sdk.DisassociateRouteTableCommand({ AssociationId: associationId }), options),
          ),
        )
      }
    }
    const stillUsed = tables.some((table) =>
      (table.Associations ?? []).some(
        (association) => association.SubnetId && association.SubnetId !== subnetId,
      ),
    )
    if (!stillUsed) await removeRouting(session, vpcId, tables)
  })
}

/**
 * Removes the provider's public route tables and internet gateway from a VPC. Gateways
 * without the provider's role tag are someone else's and stay.
 */
export async function removeRouting(session: Session, vpcId: string, known?: RouteTable[]): Promise<void> {
  const tables = known ?? (await publicRouteTables(session, vpcId))
  for (const table of tables) {
    const tableId = table.RouteTableId
    if (!tableId) continue
    for (const association of table.Associations ?? []) {
      if (!association.RouteTableAssociationId || association.Main) continue
      const associationId = association.RouteTableAssociationId
      await ignoreNotFound(
        session.ec2('DisassociateRouteTable', ({ client, sdk }, options) =>
          client.send(new sdk.DisassociateRouteTableCommand({ AssociationId: associationId }), options),
        ),
      )
    }
    await ignoreNotFound(
      session.ec2('DeleteRouteTable', ({ client, sdk }, options) =>
        client.send(new sdk.DeleteRouteTableCommand({ RouteTableId: tableId }), options),
      ),
    )
  }
  for (const gateway of await attachedGateways(session, vpcId)) {
    const gatewayId = gateway.InternetGatewayId
    const ours = (gateway.Tags ?? []).some((tag) => tag.Key === ROLE_TAG && tag.Value === GATEWAY_ROLE)
    if (!gatewayId || !ours) continue
    await ignoreNotFound(
      session.ec2('DetachInternetGateway', ({ client, sdk }, options) =>
        client.send(
          new sdk.DetachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }),
          options,
        ),
      ),
    )
    await ignoreNotFound(
      session.ec2('DeleteInternetGateway', ({ client, sdk }, options) =>
        client.send(new sdk.DeleteInternetGatewayCommand({ InternetGatewayId: gatewayId }), options),
      ),
    )
  }
}

/** Subnet ids (of those given) associated with a public route table that routes 0.0.0.0/0 to a gateway. */
export async function publicSubnets(session: Session, subnetIds: readonly string[]): Promise<Set<string>> {
  if (subnetIds.length === 0) return new Set()
  const output = await session.ec2('DescribeRouteTables', ({ client, sdk }, options) =>
    client.send(
      new sdk.DescribeRouteTablesCommand({
        Filters: [{ Name: 'association.subnet-id', Values: [...subnetIds] }],
      }),
      options,
    ),
  )
  const result = new Set<string>()
  for (const table of output.RouteTables ?? []) {
    const routesOut = (table.Routes ?? []).some(
      (route) => route.DestinationCidrBlock === '0.0.0.0/0' && route.GatewayId?.startsWith('igw-'),
    )
    if (!routesOut) continue
    for (const association of table.Associations ?? [])
      if (association.SubnetId) result.add(association.SubnetId)
  }
  return result
}
