import type { Plan, PlanStep } from './types.js'

function label(step: PlanStep): string {
  const verb = step.replacement === 'delete' ? 'delete old' : step.operation
  return `${verb} ${step.urn.split('/').slice(1).join('/')}`
}

/** The plan's DAG as a Mermaid flowchart: one node per step, edges from dependency to dependent. */
export function renderPlanMermaid(plan: Plan): string {
  const ids = new Map(plan.steps.map((step, index) => [step.id, `s${index}`]))
  const lines = ['flowchart LR']
  for (const step of plan.steps) {
    lines.push(`  ${ids.get(step.id)}["${label(step).replaceAll('"', "'")}"]:::${step.operation}`)
  }
  for (const step of plan.steps) {
    for (const dependency of step.dependsOn) lines.push(`  ${ids.get(dependency)} --> ${ids.get(step.id)}`)
  }
  lines.push('  classDef create fill:#dff5e1,stroke:#2e7d32')
  lines.push('  classDef update fill:#fff4d6,stroke:#b7791f')
  lines.push('  classDef delete fill:#fde2e1,stroke:#c62828')
  lines.push('  classDef forget fill:#e3f2fd,stroke:#1565c0')
  lines.push('  classDef record fill:#eeeeee,stroke:#757575')
  return lines.join('\n')
}

/** The plan's DAG in Graphviz DOT. */
export function renderPlanDot(plan: Plan): string {
  const colors: Record<string, string> = {
    create: '#2e7d32',
    update: '#b7791f',
    delete: '#c62828',
    forget: '#1565c0',
    record: '#757575',
  }
  const lines = [`digraph "${plan.stack}" {`, '  rankdir=LR;', '  node [shape=box, style=rounded];']
  for (const step of plan.steps) {
    lines.push(
      `  "${step.id}" [label="${label(step).replaceAll('"', "'")}", color="${colors[step.operation]}"];`,
    )
  }
  for (const step of plan.steps) {
    for (const dependency of step.dependsOn) lines.push(`  "${dependency}" -> "${step.id}";`)
  }
  lines.push('}')
  return lines.join('\n')
}
