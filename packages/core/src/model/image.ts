/**
 * Neutral image aliases every shipped provider resolves. Any other string is passed to the
 * provider as a native image id (`ami-0abc…`, `projects/debian-cloud/global/images/…`).
 */
export const IMAGE_ALIASES = ['ubuntu-22.04', 'ubuntu-24.04', 'debian-12', 'rhel-9', 'windows-2022'] as const

export type ImageAlias = (typeof IMAGE_ALIASES)[number]

export function isImageAlias(image: string): image is ImageAlias {
  return (IMAGE_ALIASES as readonly string[]).includes(image)
}
