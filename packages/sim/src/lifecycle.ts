import type { SimRecord } from './records.js'

/**
 * Applies every change due at `now` to one record: provisioning ends, scheduled instance
 * states take effect, a retired group member starts deleting. Returns `gone` when the record's
 * deletion has completed (the caller removes it). Time is only read, never waited on, so the
 * cloud needs no timers: whoever looks at a resource sees it as of the clock's now.
 */
export function settleRecord(record: SimRecord, now: number): 'gone' | undefined {
  if (record.kind === 'instance') {
    if (record.retire && record.lifecycle !== 'deleting' && now >= record.retire.at) {
      record.lifecycle = 'deleting'
      record.goneAt = record.retire.goneAt
      record.state = 'terminated'
      record.transitions = []
    }
    while (record.transitions.length > 0 && record.transitions[0]!.at <= now) {
      record.state = record.transitions.shift()!.state
    }
  }
  if (record.lifecycle === 'creating' && now >= record.readyAt) {
    if (record.failure === undefined) {
      record.lifecycle = 'available'
    } else {
      record.lifecycle = 'failed'
      if (record.kind === 'instance') {
        record.state = 'terminated'
        record.transitions = []
      }
    }
  }
  if (record.lifecycle === 'deleting' && record.goneAt !== undefined && now >= record.goneAt) return 'gone'
  return undefined
}

/** The next time this record changes on its own, or undefined when it is at rest. */
export function nextChangeAt(record: SimRecord): number | undefined {
  let next: number | undefined
  const consider = (at: number | undefined): void => {
    if (at !== undefined && (next === undefined || at < next)) next = at
  }
  if (record.lifecycle === 'creating') consider(record.readyAt)
  if (record.lifecycle === 'deleting') consider(record.goneAt)
  if (record.kind === 'instance') {
    consider(record.transitions[0]?.at)
    if (record.lifecycle !== 'deleting') consider(record.retire?.at)
  }
  return next
}
