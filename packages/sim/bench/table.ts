import type { ScenarioRow } from './measure.js'

interface Column {
  readonly title: string
  readonly value: (row: ScenarioRow) => string
}

const secs = (value: number) => value.toFixed(1)
const times = (value: number) => `${value.toFixed(3)}`
const count = (value: number) => value.toLocaleString('en-US')

const COLUMNS: readonly Column[] = [
  { title: 'scenario', value: (row) => row.name },
  { title: 'resources', value: (row) => count(row.resources) },
  { title: 'makespan s', value: (row) => secs(row.makespan) },
  { title: 'lower bound s', value: (row) => secs(row.lowerBound) },
  { title: 'ratio', value: (row) => times(row.ratioToBound) },
  { title: 'tight bound s', value: (row) => secs(row.lowerBoundTight) },
  { title: 'ratio', value: (row) => times(row.ratioToTightBound) },
  {
    title: 'terraform-style s',
    value: (row) =>
      secs(row.terraformStyle) +
      (row.terraformStyleFailedSteps > 0 ? ` (${row.terraformStyleFailedSteps} failed)` : ''),
  },
  { title: 'speedup', value: (row) => `${row.speedupVsTerraform.toFixed(2)}x` },
  {
    title: 'unbounded-retry s',
    value: (row) =>
      secs(row.unboundedRetry) +
      (row.unboundedRetryFailedSteps > 0 ? ` (${row.unboundedRetryFailedSteps} failed)` : ''),
  },
  { title: 'its throttled', value: (row) => count(row.unboundedRetryThrottledCalls) },
  { title: 'API calls', value: (row) => count(row.apiCalls) },
  { title: 'throttled', value: (row) => count(row.throttledCalls) },
  { title: 'failed', value: (row) => count(row.failedSteps) },
]

/** The rows as an aligned plain-text table (numbers right-aligned). */
export function renderTable(rows: readonly ScenarioRow[]): string {
  const cells = [
    COLUMNS.map((column) => column.title),
    ...rows.map((row) => COLUMNS.map((column) => column.value(row))),
  ]
  const widths = COLUMNS.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)))
  const format = (line: readonly string[]) =>
    line
      .map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
      .join('  ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('  ')
  return [format(cells[0]!), rule, ...cells.slice(1).map(format)].join('\n')
}
