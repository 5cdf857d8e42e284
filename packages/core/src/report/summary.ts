import type { ApplyResult } from '../engine/types.js'
import type { StepOutcome } from '../events/types.js'
import type { Plan } from '../plan/types.js'
import { escapeHtml } from './escape.js'
import { formatCount, formatDuration, formatUsd } from './format.js'
import type { TimelineModel } from './timeline-model.js'

const OUTCOMES: readonly StepOutcome[] = ['done', 'noop', 'failed', 'skipped', 'cancelled']

/** Outcome counts, makespan, retries, the plan's changes and cost, as a row of cards. */
export function renderCards(plan: Plan, result: ApplyResult, model: TimelineModel): string {
  const retries = model.steps.flatMap((step) => step.retries)
  const throttled = retries.filter((retry) => retry.errorClass === 'throttled').length
  const cards = [
    card(formatDuration(result.durationMs), 'makespan'),
    ...OUTCOMES.map((outcome) =>
      card(
        formatCount(result.counts[outcome]),
        outcome,
        (outcome === 'failed' || outcome === 'skipped' || outcome === 'cancelled') &&
          result.counts[outcome] > 0,
      ),
    ),
    card(formatCount(retries.length), `retries (${formatCount(throttled)} throttled)`),
  ]
  const s = plan.summary
  const changes = (['create', 'update', 'replace', 'delete', 'forget'] as const)
    .filter((action) => s[action] > 0)
    .map((action) => `${formatCount(s[action])} to ${action}`)
  const cost = plan.cost
    ? `${formatUsd(plan.cost.monthlyBefore)} → ${formatUsd(plan.cost.monthlyAfter)} per month ` +
      `(<strong>${formatUsd(plan.cost.monthlyDelta, true)}</strong>)` +
      (plan.cost.unpriced.length > 0
        ? `; ${formatCount(plan.cost.unpriced.length)} resources without a price`
        : '')
    : 'no prices from the providers'
  return (
    `<div class="cards">${cards.join('')}</div>` +
    `<table class="data"><tbody>` +
    `<tr><th>plan</th><td>${formatCount(plan.steps.length)} steps: ${changes.join(', ') || 'no changes'}` +
    `${s.noop > 0 ? `; ${formatCount(s.noop)} unchanged` : ''}</td></tr>` +
    `<tr><th>cost change</th><td>${cost}</td></tr>` +
    `<tr><th>state version</th><td>${plan.stateVersion} → ${result.stateVersion}</td></tr>` +
    `</tbody></table>`
  )
}

function card(value: string, label: string, bad = false): string {
  return `<div class="card${bad ? ' bad' : ''}"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`
}

/** API calls and throttled calls per rate-limit scope, busiest first. */
export function renderApiCalls(result: ApplyResult): string {
  const entries = Object.entries(result.apiCalls).sort(
    (a, b) => b[1].calls - a[1].calls || a[0].localeCompare(b[0]),
  )
  if (entries.length === 0) return '<p class="note">No provider calls were made.</p>'
  const total = entries.reduce(
    (sum, [, stats]) => ({ calls: sum.calls + stats.calls, throttled: sum.throttled + stats.throttled }),
    { calls: 0, throttled: 0 },
  )
  const rows = entries.map(
    ([scope, stats]) =>
      `<tr><td><code>${escapeHtml(scope)}</code></td><td class="num">${formatCount(stats.calls)}</td>` +
      `<td class="num">${formatCount(stats.throttled)}</td></tr>`,
  )
  return (
    `<table class="data"><thead><tr><th>scope</th><th class="num">calls</th><th class="num">throttled</th></tr></thead>` +
    `<tbody>${rows.join('')}<tr><th>total</th><th class="num">${formatCount(total.calls)}</th>` +
    `<th class="num">${formatCount(total.throttled)}</th></tr></tbody></table>`
  )
}

/** Failed steps with their (redacted, escaped) errors, and how many steps each one skipped. */
export function renderFailures(model: TimelineModel): string {
  const failed = model.steps.filter((step) => step.outcome === 'failed')
  if (failed.length === 0) return ''
  const skippedBy = new Map<string, number>()
  for (const step of model.steps) {
    if (step.skippedBecause !== undefined)
      skippedBy.set(step.skippedBecause, (skippedBy.get(step.skippedBecause) ?? 0) + 1)
  }
  const rows = failed.map(
    (step) =>
      `<tr data-failed-step="${escapeHtml(step.id)}"><td><code>${escapeHtml(step.id)}</code></td>` +
      `<td class="msg">${escapeHtml(step.error ?? 'no message')}</td>` +
      `<td class="num">${formatCount(skippedBy.get(step.id) ?? 0)}</td></tr>`,
  )
  return (
    `<h2 id="failures">Failures</h2><table class="data"><thead><tr><th>step</th><th>error</th>` +
    `<th class="num">steps skipped</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  )
}
