/**
 * The image list the example gives moto (MOTO_AMIS_PATH): one Ubuntu 24.04 build under
 * Canonical's owner account and naming scheme, which is what the provider's `ubuntu-24.04`
 * alias looks for with DescribeImages. The entry has no `creation_date`: moto then stamps it
 * with its start time, which is all the resolver needs to pick it.
 */
export const MOTO_IMAGES = [
  {
    ami_id: 'ami-0a1b2c3d4e5f60002',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115',
    owner_id: '099720109477',
    architecture: 'x86_64',
    root_device_name: '/dev/sda1',
    description: 'Canonical, Ubuntu, 24.04 LTS, amd64 noble image build on 2025-01-15',
    image_location: 'amazon/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115',
    state: 'available',
    public: true,
    image_type: 'machine',
    root_device_type: 'ebs',
    virtualization_type: 'hvm',
    hypervisor: 'xen',
    sriov: 'simple',
    platform: null,
  },
] as const
