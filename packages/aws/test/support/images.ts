import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * moto's bundled AMIs (about 1,200 in us-east-1: Amazon Linux, ECS-optimized and a few 2017
 * images) contain none of the neutral aliases' images: no Ubuntu 22.04/24.04, Debian 12,
 * RHEL 9 or Windows Server 2022. moto loads a different list from MOTO_AMIS_PATH instead, so
 * the tests give it the publishers' real naming schemes and owner accounts, with older
 * releases and an arm64 build beside each, to check that resolution picks the newest x86_64.
 *
 * The entries carry no `creation_date`: moto 5.2 parses it in place in its module-level list,
 * so the second load (on `/moto-api/reset`) fails. moto then stamps every image with its start
 * time, and the resolver's tie-break (newest name first) picks the newest build, as the
 * publishers' names embed the build date.
 */
export const IMAGES = {
  noble: 'ami-0a1b2c3d4e5f60002',
  nobleOld: 'ami-0a1b2c3d4e5f60001',
  nobleArm: 'ami-0a1b2c3d4e5f60003',
  jammy: 'ami-0a1b2c3d4e5f60004',
  debian: 'ami-0a1b2c3d4e5f60005',
  rhel: 'ami-0a1b2c3d4e5f60006',
  windows: 'ami-0a1b2c3d4e5f60007',
  amazonLinux: 'ami-0a1b2c3d4e5f60008',
} as const

const base = {
  state: 'available',
  public: true,
  image_type: 'machine',
  root_device_type: 'ebs',
  virtualization_type: 'hvm',
  hypervisor: 'xen',
  sriov: 'simple',
  platform: null,
}

const FIXTURE = [
  {
    ...base,
    ami_id: IMAGES.nobleOld,
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423',
    owner_id: '099720109477',
    architecture: 'x86_64',
    root_device_name: '/dev/sda1',
    description: 'Canonical, Ubuntu, 24.04 LTS, amd64 noble image build on 2024-04-23',
    image_location: 'amazon/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423',
  },
  {
    ...base,
    ami_id: IMAGES.noble,
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115',
    owner_id: '099720109477',
    architecture: 'x86_64',
    root_device_name: '/dev/sda1',
    description: 'Canonical, Ubuntu, 24.04 LTS, amd64 noble image build on 2025-01-15',
    image_location: 'amazon/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115',
  },
  {
    ...base,
    ami_id: IMAGES.nobleArm,
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250301',
    owner_id: '099720109477',
    architecture: 'arm64',
    root_device_name: '/dev/sda1',
    description: 'Canonical, Ubuntu, 24.04 LTS, arm64 noble image build on 2025-03-01',
    image_location: 'amazon/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250301',
  },
  {
    ...base,
    ami_id: IMAGES.jammy,
    name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207.1',
    owner_id: '099720109477',
    architecture: 'x86_64',
    root_device_name: '/dev/sda1',
    description: 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2024-02-07',
    image_location: 'amazon/ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207.1',
  },
  {
    ...base,
    ami_id: IMAGES.debian,
    name: 'debian-12-amd64-20240201-1644',
    owner_id: '136693071363',
    architecture: 'x86_64',
    root_device_name: '/dev/xvda',
    description: 'Debian 12 (20240201-1644)',
    image_location: '136693071363/debian-12-amd64-20240201-1644',
  },
  {
    ...base,
    ami_id: IMAGES.rhel,
    name: 'RHEL-9.3.0_HVM-20240117-x86_64-49-Hourly2-GP3',
    owner_id: '309956199498',
    architecture: 'x86_64',
    root_device_name: '/dev/sda1',
    description: 'Provided by Red Hat, Inc.',
    image_location: '309956199498/RHEL-9.3.0_HVM-20240117-x86_64-49-Hourly2-GP3',
  },
  {
    ...base,
    ami_id: IMAGES.windows,
    name: 'Windows_Server-2022-English-Full-Base-2024.02.14',
    owner_id: '801119661308',
    architecture: 'x86_64',
    platform: 'windows',
    root_device_name: '/dev/sda1',
    description: 'Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon',
    image_location: 'amazon/Windows_Server-2022-English-Full-Base-2024.02.14',
  },
  {
    ...base,
    ami_id: IMAGES.amazonLinux,
    name: 'al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64',
    owner_id: '137112412989',
    architecture: 'x86_64',
    root_device_name: '/dev/xvda',
    description: 'Amazon Linux 2023 AMI',
    image_location: 'amazon/al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64',
  },
]

/** Writes the fixture to a temporary file and returns its path (for MOTO_AMIS_PATH). */
export function writeImageFixture(): string {
  const path = join(tmpdir(), `skyloom-aws-amis-${process.pid}.json`)
  writeFileSync(path, JSON.stringify(FIXTURE))
  return path
}
