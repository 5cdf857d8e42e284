import { formatUsd, formatValue, KNOWN_AFTER_APPLY } from './format-value.js'
import type { ChangeAction, Plan, ResourceChange } from './types.js'

const SYMBOLS: Record<ChangeAction, string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  forget: '~-',
  noop: ' ',
}

export interface TextRenderOptions {
  /** Show every prop of resources to create, not only their names. */
  readonly detail?: boolean
  /** Include unchanged resources. */
  readonly showNoop?: boolean
  /** Colour with ANSI escapes (for terminals). */
  readonly color?: boolean
}

const COLORS: Record<ChangeAction, string> = {
  create: '\u001b[32m',
  update: '\u001b[33m',
  replace: '\u001b[35m',
  delete: '\u001b[31m',
  forget: '\u001b[36m',
  noop: '\u001b[2m',
}
const RESET = '\u001b[0m'

/**
 * The human diff: one line per resource (`+ create`, `~ update`, `-/+ replace`, `- delete`),
 * field changes beneath updates and replacements, then totals, cost and warnings.
 */
export function renderPlanText(plan: Plan, options: TextRenderOptions = {}): string {
  const lines: string[] = []
  const shown = plan.changes.filter((change) => options.showNoop || change.action !== 'noop')
  const kindWidth = Math.max(4, ...shown.map((change) => change.kind.length))
  const nameWidth = Math.max(4, ...shown.map((change) => change.name.length))
  const verb = plan.mode === 'destroy' ? 'Destroy plan' : 'Plan'
  lines.push(`${verb} for stack "${plan.stack}" (state version ${plan.stateVersion})`)
  if (shown.length === 0) lines.push('  No changes. The cloud matches the stack.')
  for (const change of shown) {
    const paint = (text: string) => (options.color ? `${COLORS[change.action]}${text}${RESET}` : text)
    const symbol = SYMBOLS[change.action].padStart(3)
    const cost = costNote(change)
    lines.push(
      paint(`${symbol} ${change.kind.padEnd(kindWidth)}  ${change.name.padEnd(nameWidth)}${cost}`.trimEnd()),
    )
    for (const line of detailLines(change, options.detail === true)) lines.push(`      ${line}`)
  }
  const s = plan.summary
  lines.push('')
  lines.push(
    `${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete${s.forget ? `, ${s.forget} to forget` : ''}.`,
  )
  if (plan.cost) {
    const delta = plan.cost.monthlyDelta
    lines.push(
      `Monthly cost: ${formatUsd(plan.cost.monthlyBefore)} -> ${formatUsd(plan.cost.monthlyAfter)} (${delta >= 0 ? '+' : ''}${formatUsd(delta)})${plan.cost.unpriced.length > 0 ? `; ${plan.cost.unpriced.length} resource(s) without a price` : ''}`,
    )
  }
  for (const warning of plan.warnings) lines.push(`Warning: ${warning.path}: ${warning.message}`)
  return lines.join('\n')
}

function costNote(change: ResourceChange): string {
  const cost = change.monthlyCost
  if (!cost) return ''
  if (change.action === 'create' && cost.after) return `  ${formatUsd(cost.after)}/mo`
  if ((change.action === 'delete' || change.action === 'forget') && cost.before) {
    return `  -${formatUsd(cost.before)}/mo`
  }
  if (cost.before !== undefined && cost.after !== undefined && cost.before !== cost.after) {
    return `  ${formatUsd(cost.before)} -> ${formatUsd(cost.after)}/mo`
  }
  return ''
}

function detailLines(change: ResourceChange, detail: boolean): string[] {
  if (change.action === 'create') {
    if (!detail || !change.props) return []
    return Object.entries(change.props)
      .filter(([key, value]) => value !== undefined && key !== 'providerOptions')
      .map(([key, value]) => `${key} = ${formatValue(value)}`)
  }
  if (change.action === 'update' || change.action === 'replace') {
    const lines = change.fields.map((field) => {
      const after = field.unknown ? KNOWN_AFTER_APPLY : formatValue(field.new)
      const note = field.replace ? ` (${field.reason ?? 'forces replacement'})` : ''
      return `${field.path}: ${formatValue(field.old)} -> ${after}${note}`
    })
    if (lines.length === 0) lines.push(...change.reasons)
    return lines
  }
  return []
}
