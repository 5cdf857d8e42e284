import type { CriticalLink, CriticalStep } from './critical-path.js'
import { escapeHtml } from './escape.js'
import { formatDuration } from './format.js'
import { tickLabel, ticks } from './time-axis.js'
import type { TimelineModel, TimelineStep } from './timeline-model.js'

/** Narrowest a bar is drawn, in px, so that instant steps stay visible and hoverable. */
const MIN_BAR_PX = 2
/** Width of the chart's time area: at least this, more when short steps would vanish. */
const BASE_WIDTH_PX = 1_100
const MAX_WIDTH_PX = 6_000
/** A lane's label has two lines (scope, counts); its lane is at least that tall. */
const LABEL_MIN_HEIGHT = 38

interface Geometry {
  readonly width: number
  readonly pxPerMs: number
  readonly rowHeight: number
  readonly rowGap: number
  readonly ticks: readonly number[]
}

interface Placed {
  readonly step: TimelineStep
  readonly x: number
  readonly w: number
  row: number
}

const LINK_WORDS: Readonly<Record<CriticalLink, string>> = {
  'apply-start': 'started with the apply',
  dependency: 'started when its dependency finished',
  scope: 'started when its scope had room (rate limit / queue)',
  unexplained: 'started after an unexplained wait',
}

/**
 * The apply's timeline as a Gantt chart: one lane per rate-limit scope (a sticky label on
 * the left, an SVG of bars on the right, all sharing one time scale), bars packed into rows
 * so that lanes stay as short as the concurrency they had, and a first lane that replays the
 * critical path on its own row. Scrolls both ways inside a box so that 2,000 steps stay usable.
 */
export function renderGantt(model: TimelineModel, critical: readonly CriticalStep[]): string {
  const geometry = layout(model)
  const criticalIds = new Map(critical.map((entry) => [entry.step.id, entry.link]))
  const lanes = new Map<string, TimelineStep[]>()
  for (const step of model.steps) {
    const list = lanes.get(step.scope) ?? []
    list.push(step)
    lanes.set(step.scope, list)
  }
  const firstStart = (steps: readonly TimelineStep[]) =>
    Math.min(...steps.map((step) => step.start ?? Number.POSITIVE_INFINITY))
  const ordered = [...lanes].sort(
    ([a, stepsA], [b, stepsB]) => firstStart(stepsA) - firstStart(stepsB) || a.localeCompare(b),
  )
  const rows: string[] = [axisRow(geometry)]
  if (critical.length > 0) rows.push(criticalLane(critical, geometry))
  for (const [scope, steps] of ordered) rows.push(lane(scope, steps, model, geometry, criticalIds))
  return `<div class="gantt" style="--chart-width:${geometry.width}px">${rows.join('')}</div>`
}

function layout(model: TimelineModel): Geometry {
  const durations = model.steps
    .filter((step) => step.start !== undefined && step.end !== undefined && step.end > step.start)
    .map((step) => step.end! - step.start!)
    .sort((a, b) => a - b)
  const median = durations[Math.floor(durations.length / 2)] ?? 0
  const span = Math.max(1, model.makespan)
  // Wide enough that a median step is at least 4 px long, within limits.
  const wanted = median > 0 ? (span / median) * 4 : BASE_WIDTH_PX
  const width = Math.round(Math.min(MAX_WIDTH_PX, Math.max(BASE_WIDTH_PX, wanted)))
  const steps = model.steps.length
  const rowHeight = steps <= 40 ? 18 : steps <= 200 ? 10 : steps <= 600 ? 6 : 4
  return {
    width,
    pxPerMs: width / span,
    rowHeight,
    rowGap: rowHeight >= 10 ? 3 : 1,
    ticks: ticks(span, width),
  }
}

function axisRow(geometry: Geometry): string {
  const height = 24
  const marks = geometry.ticks
    .map((at) => {
      const x = (at * geometry.pxPerMs).toFixed(1)
      const anchor = at === 0 ? 'start' : 'middle'
      return `<line x1="${x}" x2="${x}" y1="${height - 6}" y2="${height}"/><text x="${x}" y="${height - 9}" text-anchor="${anchor}">${tickLabel(at)}</text>`
    })
    .join('')
  return (
    `<div class="row axis"><div class="label">time since the apply started</div>` +
    `<svg width="${geometry.width + 30}" height="${height}" role="img" aria-label="time axis">${marks}</svg></div>`
  )
}

function grid(geometry: Geometry, height: number): string {
  return geometry.ticks
    .map((at) => {
      const x = (at * geometry.pxPerMs).toFixed(1)
      return `<line class="grid" x1="${x}" x2="${x}" y1="0" y2="${height}"/>`
    })
    .join('')
}

/** Places bars and packs them first-fit into rows (greedy interval colouring, in start order). */
function pack(steps: readonly TimelineStep[], model: TimelineModel, geometry: Geometry): Placed[] {
  const placed = steps.map((step): Placed => {
    const [from, to] = span(step, model)
    const x = from * geometry.pxPerMs
    const w = Math.max(MIN_BAR_PX, (to - from) * geometry.pxPerMs)
    return { step, x: Math.min(x, geometry.width - MIN_BAR_PX), w, row: 0 }
  })
  placed.sort((a, b) => a.x - b.x || a.step.id.localeCompare(b.step.id))
  const rowEnds: number[] = []
  for (const bar of placed) {
    let row = rowEnds.findIndex((end) => end + 1 <= bar.x)
    if (row === -1) {
      row = rowEnds.length
      rowEnds.push(0)
    }
    rowEnds[row] = bar.x + bar.w
    bar.row = row
  }
  return placed
}

/**
 * Where a step sits in time. Steps that never ran get a mark where their fate was sealed:
 * a skipped step when its failed dependency ended, a cancelled one at the end of the apply.
 */
function span(step: TimelineStep, model: TimelineModel): [number, number] {
  if (step.start !== undefined && step.end !== undefined) return [step.start, step.end]
  if (step.skippedBecause !== undefined) {
    const cause = model.byId.get(step.skippedBecause)
    const at = cause?.end ?? 0
    return [at, at]
  }
  return [model.makespan, model.makespan]
}

function lane(
  scope: string,
  steps: readonly TimelineStep[],
  model: TimelineModel,
  geometry: Geometry,
  critical: ReadonlyMap<string, CriticalLink>,
): string {
  const placed = pack(steps, model, geometry)
  const rowCount = Math.max(1, ...placed.map((bar) => bar.row + 1))
  const pitch = geometry.rowHeight + geometry.rowGap
  const height = rowCount * pitch + geometry.rowGap
  const labelHeight = Math.max(LABEL_MIN_HEIGHT, height)
  const bars = placed
    .map((bar) => barSvg(bar, geometry.rowGap + bar.row * pitch, geometry, critical.get(bar.step.id)))
    .join('')
  const outcomes = countOutcomes(steps)
  return (
    `<div class="row lane"><div class="label" style="height:${labelHeight}px"><strong>${escapeHtml(scope)}</strong>` +
    `<span>${steps.length} step${steps.length === 1 ? '' : 's'}${outcomes}</span></div>` +
    `<svg width="${geometry.width + 30}" height="${height}" role="img" aria-label="steps of ${escapeHtml(scope)}">` +
    `${grid(geometry, height)}${bars}</svg></div>`
  )
}

function countOutcomes(steps: readonly TimelineStep[]): string {
  const bad = ['failed', 'skipped', 'cancelled'] as const
  return bad
    .map((outcome) => [outcome, steps.filter((step) => step.outcome === outcome).length] as const)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => ` · <em class="${outcome}">${count} ${outcome}</em>`)
    .join('')
}

function barSvg(bar: Placed, y: number, geometry: Geometry, link: CriticalLink | undefined): string {
  const { step } = bar
  const h = geometry.rowHeight
  // A pixel of air at the end, so that a bar starting where the previous one in its row ended stays distinct.
  const w = bar.w > 3 ? bar.w - 1 : bar.w
  const classes = ['bar', `op-${step.operation}`, `outcome-${step.outcome}`]
  if (link) classes.push('critical')
  const parts = [
    `<rect class="${classes.join(' ')}" data-step="${escapeHtml(step.id)}" data-outcome="${step.outcome}"` +
      `${link ? ` data-critical="${link}"` : ''} x="${bar.x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${h}">` +
      `<title>${escapeHtml(tooltip(step, link))}</title></rect>`,
  ]
  parts.push(...overlays(step, y, h, geometry))
  if (h >= 14) {
    const label = `${step.operation} ${step.urn.split('/').slice(1).join('/')}`
    const room = Math.floor((bar.w - 6) / 6.2)
    if (room >= 4) {
      const text = label.length > room ? `${label.slice(0, room - 1)}…` : label
      parts.push(
        `<text class="bar-label" x="${(bar.x + 3).toFixed(1)}" y="${y + h - 5}">${escapeHtml(text)}</text>`,
      )
    }
  }
  return parts.join('')
}

/** The queued phase (lightened) and retry backoffs (coloured by error class), over the bar. */
function overlays(step: TimelineStep, y: number, h: number, geometry: Geometry): string[] {
  if (step.start === undefined || step.end === undefined) return []
  const out: string[] = []
  const x = (at: number) => (at * geometry.pxPerMs).toFixed(1)
  if (step.acceptedAt !== undefined && step.acceptedAt > step.start) {
    const w = (step.acceptedAt - step.start) * geometry.pxPerMs
    if (w >= 0.5)
      out.push(`<rect class="queued" x="${x(step.start)}" y="${y}" width="${w.toFixed(1)}" height="${h}"/>`)
  }
  for (const retry of step.retries) {
    const until = Math.min(step.end, retry.at + retry.delayMs)
    const w = Math.max(1, (until - retry.at) * geometry.pxPerMs)
    const kind = retry.errorClass === 'throttled' ? 'throttled' : 'retry'
    out.push(`<rect class="${kind}" x="${x(retry.at)}" y="${y}" width="${w.toFixed(1)}" height="${h}"/>`)
    out.push(
      `<line class="${kind}-tick" x1="${x(retry.at)}" x2="${x(retry.at)}" y1="${y - 1}" y2="${y + h + 1}"/>`,
    )
  }
  return out
}

function tooltip(step: TimelineStep, link: CriticalLink | undefined): string {
  const lines = [step.id, `${step.outcome} · ${step.scope}`]
  if (step.start !== undefined && step.end !== undefined) {
    lines.push(
      `${formatDuration(step.start)} → ${formatDuration(step.end)} (${formatDuration(step.end - step.start)})`,
    )
    if (step.acceptedAt !== undefined && step.acceptedAt > step.start)
      lines.push(`queued or calling until ${formatDuration(step.acceptedAt)}`)
  }
  if (step.retries.length > 0) {
    const classes = new Map<string, number>()
    for (const retry of step.retries) classes.set(retry.errorClass, (classes.get(retry.errorClass) ?? 0) + 1)
    lines.push(
      `${step.retries.length} retr${step.retries.length === 1 ? 'y' : 'ies'}: ${[...classes].map(([name, count]) => `${name} ×${count}`).join(', ')}`,
    )
  }
  if (step.skippedBecause !== undefined) lines.push(`skipped because ${step.skippedBecause} failed`)
  if (step.error !== undefined) lines.push(`error: ${step.error}`)
  if (link) lines.push(`critical path: ${LINK_WORDS[link]}`)
  return lines.join('\n')
}

function criticalLane(critical: readonly CriticalStep[], geometry: Geometry): string {
  const h = Math.max(geometry.rowHeight, 12)
  const height = h + 2 * geometry.rowGap + 2
  const bars = critical
    .map(({ step, link }) => {
      const start = step.start ?? 0
      const end = step.end ?? start
      const x = start * geometry.pxPerMs
      const full = Math.max(MIN_BAR_PX, (end - start) * geometry.pxPerMs)
      const w = full > 3 ? full - 1 : full
      return (
        `<rect class="cp-bar op-${step.operation} outcome-${step.outcome}" data-critical-step="${escapeHtml(step.id)}" ` +
        `x="${x.toFixed(1)}" y="${geometry.rowGap + 1}" width="${w.toFixed(1)}" height="${h}">` +
        `<title>${escapeHtml(tooltip(step, link))}</title></rect>` +
        overlays(step, geometry.rowGap + 1, h, geometry).join('')
      )
    })
    .join('')
  return (
    `<div class="row lane critical-lane"><div class="label" style="height:${Math.max(LABEL_MIN_HEIGHT, height)}px"><strong>critical path</strong>` +
    `<span>${critical.length} step${critical.length === 1 ? '' : 's'}, end to end</span></div>` +
    `<svg width="${geometry.width + 30}" height="${height}" role="img" aria-label="critical path">${grid(geometry, height)}${bars}</svg></div>`
  )
}
