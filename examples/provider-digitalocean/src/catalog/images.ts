import { type ImageAlias, isImageAlias } from '@skyloom/core/provider'

/**
 * Neutral image aliases as DigitalOcean public image slugs. DigitalOcean offers neither RHEL
 * nor Windows images, so those aliases resolve to nothing and `check` explains what to use.
 */
export const IMAGE_SLUGS: Readonly<Record<ImageAlias, string | undefined>> = {
  'ubuntu-22.04': 'ubuntu-22-04-x64',
  'ubuntu-24.04': 'ubuntu-24-04-x64',
  'debian-12': 'debian-12-x64',
  'rhel-9': undefined,
  'windows-2022': undefined,
}

const UNAVAILABLE_HINT: Partial<Record<ImageAlias, string>> = {
  'rhel-9':
    'DigitalOcean has no RHEL image; use a RHEL-compatible public image such as "rockylinux-9-x64" or "almalinux-9-x64"',
  'windows-2022':
    'DigitalOcean has no Windows images; upload a custom image and pass its numeric id, or use another provider',
}

/** How an image prop resolves: the value for the API's `image` field, or why it cannot. */
export type ImageResolution = { ok: true; image: string | number } | { ok: false; reason: string }

/**
 * Resolves a neutral alias to its slug; any other value is passed through as a native image:
 * all digits is a numeric image id (snapshots, custom images), anything else a slug.
 */
export function resolveImage(image: string): ImageResolution {
  if (isImageAlias(image)) {
    const slug = IMAGE_SLUGS[image]
    return slug
      ? { ok: true, image: slug }
      : { ok: false, reason: UNAVAILABLE_HINT[image] ?? `image ${image} is not available` }
  }
  return { ok: true, image: /^\d+$/.test(image) ? Number(image) : image }
}
