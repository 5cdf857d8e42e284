import {
  CancelledError,
  LockError,
  ProtectedResourceError,
  ProviderError,
  SkyloomError,
  StalePlanError,
  StateError,
  ValidationError,
} from '@skyloom/core'
import { ExitCode } from './exit-codes.js'
import { InputError } from './input-error.js'
import type { Output } from './output/output.js'
import { StackModuleError } from './stack-module/module-error.js'
import { UsageError } from './usage-error.js'

/** An error as the CLI reports it: lines for people, a JSON line for scripts, an exit code. */
export interface ErrorReport {
  readonly exitCode: number
  readonly lines: readonly string[]
  readonly json: Readonly<Record<string, unknown>>
}

/**
 * Turns any error into a report. Bad input (usage, module, validation, stale plan, lock, state)
 * exits 2; a cancelled operation 130; anything else, cloud failures included, 1.
 */
export function describeError(
  error: unknown,
  env: Readonly<Record<string, string | undefined>>,
): ErrorReport {
  if (error instanceof UsageError) {
    const help = error.command ? `skyloom ${error.command} --help` : 'skyloom --help'
    return report(ExitCode.BadInput, 'SKYLOOM_USAGE', error.message, [`Run \`${help}\` for usage.`])
  }
  if (error instanceof InputError) return report(ExitCode.BadInput, 'SKYLOOM_INPUT', error.message)
  if (error instanceof StackModuleError) {
    return report(
      ExitCode.BadInput,
      `SKYLOOM_MODULE_${error.reason.toUpperCase().replaceAll('-', '_')}`,
      error.message,
      [],
      {
        file: error.file,
      },
    )
  }
  if (ValidationError.isInstance(error)) {
    const [headline = 'The stack is not valid:'] = error.message.split('\n')
    return {
      exitCode: ExitCode.BadInput,
      lines: [headline, ...error.issues.map((issue) => `  - ${issue.path}: ${issue.message}`)],
      json: {
        type: 'error',
        code: error.code,
        message: error.message,
        issues: error.issues,
        exitCode: ExitCode.BadInput,
      },
    }
  }
  if (LockError.isInstance(error)) {
    const holder = error.holder
    const lines = holder
      ? [
          `Stack "${error.stackName}" is locked by ${holder.owner}:`,
          `  operation ${holder.operation}, pid ${holder.pid} on ${holder.host}`,
          `  since ${holder.acquiredAt}, lease until ${holder.leaseUntil}`,
        ]
      : [`Stack "${error.stackName}" is locked by another operation.`]
    lines.push(
      'Wait for it to finish. If that process is gone, break the lock with',
      `  skyloom state unlock ${error.stackName}`,
    )
    return {
      exitCode: ExitCode.BadInput,
      lines,
      json: { type: 'error', code: error.code, message: error.message, holder, exitCode: ExitCode.BadInput },
    }
  }
  if (StalePlanError.isInstance(error) || ProtectedResourceError.isInstance(error)) {
    return report(ExitCode.BadInput, error.code, error.message)
  }
  if (StateError.isInstance(error)) {
    return report(
      ExitCode.BadInput,
      error.code,
      error.message,
      [],
      error.location ? { location: error.location } : {},
    )
  }
  if (CancelledError.isInstance(error)) return report(ExitCode.Interrupted, error.code, error.message)
  if (ProviderError.isInstance(error) || SkyloomError.isInstance(error)) {
    return report(ExitCode.Failed, error.code, error.message)
  }
  const message = error instanceof Error ? error.message : String(error)
  const debug = env.SKYLOOM_DEBUG !== undefined && env.SKYLOOM_DEBUG !== '' && error instanceof Error
  return report(
    ExitCode.Failed,
    'SKYLOOM_UNEXPECTED',
    `Unexpected error: ${message}`,
    debug ? [error.stack ?? ''] : ['Set SKYLOOM_DEBUG=1 to see where it came from.'],
  )
}

/** Writes the report (stderr for people; stdout as JSON in JSON mode) and returns its exit code. */
export function reportError(
  error: unknown,
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const described = describeError(error, env)
  const [first = '', ...rest] = described.lines
  output.warn(output.errStyle.red(first))
  for (const line of rest) output.warn(line)
  output.jsonLine(described.json)
  return described.exitCode
}

function report(
  exitCode: number,
  code: string,
  message: string,
  hints: readonly string[] = [],
  extra: Readonly<Record<string, unknown>> = {},
): ErrorReport {
  return {
    exitCode,
    lines: [...message.split('\n'), ...hints],
    json: { type: 'error', code, message, ...extra, exitCode },
  }
}
