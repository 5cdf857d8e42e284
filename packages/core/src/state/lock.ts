import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { LockError, type LockHolder } from '../errors/lock-error.js'
import type { LockRequest } from './store.js'

/** What a lock record holds: the public holder plus a token proving ownership. */
export interface LockRecord extends LockHolder {
  readonly token: string
}

export function newLockRecord(request: LockRequest): LockRecord {
  const now = request.clock.now()
  return {
    owner: request.owner,
    host: hostname(),
    pid: process.pid,
    operation: request.operation,
    acquiredAt: new Date(now).toISOString(),
    leaseUntil: new Date(now + request.leaseMs).toISOString(),
    token: randomUUID(),
  }
}

export function renewedRecord(record: LockRecord, request: LockRequest): LockRecord {
  return { ...record, leaseUntil: new Date(request.clock.now() + request.leaseMs).toISOString() }
}

export function publicHolder(record: LockRecord): LockHolder {
  const { token: _token, ...holder } = record
  return holder
}

/**
 * A lock is stale when its lease ran out, or when its holder was a process on this host
 * that no longer exists (a crash or a kill -9 leaves its lock behind).
 */
export function isStale(holder: LockHolder, now: number): boolean {
  if (Date.parse(holder.leaseUntil) < now) return true
  return holder.host === hostname() && holder.pid !== process.pid && !processAlive(holder.pid)
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export type AttemptResult<T> =
  | { acquired: true; lock: T }
  | { acquired: false; holder: LockHolder | undefined }

/**
 * Tries `attempt` until it acquires the lock or `request.waitMs` passes, polling on the
 * request's clock. Fails at once with a LockError naming the holder when waitMs is 0.
 */
export async function acquireWithWait<T>(
  stack: string,
  request: LockRequest,
  attempt: () => Promise<AttemptResult<T>>,
): Promise<T> {
  const deadline = request.clock.now() + request.waitMs
  let waited = false
  for (;;) {
    const result = await attempt()
    if (result.acquired) return result.lock
    const now = request.clock.now()
    if (now >= deadline) {
      throw new LockError(
        stack,
        result.holder,
        waited ? `Waited ${Math.round(request.waitMs / 1000)} s.` : undefined,
      )
    }
    if (!waited) {
      waited = true
      request.onWait?.(result.holder)
    }
    await request.clock.sleep(Math.min(500, deadline - now))
  }
}
