import type { StepOutcome } from '../events/types.js'
import type { Plan, PlanStep, StepOperation } from '../plan/types.js'
import { escapeHtml } from './escape.js'
import { formatCount } from './format.js'

/** Plans larger than this are summarized per kind and operation instead of drawn node by node. */
export const MAX_DRAWN_STEPS = 300

const NODE_W = 190
const NODE_H = 22
const COLUMN_GAP = 56
const ROW_GAP = 8
const PAD = 10

/** Longest-path layering: a step sits one layer right of its deepest dependency. */
export function layersOf(steps: readonly PlanStep[]): Map<string, number> {
  const byId = new Map(steps.map((step) => [step.id, step]))
  const layer = new Map<string, number>()
  const visit = (root: PlanStep): void => {
    // Iterative post-order: deep chains must not overflow the call stack.
    const stack: Array<{ step: PlanStep; index: number }> = [{ step: root, index: 0 }]
    const onPath = new Set<string>([root.id])
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const next = top.step.dependsOn[top.index++]
      if (next !== undefined) {
        const dependency = byId.get(next)
        if (dependency && !layer.has(next) && !onPath.has(next)) {
          onPath.add(next)
          stack.push({ step: dependency, index: 0 })
        }
        continue
      }
      const deepest = Math.max(-1, ...top.step.dependsOn.map((id) => layer.get(id) ?? -1))
      layer.set(top.step.id, deepest + 1)
      onPath.delete(top.step.id)
      stack.pop()
    }
  }
  for (const step of steps) if (!layer.has(step.id)) visit(step)
  return layer
}

/**
 * The plan's DAG as inline SVG: longest-path layers left to right, each layer ordered by the
 * mean position of its dependencies (one barycentric pass, enough to untangle typical stacks),
 * nodes coloured by operation, failed ones outlined red and critical ones in black. Plans of
 * more than {@link MAX_DRAWN_STEPS} steps get a summary instead, and the report says so.
 */
export function renderPlanGraph(
  plan: Plan,
  outcomes: ReadonlyMap<string, StepOutcome>,
  critical: ReadonlySet<string>,
): string {
  if (plan.steps.length === 0) return '<p class="note">The plan has no steps.</p>'
  if (plan.steps.length > MAX_DRAWN_STEPS) return renderSummary(plan, outcomes)
  const layer = layersOf(plan.steps)
  const columns: PlanStep[][] = []
  for (const step of plan.steps) {
    const index = layer.get(step.id) ?? 0
    const column = columns[index] ?? []
    column.push(step)
    columns[index] = column
  }
  const row = new Map<string, number>()
  for (const column of columns) {
    const keyed = column.map((step, index) => {
      const placed = step.dependsOn.map((id) => row.get(id)).filter((value) => value !== undefined)
      const mean = placed.length > 0 ? placed.reduce((sum, value) => sum + value, 0) / placed.length : index
      return { step, mean, index }
    })
    keyed.sort((a, b) => a.mean - b.mean || a.index - b.index)
    for (const [index, { step }] of keyed.entries()) row.set(step.id, index)
    column.splice(0, column.length, ...keyed.map(({ step }) => step))
  }
  const tallest = Math.max(...columns.map((column) => column.length))
  const width = PAD * 2 + columns.length * NODE_W + (columns.length - 1) * COLUMN_GAP
  const height = PAD * 2 + tallest * (NODE_H + ROW_GAP) - ROW_GAP
  const position = (step: PlanStep) => ({
    x: PAD + (layer.get(step.id) ?? 0) * (NODE_W + COLUMN_GAP),
    y: PAD + (row.get(step.id) ?? 0) * (NODE_H + ROW_GAP),
  })
  const byId = new Map(plan.steps.map((step) => [step.id, step]))
  const edges: string[] = []
  for (const step of plan.steps) {
    const to = position(step)
    for (const id of step.dependsOn) {
      const dependency = byId.get(id)
      if (!dependency) continue
      const from = position(dependency)
      const x1 = from.x + NODE_W
      const y1 = from.y + NODE_H / 2
      const x2 = to.x
      const y2 = to.y + NODE_H / 2
      const bend = (x2 - x1) / 2
      const hot = critical.has(id) && critical.has(step.id) ? ' critical' : ''
      edges.push(
        `<path class="edge${hot}" d="M${x1} ${y1} C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2} ${y2}"/>`,
      )
    }
  }
  const nodes = plan.steps.map((step) => {
    const { x, y } = position(step)
    const outcome = outcomes.get(step.id)
    const classes = ['node', `op-${step.operation}`]
    if (outcome) classes.push(`outcome-${outcome}`)
    if (critical.has(step.id)) classes.push('critical')
    const label = nodeLabel(step)
    const text = label.length > 29 ? `${label.slice(0, 28)}…` : label
    return (
      `<g class="${classes.join(' ')}" data-node="${escapeHtml(step.id)}"><title>${escapeHtml(`${step.id}${outcome ? ` (${outcome})` : ''}`)}</title>` +
      `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="4"/>` +
      `<text x="${x + 7}" y="${y + NODE_H / 2 + 4}">${escapeHtml(text)}</text></g>`
    )
  })
  return (
    `<div class="graph"><svg width="${width}" height="${height}" role="img" aria-label="plan graph">` +
    `${edges.join('')}${nodes.join('')}</svg></div>`
  )
}

function nodeLabel(step: PlanStep): string {
  const verb = step.replacement === 'delete' ? 'delete old' : step.operation
  return `${verb} ${step.urn.split('/').slice(1).join('/')}`
}

interface Group {
  readonly operation: StepOperation
  readonly kind: string
  readonly steps: PlanStep[]
  readonly dependsOn: Map<string, number>
}

/**
 * A large plan in a few lines: one row per kind and operation with its count, outcomes,
 * layers and what it depends on, and a histogram of steps per layer showing the DAG's shape
 * (wide and shallow, or deep).
 */
function renderSummary(plan: Plan, outcomes: ReadonlyMap<string, StepOutcome>): string {
  const layer = layersOf(plan.steps)
  const groupOf = (step: PlanStep) => `${step.operation} ${step.kind}`
  const groups = new Map<string, Group>()
  const byId = new Map(plan.steps.map((step) => [step.id, step]))
  for (const step of plan.steps) {
    const key = groupOf(step)
    const group: Group = groups.get(key) ?? {
      operation: step.operation,
      kind: step.kind,
      steps: [],
      dependsOn: new Map(),
    }
    group.steps.push(step)
    for (const id of step.dependsOn) {
      const dependency = byId.get(id)
      if (dependency)
        group.dependsOn.set(groupOf(dependency), (group.dependsOn.get(groupOf(dependency)) ?? 0) + 1)
    }
    groups.set(key, group)
  }
  const ordered = [...groups.values()].sort(
    (a, b) =>
      Math.min(...a.steps.map((step) => layer.get(step.id) ?? 0)) -
        Math.min(...b.steps.map((step) => layer.get(step.id) ?? 0)) || b.steps.length - a.steps.length,
  )
  const rows = ordered.map((group) => {
    const layers = group.steps.map((step) => layer.get(step.id) ?? 0)
    const low = Math.min(...layers)
    const high = Math.max(...layers)
    const counts = new Map<string, number>()
    for (const step of group.steps) {
      const outcome = outcomes.get(step.id) ?? 'not run'
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
    }
    const deps = [...group.dependsOn]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `${escapeHtml(name)} (${formatCount(count)} edges)`)
      .join(', ')
    return (
      `<tr><td><span class="swatch op-${group.operation}"></span>${escapeHtml(group.operation)}</td><td>${escapeHtml(group.kind)}</td>` +
      `<td class="num">${formatCount(group.steps.length)}</td>` +
      `<td>${[...counts].map(([outcome, count]) => `${formatCount(count)} ${escapeHtml(outcome)}`).join(', ')}</td>` +
      `<td class="num">${low === high ? low : `${low}–${high}`}</td><td>${deps || '—'}</td></tr>`
    )
  })
  const depth = Math.max(...layer.values()) + 1
  return (
    `<p class="note">This plan has ${formatCount(plan.steps.length)} steps in ${depth} layers: too many to draw one by one ` +
    `(the full graph is drawn up to ${MAX_DRAWN_STEPS} steps), so here is a summary per kind and operation, ` +
    `and the number of steps in each layer of the longest-path layering.</p>` +
    `<table class="data"><thead><tr><th>operation</th><th>kind</th><th class="num">steps</th><th>outcomes</th>` +
    `<th class="num">layers</th><th>depends on</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
    layerHistogram(plan.steps, layer)
  )
}

function layerHistogram(steps: readonly PlanStep[], layer: ReadonlyMap<string, number>): string {
  const depth = Math.max(...layer.values()) + 1
  const perLayer = Array.from({ length: depth }, () => new Map<string, number>())
  for (const step of steps) {
    const counts = perLayer[layer.get(step.id) ?? 0]!
    counts.set(step.operation, (counts.get(step.operation) ?? 0) + 1)
  }
  const tallest = Math.max(...perLayer.map((counts) => [...counts.values()].reduce((a, b) => a + b, 0)))
  const barW = Math.max(6, Math.min(40, Math.floor(900 / depth) - 4))
  const chartH = 140
  // Room above the tallest bar for its count.
  const top = PAD + 12
  const width = PAD * 2 + depth * (barW + 4)
  const height = top + chartH + 20
  const bars: string[] = []
  perLayer.forEach((counts, index) => {
    let y = top + chartH
    const x = PAD + index * (barW + 4)
    const total = [...counts.values()].reduce((a, b) => a + b, 0)
    for (const [operation, count] of counts) {
      const h = (count / tallest) * chartH
      y -= h
      bars.push(
        `<rect class="node-fill op-${operation}" x="${x}" y="${y.toFixed(1)}" width="${barW}" height="${h.toFixed(1)}">` +
          `<title>layer ${index}: ${formatCount(count)} ${operation} of ${formatCount(total)}</title></rect>`,
      )
    }
    if (depth <= 40)
      bars.push(
        `<text x="${x + barW / 2}" y="${(y - 3).toFixed(1)}" text-anchor="middle">${formatCount(total)}</text>`,
      )
    if (depth <= 40 || index % Math.ceil(depth / 40) === 0)
      bars.push(`<text x="${x + barW / 2}" y="${top + chartH + 14}" text-anchor="middle">${index}</text>`)
  })
  return (
    `<div class="graph"><svg width="${width}" height="${height}" role="img" aria-label="steps per layer">` +
    `${bars.join('')}</svg></div><p class="note">Steps per layer (layer = longest chain of dependencies ` +
    `before the step); the tallest bar is ${formatCount(tallest)} steps.</p>`
  )
}
