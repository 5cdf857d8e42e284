import type { EngineEvent, EventOf, StepOperation } from '@skyloom/core'
import { formatDuration } from './format-duration.js'
import { formatValue } from './format-value.js'
import type { Style } from './style.js'

const SYMBOLS: Record<StepOperation, string> = {
  create: '+',
  update: '~',
  delete: '-',
  forget: '~-',
  record: '·',
}

/** A step's operation as `+ create`, `- delete (old)`, marking the halves of a replacement. */
export function operationLabel(operation: StepOperation, replacement?: 'create' | 'delete'): string {
  const suffix = replacement === 'delete' ? ' (old)' : replacement === 'create' ? ' (new)' : ''
  return `${SYMBOLS[operation]} ${operation}${suffix}`
}

/** `operationLabel` in the plan's colours. */
export function paintOperation(style: Style, operation: StepOperation, text: string): string {
  if (operation === 'create') return style.green(text)
  if (operation === 'delete') return style.red(text)
  if (operation === 'update') return style.yellow(text)
  return style.cyan(text)
}

/** `create:web/instance/a` → `web/instance/a`, for skipped-because messages. */
export function stepTarget(stepId: string): string {
  const colon = stepId.indexOf(':')
  return colon === -1 ? stepId : stepId.slice(colon + 1)
}

/**
 * A line for an event that is not about a running step: waits for a lock, interrupted
 * operations resolved, drift, warnings. Undefined for events shown otherwise (or not at all).
 */
export function noteText(event: EngineEvent, style: Style, options: { drift: boolean }): string | undefined {
  switch (event.type) {
    case 'lock-wait':
      return style.yellow(
        `Waiting for the lock on stack "${event.stack}"${event.holder ? `, held by ${event.holder.owner} (${event.holder.operation}, pid ${event.holder.pid} on ${event.holder.host})` : ''}…`,
      )
    case 'lock-broken':
      return style.yellow(
        `Broke a stale lock on stack "${event.stack}" left by ${event.holder.owner} (${event.holder.operation}, pid ${event.holder.pid} on ${event.holder.host}).`,
      )
    case 'intent-resolved':
      return `Resolved an interrupted ${event.intent} of ${event.urn}: ${event.resolution}${event.id ? ` (${event.id})` : ''}.`
    case 'drift-detected':
      return options.drift ? style.yellow(driftText(event)) : undefined
    case 'warning':
      return style.yellow(`Warning: ${event.urn ? `${event.urn}: ` : ''}${event.message}`)
    default:
      return undefined
  }
}

function driftText(event: EventOf<'drift-detected'>): string {
  if (event.drift === 'deleted') return `Drift: ${event.urn} was deleted outside Skyloom.`
  const fields = event.drift
    .map((field) => `${field.path} ${formatValue(field.recorded, 30)} -> ${formatValue(field.actual, 30)}`)
    .join('; ')
  return `Drift: ${event.urn}: ${fields}`
}

/** What a finished step's end says after its label: duration, error, or why it was skipped. */
export function stepEndDetail(event: EventOf<'step-end'>): string {
  switch (event.outcome) {
    case 'failed':
      return event.error ? `${event.error.message}` : 'failed'
    case 'skipped':
      return event.skippedBecause ? `after ${stepTarget(event.skippedBecause)} failed` : 'skipped'
    case 'cancelled':
      return 'cancelled'
    default:
      return formatDuration(event.durationMs)
  }
}
