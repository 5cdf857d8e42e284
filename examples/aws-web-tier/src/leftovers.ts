import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling'
import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeLaunchTemplatesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2'
import type { AwsProvider } from '@skyloom/aws'
import { OWNERSHIP_TAG_STACK } from '@skyloom/core'

/**
 * Every resource still tagged with the stack, asked of the cloud directly (not of Skyloom's
 * state), including what the provider makes on the side: the internet gateway, the public route
 * table and the launch template. Terminated instances do not count.
 */
export async function taggedWithStack(aws: AwsProvider, stack: string): Promise<string[]> {
  const { ec2, autoScaling } = await aws.clients()
  const Filters = [{ Name: `tag:${OWNERSHIP_TAG_STACK}`, Values: [stack] }]
  const [vpcs, subnets, groups, instances, gateways, tables, templates, scaling] = await Promise.all([
    ec2.send(new DescribeVpcsCommand({ Filters })),
    ec2.send(new DescribeSubnetsCommand({ Filters })),
    ec2.send(new DescribeSecurityGroupsCommand({ Filters })),
    ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          ...Filters,
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
      }),
    ),
    ec2.send(new DescribeInternetGatewaysCommand({ Filters })),
    ec2.send(new DescribeRouteTablesCommand({ Filters })),
    ec2.send(new DescribeLaunchTemplatesCommand({ Filters })),
    autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters })),
  ])
  return [
    ...(vpcs.Vpcs ?? []).map((vpc) => vpc.VpcId),
    ...(subnets.Subnets ?? []).map((subnet) => subnet.SubnetId),
    ...(groups.SecurityGroups ?? []).map((group) => group.GroupId),
    ...(instances.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId),
    ...(gateways.InternetGateways ?? []).map((gateway) => gateway.InternetGatewayId),
    ...(tables.RouteTables ?? []).map((table) => table.RouteTableId),
    ...(templates.LaunchTemplates ?? []).map((template) => template.LaunchTemplateId),
    ...(scaling.AutoScalingGroups ?? []).map((group) => group.AutoScalingGroupName),
  ].filter((id): id is string => typeof id === 'string')
}
