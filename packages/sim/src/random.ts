/**
 * Deterministic randomness keyed by purpose and subject. A draw is a hash of
 * (seed, stream, key, n) where n counts earlier draws of the same stream and key, so the
 * latency of `web/instance/web-3` does not depend on the order in which concurrent calls
 * happened to arrive, and turning on fault injection does not change latencies.
 */
export class SeededRandom {
  readonly seed: number
  #counters = new Map<string, number>()

  constructor(seed: number) {
    this.seed = seed
  }

  /** A uniform number in [0, 1): the next draw of `stream` for `key`. */
  next(stream: string, key: string): number {
    const slot = `${stream}\u0000${key}`
    const n = this.#counters.get(slot) ?? 0
    this.#counters.set(slot, n + 1)
    return mulberry32(hash32(`${this.seed}\u0000${slot}\u0000${n}`))
  }

  /** Forgets every counter: the same calls draw the same numbers again. */
  reset(): void {
    this.#counters.clear()
  }
}

/** FNV-1a over UTF-16 code units, then a murmur3 finalizer to spread nearby inputs. */
function hash32(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

/** One step of mulberry32 from `state`, as a float in [0, 1). */
function mulberry32(state: number): number {
  let t = (state + 0x6d2b79f5) >>> 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
