import type { JournalEntry } from './journal.js'

/**
 * How much of a stack's files a cold read parses for nothing. The file store rewrites the
 * snapshot once more than half of the snapshot and journal together is dead: superseded
 * versions, deleted resources, resolved intents, bookkeeping. Log-structured stores use the same
 * trigger (Bitcask merges on fragmentation). A journal that only added resources is as compact
 * as a rewrite would make it, so rewriting it would write every resource a second time.
 *
 * The sizes are estimates. Journal lines count in characters, and the snapshot's live part is
 * its size times the share of its resources not superseded since. They decide when the snapshot
 * is rewritten, never what any file holds.
 */
export class Fragmentation {
  /** Characters of every journal line, live or dead. */
  #journal = 0
  /** Per URN, the journal characters holding its current version: its put and the intent the put inherits from. */
  readonly #live = new Map<string, number>()
  #liveChars = 0
  /** Characters of create intents whose result is not journaled yet (a result inherits from them). */
  readonly #intents = new Map<string, number>()
  /** The snapshot's URNs whose version there is still current. */
  readonly #snapshotLive: Set<string>
  readonly #snapshotResources: number

  /** @param snapshotUrns the URNs of the resources in the snapshot the journal follows */
  constructor(snapshotUrns: readonly string[]) {
    this.#snapshotLive = new Set(snapshotUrns)
    this.#snapshotResources = this.#snapshotLive.size
  }

  /** A journal line that adds nothing to the state (it precedes the snapshot's version). */
  dead(chars: number): void {
    this.#journal += chars
  }

  /** A journal line, `chars` long, that records `entry` (with the props and dependencies a result inherits). */
  add(entry: JournalEntry, chars: number): void {
    this.#journal += chars
    switch (entry.type) {
      case 'intent':
        if (entry.intent.props) this.#intents.set(entry.intent.key, chars)
        break
      case 'put': {
        const inherited = entry.resolves ? this.#settle(entry.resolves) : 0
        this.#supersede(entry.resource.urn)
        this.#live.set(entry.resource.urn, chars + inherited)
        this.#liveChars += chars + inherited
        break
      }
      case 'delete':
        if (entry.resolves) this.#settle(entry.resolves)
        this.#supersede(entry.urn)
        break
      case 'condemn':
        this.#supersede(entry.urn)
        break
      case 'release':
        if (entry.resolves) this.#settle(entry.resolves)
        break
      case 'resolve':
        this.#settle(entry.key)
        break
      case 'restore':
        // The line holds a whole state that later lines change in place: count it dead, so the
        // next compaction rewrites the snapshot.
        this.#live.clear()
        this.#liveChars = 0
        this.#snapshotLive.clear()
        break
      case 'begin':
        break
    }
  }

  /** Whether the snapshot should be rewritten: more of the files is dead than live. */
  shouldRewrite(snapshotBytes: number): boolean {
    const liveSnapshot =
      this.#snapshotResources === 0 ? 0 : (snapshotBytes * this.#snapshotLive.size) / this.#snapshotResources
    const live = liveSnapshot + this.#liveChars
    const dead = snapshotBytes + this.#journal - live
    return dead > live
  }

  #settle(key: string): number {
    const chars = this.#intents.get(key) ?? 0
    this.#intents.delete(key)
    return chars
  }

  #supersede(urn: string): void {
    const chars = this.#live.get(urn)
    if (chars !== undefined) {
      this.#live.delete(urn)
      this.#liveChars -= chars
    } else {
      this.#snapshotLive.delete(urn)
    }
  }
}
