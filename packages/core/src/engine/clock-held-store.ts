import type { Clock } from '../clock/clock.js'
import type { StateStore } from '../state/store.js'

/**
 * Wraps a state store so that a virtual clock stands still during its I/O: otherwise an fsync
 * looks like idleness and simulated time leaps past every deadline. A no-op for real clocks.
 */
export function clockHeldStore(store: StateStore, clock: Clock): StateStore {
  const hold = clock.hold?.bind(clock)
  if (!hold) return store
  return {
    location: store.location,
    read: (stack) => hold(store.read(stack)),
    append: (stack, entries, initial) => hold(store.append(stack, entries, initial)),
    compact: (stack, state, operation) => hold(store.compact(stack, state, operation)),
    history: (stack) => hold(store.history(stack)),
    snapshot: (stack, version) => hold(store.snapshot(stack, version)),
    // Waiting for a lock sleeps on the clock, so the acquisition is not held; renewals and
    // the release are.
    lock: async (stack, request) => {
      const lock = await store.lock(stack, request)
      return { holder: lock.holder, renew: () => hold(lock.renew()), release: () => hold(lock.release()) }
    },
    forceUnlock: (stack) => hold(store.forceUnlock(stack)),
    stacks: () => hold(store.stacks()),
  }
}
