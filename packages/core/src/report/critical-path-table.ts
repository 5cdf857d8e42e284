import type { CriticalLink, CriticalStep } from './critical-path.js'
import { escapeHtml } from './escape.js'
import { formatCount, formatDuration } from './format.js'
import type { TimelineStep } from './timeline-model.js'

/** How long the step waited before the cloud accepted its request (rate-limit queue, backoff, the call). */
function queued(step: TimelineStep): string {
  if (step.start === undefined || step.acceptedAt === undefined) return '—'
  return formatDuration(Math.max(0, step.acceptedAt - step.start))
}

const LINK_TEXT: Readonly<Record<CriticalLink, string>> = {
  'apply-start': 'started with the apply',
  dependency: 'after its dependency',
  scope: 'when its scope had room',
  unexplained: 'after an unexplained wait',
}

/** The critical path as a table, first step first; long paths show their ends and elide the middle. */
export function renderCriticalPath(critical: readonly CriticalStep[]): string {
  if (critical.length === 0) return '<p class="note">No step ran, so there is no critical path.</p>'
  const limit = 40
  const shown =
    critical.length <= limit
      ? critical.map((entry, index) => ({ entry, index }))
      : [
          ...critical.slice(0, limit / 2).map((entry, index) => ({ entry, index })),
          ...critical
            .slice(-limit / 2)
            .map((entry, index) => ({ entry, index: critical.length - limit / 2 + index })),
        ]
  const counts = new Map<CriticalLink, number>()
  for (const { link } of critical) counts.set(link, (counts.get(link) ?? 0) + 1)
  const rows: string[] = []
  shown.forEach(({ entry, index }, position) => {
    if (position > 0 && index !== shown[position - 1]!.index + 1)
      rows.push(
        `<tr><td colspan="6" class="note">… ${formatCount(index - shown[position - 1]!.index - 1)} more …</td></tr>`,
      )
    const { step, link } = entry
    rows.push(
      `<tr><td class="num">${index + 1}</td><td><code>${escapeHtml(step.id)}</code></td><td>${escapeHtml(step.scope)}</td>` +
        `<td class="num">${formatDuration(step.start ?? 0)} → ${formatDuration(step.end ?? 0)}</td>` +
        `<td class="num">${queued(entry.step)}</td><td>${LINK_TEXT[link]}</td></tr>`,
    )
  })
  const mix = [...counts].map(([link, count]) => `${formatCount(count)} ${LINK_TEXT[link]}`).join(', ')
  return (
    `<p class="note">The chain of steps that determined the makespan (${formatCount(critical.length)} steps: ${mix}). ` +
    'It is found by walking back from the step that ended last: to the dependency that ended last, when the step ' +
    'started as that dependency finished; otherwise to the step of its own scope that finished as it started ' +
    '(the scope had no room: its rate limit or queue held the step back). Waits inside a step (rate-limit tokens, ' +
    'backoff, polling until ready) are part of its bar; the queued column shows how much of it passed before ' +
    'the cloud accepted the request.</p>' +
    `<table class="data"><thead><tr><th class="num">#</th><th>step</th><th>scope</th><th class="num">time</th><th class="num">queued or calling</th>` +
    `<th>started</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  )
}
