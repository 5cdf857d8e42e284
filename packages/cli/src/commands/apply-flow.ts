import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import {
  type ApplyResult,
  CancelledError,
  type EngineEvent,
  type Plan,
  parsePlanJson,
  planHasChanges,
  renderPlanText,
} from '@skyloom/core'
import { findApplyReportRenderer, writeApplyReport } from '../apply-report.js'
import { confirm } from '../confirm.js'
import { ExitCode } from '../exit-codes.js'
import { InputError } from '../input-error.js'
import type { ResolvedIo } from '../io.js'
import { type ModuleRun, openModuleRun } from '../module-run.js'
import { applyResultJson, renderApplySummary } from '../output/apply-summary.js'
import type { Output } from '../output/output.js'
import { UsageError } from '../usage-error.js'

/** What `apply` and `destroy` were asked to do. */
export interface ApplyFlowOptions {
  readonly command: 'apply' | 'destroy'
  readonly modulePath: string
  readonly stateFlags: { readonly 'state-dir'?: string; readonly 'passphrase-file'?: string }
  readonly yes: boolean
  readonly refresh: boolean
  readonly failFast: boolean
  readonly detail: boolean
  readonly planFile: string | undefined
  readonly reportFile: string | undefined
}

/**
 * Plan (or read a saved plan), show it, ask, apply with live progress, summarise. Shared by
 * `apply` and `destroy`, which differ only in the plan's mode.
 */
export async function runApplyFlow(
  io: ResolvedIo,
  output: Output,
  options: ApplyFlowOptions,
): Promise<number> {
  if (output.json && !options.yes) {
    throw new UsageError(
      `--json cannot ask for confirmation; add --yes to ${options.command}.`,
      options.command,
    )
  }
  const reportFile = options.reportFile === undefined ? undefined : resolve(io.cwd, options.reportFile)
  const renderer = reportFile === undefined ? undefined : findApplyReportRenderer()
  if (reportFile !== undefined && renderer === undefined) {
    output.warn(
      output.errStyle.yellow(
        'The installed @skyloom/core has no apply report renderer (renderApplyReport) yet; --report is ignored.',
      ),
    )
  }
  const run = await openModuleRun(io, output, {
    command: options.command,
    modulePath: options.modulePath,
    flags: options.stateFlags,
    showDrift: true,
  })
  try {
    const plan = await obtainPlan(io, run, options)
    output.say(renderPlanText(plan, { color: output.style.enabled, detail: options.detail }))
    if (!planHasChanges(plan)) {
      output.say('Nothing to do.')
      output.jsonLine({
        type: 'result',
        command: options.command,
        stack: plan.stack,
        ok: true,
        outcome: 'no-changes',
        stateVersion: plan.stateVersion,
        exitCode: ExitCode.Success,
      })
      return ExitCode.Success
    }
    if (!options.yes) {
      const verb = options.command === 'destroy' ? 'Destroy every resource of' : 'Apply these changes to'
      const agreed = await confirm(io, io.stdout, `\n${verb} stack "${plan.stack}"?`)
      if (!agreed) {
        output.say(`${options.command === 'destroy' ? 'Destroy' : 'Apply'} cancelled; nothing was changed.`)
        return ExitCode.Failed
      }
    }
    output.say()
    const events: EngineEvent[] = []
    const stopCollecting = reportFile
      ? run.engine.events.on('event', (event) => events.push(event))
      : () => {}
    const result = await applyWithInterrupts(io, run, plan, options.failFast).finally(stopCollecting)
    run.close()
    const exitCode =
      result.outcome === 'succeeded'
        ? ExitCode.Success
        : result.outcome === 'cancelled'
          ? ExitCode.Interrupted
          : ExitCode.Failed
    const rerun = `skyloom ${options.command} ${options.modulePath}`
    for (const line of renderApplySummary(result, output.style, { simulated: run.simulated, rerun })) {
      output.say(line)
    }
    let report: string | undefined
    if (reportFile !== undefined && renderer !== undefined) {
      // The result's plan: for a saved plan, the engine may have re-made it with the secrets.
      await writeApplyReport(renderer, reportFile, { plan: result.plan, result, events })
      report = reportFile
      output.say(`Report: ${reportFile}`)
    }
    output.jsonLine(applyResultJson(options.command, result, { exitCode, ...(report ? { report } : {}) }))
    return exitCode
  } finally {
    run.close()
  }
}

async function obtainPlan(io: ResolvedIo, run: ModuleRun, options: ApplyFlowOptions): Promise<Plan> {
  if (options.planFile === undefined) {
    return run.engine.plan(run.stack, {
      refresh: options.refresh,
      mode: options.command === 'destroy' ? 'destroy' : 'update',
    })
  }
  const file = resolve(io.cwd, options.planFile)
  let json: string
  try {
    json = await readFile(file, 'utf8')
  } catch (error) {
    throw new InputError(
      `Cannot read the plan file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Save one with \`skyloom plan ${options.modulePath} --out ${options.planFile}\`.`,
    )
  }
  return parsePlanJson(json)
}

/**
 * Applies with Ctrl-C wired to cancellation: the first interrupt stops new steps (running ones
 * finish or stop waiting, and everything is recorded); the second exits at once.
 */
async function applyWithInterrupts(
  io: ResolvedIo,
  run: ModuleRun,
  plan: Plan,
  failFast: boolean,
): Promise<ApplyResult> {
  const controller = new AbortController()
  let interrupts = 0
  const unsubscribe =
    io.onInterrupt?.(() => {
      interrupts++
      if (interrupts === 1) {
        run.view.note(
          'Cancelling: no new steps start; running steps finish or stop waiting, and the state is saved. Press Ctrl-C again to exit at once.',
        )
        controller.abort(new CancelledError('The apply was cancelled with Ctrl-C.'))
        return
      }
      run.view.close()
      io.exit?.(ExitCode.Interrupted)
    }) ?? (() => {})
  try {
    return await run.engine.apply(plan, { stack: run.stack, signal: controller.signal, failFast })
  } finally {
    unsubscribe()
  }
}
