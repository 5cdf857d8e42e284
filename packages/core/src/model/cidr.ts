/** An IPv4 block, parsed. `base` and `last` are unsigned 32-bit integers. */
export interface Ipv4Block {
  readonly text: string
  readonly base: number
  readonly prefix: number
  readonly last: number
}

export type CidrParseResult = { ok: true; block: Ipv4Block } | { ok: false; error: string }

const CIDR_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/

/** Parses `a.b.c.d/n`. Host bits must be zero, so `10.0.1.5/24` is refused with a suggestion. */
export function parseCidr(text: string): CidrParseResult {
  const match = CIDR_SHAPE.exec(text)
  if (!match) return { ok: false, error: `"${text}" is not an IPv4 CIDR block like 10.0.0.0/16` }
  const octets = match.slice(1, 5).map(Number)
  if (octets.some((octet) => octet > 255)) return { ok: false, error: `"${text}" has an octet above 255` }
  const prefix = Number(match[5])
  if (prefix > 32) return { ok: false, error: `"${text}" has a prefix above /32` }
  const address = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  const base = (address & mask) >>> 0
  if (base !== address) {
    return {
      ok: false,
      error: `"${text}" has host bits set; did you mean ${formatIpv4(base)}/${prefix}?`,
    }
  }
  const last = (base | (~mask >>> 0)) >>> 0
  return { ok: true, block: { text, base, prefix, last } }
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.base >= outer.base && inner.last <= outer.last
}

/** True when the two blocks share at least one address. */
export function cidrOverlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.base <= b.last && b.base <= a.last
}

/** Number of addresses in the block. */
export function cidrSize(block: Ipv4Block): number {
  return block.last - block.base + 1
}
