import type { ApplyResult, StepResult } from '@skyloom/core'
import { operationLabel, stepTarget } from './event-text.js'
import { formatDuration } from './format-duration.js'
import type { Style } from './style.js'

const MAX_LISTED = 10

/** The few lines that end an apply or destroy: what was done, what failed and why, what next. */
export function renderApplySummary(
  result: ApplyResult,
  style: Style,
  options: { simulated: boolean; rerun: string },
): string[] {
  const took = `${formatDuration(result.durationMs)}${options.simulated ? ' (simulated time)' : ''}`
  const verb = result.plan.mode === 'destroy' ? 'Destroy' : 'Apply'
  const lines: string[] = []
  const c = result.counts
  if (result.outcome === 'succeeded') {
    lines.push(
      style.green(`✓ ${verb} of stack "${result.stack}" finished in ${took}: ${doneSummary(result.steps)}.`),
    )
  } else if (result.outcome === 'cancelled') {
    lines.push(
      style.yellow(
        `${verb} of stack "${result.stack}" was cancelled after ${took}: ${c.done} done, ${c.cancelled} cancelled${c.failed ? `, ${c.failed} failed` : ''}.`,
      ),
    )
  } else {
    lines.push(
      style.red(
        `✗ ${verb} of stack "${result.stack}" failed after ${took}: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped.`,
      ),
    )
  }
  const failed = result.steps.filter((step) => step.outcome === 'failed')
  for (const step of failed.slice(0, MAX_LISTED)) {
    lines.push(style.red(`  ✗ ${label(step)} ${step.urn}: ${step.error?.message ?? 'failed'}`))
  }
  if (failed.length > MAX_LISTED) lines.push(style.red(`  … and ${failed.length - MAX_LISTED} more failed`))
  const skipped = result.steps.filter((step) => step.outcome === 'skipped')
  for (const step of skipped.slice(0, MAX_LISTED)) {
    const because = step.skippedBecause ? ` (after ${stepTarget(step.skippedBecause)} failed)` : ''
    lines.push(style.dim(`  skipped ${label(step)} ${step.urn}${because}`))
  }
  if (skipped.length > MAX_LISTED)
    lines.push(style.dim(`  … and ${skipped.length - MAX_LISTED} more skipped`))
  const calls = Object.values(result.apiCalls)
  const total = calls.reduce((sum, stats) => sum + stats.calls, 0)
  const throttled = calls.reduce((sum, stats) => sum + stats.throttled, 0)
  const retries = result.steps.reduce((sum, step) => sum + step.retries, 0)
  lines.push(
    style.dim(
      `${total} API call${total === 1 ? '' : 's'}, ${throttled} throttled, ${retries} ${retries === 1 ? 'retry' : 'retries'}; state version ${result.stateVersion}.`,
    ),
  )
  if (result.outcome !== 'succeeded') {
    lines.push(
      `Finished steps are recorded in the state. Fix the cause and run \`${options.rerun}\` again to continue.`,
    )
  }
  return lines
}

function label(step: StepResult): string {
  return operationLabel(step.operation, step.replacement)
}

function doneSummary(steps: readonly StepResult[]): string {
  const done = steps.filter((step) => step.outcome === 'done')
  const count = (test: (step: StepResult) => boolean) => done.filter(test).length
  const parts: Array<[number, string]> = [
    [count((step) => step.operation === 'create' && step.replacement === undefined), 'created'],
    [count((step) => step.operation === 'update'), 'updated'],
    [count((step) => step.replacement === 'create'), 'replaced'],
    [count((step) => step.operation === 'delete' && step.replacement === undefined), 'deleted'],
    [count((step) => step.operation === 'forget'), 'forgotten'],
  ]
  const text = parts.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`)
  return text.length > 0 ? text.join(', ') : 'nothing to change'
}

/** The last line of `--json` output for an apply or destroy. */
export function applyResultJson(
  command: string,
  result: ApplyResult,
  extra: { exitCode: number; report?: string },
): Record<string, unknown> {
  return {
    type: 'result',
    command,
    stack: result.stack,
    operationId: result.operationId,
    ok: result.ok,
    outcome: result.outcome,
    counts: result.counts,
    durationMs: result.durationMs,
    stateVersion: result.stateVersion,
    apiCalls: result.apiCalls,
    steps: result.steps.map((step) => ({
      stepId: step.stepId,
      urn: step.urn,
      operation: step.operation,
      ...(step.replacement ? { replacement: step.replacement } : {}),
      outcome: step.outcome,
      durationMs: step.durationMs,
      retries: step.retries,
      ...(step.error ? { error: { code: step.error.code, message: step.error.message } } : {}),
      ...(step.skippedBecause ? { skippedBecause: step.skippedBecause } : {}),
    })),
    ...(extra.report ? { report: extra.report } : {}),
    exitCode: extra.exitCode,
  }
}
