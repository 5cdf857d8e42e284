import type { Exchange } from '../exchange.js'
import type { OpenApiValidator, Violation } from './openapi-validator.js'

/** The result of validating many exchanges: violations, and the operations they exercised. */
export interface ValidationSummary {
  readonly violations: readonly Violation[]
  /** operationId → number of exchanges, with the response keys seen. */
  readonly operations: ReadonlyMap<string, { count: number; responses: Set<string> }>
}

export function validateAll(validator: OpenApiValidator, exchanges: readonly Exchange[]): ValidationSummary {
  const violations: Violation[] = []
  const operations = new Map<string, { count: number; responses: Set<string> }>()
  for (const exchange of exchanges) {
    const report = validator.validate(exchange)
    violations.push(...report.violations)
    if (!report.operationId) continue
    const entry = operations.get(report.operationId) ?? { count: 0, responses: new Set<string>() }
    entry.count++
    if (report.responseKey)
      entry.responses.add(`${exchange.status}${report.responseKey === 'default' ? ' (default)' : ''}`)
    operations.set(report.operationId, entry)
  }
  return { violations, operations }
}

/** Violations as a readable list, one per line, for a failing assertion. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((violation) => `  ${violation.exchange}\n    ${violation.where}: ${violation.message}`)
    .join('\n')
}

/** The operations table printed after the conformance run. */
export function formatCoverage(summary: ValidationSummary): string {
  return [...summary.operations.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([id, { count, responses }]) =>
        `  ${id.padEnd(34)} ${String(count).padStart(4)}  ${[...responses].sort().join(', ')}`,
    )
    .join('\n')
}
