import { IMAGE_ALIASES, type ImageAlias } from '@skyloom/core/provider'
import { z } from 'zod'

/** How an image alias is found with DescribeImages: owner accounts and a name pattern (`*` wildcards). */
export interface ImageFilter {
  /** Owner account ids (or `amazon`, `self`). */
  readonly owners: readonly string[]
  /** Image name pattern, for example `debian-12-amd64-*`. */
  readonly name: string
  /** Default `x86_64`, which every type in the built-in catalog runs. */
  readonly architecture?: 'x86_64' | 'arm64'
}

export const imageFilterSchema = z.strictObject({
  owners: z.array(z.string().min(1)).min(1),
  name: z.string().min(1),
  architecture: z.enum(['x86_64', 'arm64']).optional(),
})

/**
 * The publishers' official images, by the names they publish them under: Canonical, Debian,
 * Red Hat and Amazon (Windows). These owner ids are those of the commercial partition; China
 * and GovCloud use other publishers' accounts, so map aliases with `settings.images` there.
 */
export const DEFAULT_IMAGE_FILTERS: Readonly<Record<ImageAlias, ImageFilter>> = {
  'ubuntu-22.04': {
    owners: ['099720109477'],
    name: 'ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-amd64-server-*',
  },
  'ubuntu-24.04': {
    owners: ['099720109477'],
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*',
  },
  'debian-12': { owners: ['136693071363'], name: 'debian-12-amd64-*' },
  'rhel-9': { owners: ['309956199498'], name: 'RHEL-9.*_HVM-*-x86_64-*' },
  'windows-2022': { owners: ['801119661308'], name: 'Windows_Server-2022-English-Full-Base-*' },
}

/** An AMI as far as the provider cares. */
export interface ResolvedImage {
  readonly imageId: string
  readonly name?: string
  /** Device name of the root volume (`/dev/xvda`, `/dev/sda1`): needed to resize it. */
  readonly rootDeviceName?: string
  /** `windows` for Windows images. */
  readonly platform?: string
  readonly architecture?: string
}

/** One DescribeImages result row (the fields used). */
export interface ImageRow {
  readonly ImageId?: string | undefined
  readonly Name?: string | undefined
  readonly CreationDate?: string | undefined
  readonly RootDeviceName?: string | undefined
  readonly Platform?: string | undefined
  readonly Architecture?: string | undefined
  readonly State?: string | undefined
}

/** The two DescribeImages queries the resolver makes; the provider binds them to a client and a session. */
export interface ImageLookup {
  byFilter(filter: ImageFilter): Promise<readonly ImageRow[]>
  byId(imageId: string): Promise<readonly ImageRow[]>
}

/** Why an image could not be resolved, phrased for the person who wrote the resource. */
export class ImageNotFound extends Error {
  constructor(
    readonly image: string,
    message: string,
  ) {
    super(message)
    this.name = 'ImageNotFound'
  }
}

const NATIVE_ID = /^ami-[0-9a-f]{8,17}$/

/**
 * Resolves neutral aliases and native AMI ids to images, once per region and image: a hundred
 * instances of `ubuntu-24.04` cost one DescribeImages call, and concurrent resolutions share it.
 * Failures are not cached, so an image registered later is found on the next try.
 */
export class ImageResolver {
  readonly #filters: Readonly<Record<string, ImageFilter>>
  readonly #cache = new Map<string, Promise<ResolvedImage>>()

  constructor(extra: Readonly<Record<string, ImageFilter>> = {}) {
    this.#filters = { ...DEFAULT_IMAGE_FILTERS, ...extra }
  }

  /** The alias table in use (built-in plus settings). */
  get aliases(): Readonly<Record<string, ImageFilter>> {
    return this.#filters
  }

  /** Offline check: `undefined` when the image can be looked up, else what is wrong with it. */
  problem(image: string): string | undefined {
    if (Object.hasOwn(this.#filters, image) || NATIVE_ID.test(image)) return undefined
    return `image "${image}" is neither an alias (${Object.keys(this.#filters).join(', ')}) nor an AMI id such as ami-0123456789abcdef0`
  }

  resolve(image: string, region: string, lookup: ImageLookup): Promise<ResolvedImage> {
    const key = `${region}\u0000${image}`
    const cached = this.#cache.get(key)
    if (cached) return cached
    const pending = this.#lookup(image, region, lookup)
    this.#cache.set(key, pending)
    pending.catch(() => this.#cache.delete(key))
    return pending
  }

  async #lookup(image: string, region: string, lookup: ImageLookup): Promise<ResolvedImage> {
    const problem = this.problem(image)
    if (problem) throw new ImageNotFound(image, problem)
    const filter = Object.hasOwn(this.#filters, image) ? this.#filters[image] : undefined
    if (filter) {
      const rows = (await lookup.byFilter(filter)).filter(
        (row) => row.ImageId && (row.State ?? 'available') === 'available',
      )
      const newest = rows.sort(byNewest)[0]
      if (!newest?.ImageId) {
        throw new ImageNotFound(
          image,
          `image alias "${image}" matched no available image in ${region} (DescribeImages owners ${filter.owners.join(', ')}, name "${filter.name}", architecture ${filter.architecture ?? 'x86_64'}). ` +
            `Use an AMI id from ${region} (ami-…), or map the alias with createAws({ images: { '${image}': { owners, name } } }).`,
        )
      }
      return toResolved(newest)
    }
    const rows = await lookup.byId(image)
    const found = rows.find((row) => row.ImageId === image)
    if (!found) {
      throw new ImageNotFound(
        image,
        `image ${image} does not exist in ${region} or is not shared with this account. AMI ids are regional: use one from ${region}, or an alias (${IMAGE_ALIASES.join(', ')}).`,
      )
    }
    return toResolved(found)
  }
}

function byNewest(a: ImageRow, b: ImageRow): number {
  const date = (b.CreationDate ?? '').localeCompare(a.CreationDate ?? '')
  return date !== 0 ? date : (b.Name ?? '').localeCompare(a.Name ?? '')
}

function toResolved(row: ImageRow): ResolvedImage {
  return {
    imageId: row.ImageId!,
    ...(row.Name ? { name: row.Name } : {}),
    ...(row.RootDeviceName ? { rootDeviceName: row.RootDeviceName } : {}),
    ...(row.Platform ? { platform: row.Platform.toLowerCase() } : {}),
    ...(row.Architecture ? { architecture: row.Architecture } : {}),
  }
}
