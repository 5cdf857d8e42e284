import type { Command } from './command.js'
import { COMMANDS } from './commands/index.js'
import { ExitCode } from './exit-codes.js'
import { commandHelp, mainHelp } from './help.js'
import { type CliIo, resolveIo } from './io.js'
import { Output } from './output/output.js'
import { parseCommandArgs } from './parse-args.js'
import { reportError } from './report-error.js'
import { closest } from './suggest.js'
import { UsageError } from './usage-error.js'
import { CLI_VERSION } from './version.js'

/**
 * Runs the `skyloom` command line in-process and resolves to its exit code (see
 * {@link ExitCode}). Never throws and never exits the process: every error is reported on
 * `io.stderr` (and, with `--json`, as a JSON line on `io.stdout`).
 *
 * @param argv the arguments after the program name, e.g. `['apply', 'stack.ts', '--yes']`
 * @param io the streams, environment and working directory to use
 *
 * @example
 * ```ts
 * const code = await runCli(['plan', 'stack.ts'], { stdout: process.stdout, stderr: process.stderr })
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const resolved = resolveIo(io)
  const [first, second] = argv
  const wantsJson = argv.includes('--json')
  const output = new Output(resolved, { json: wantsJson, noColor: argv.includes('--no-color') })
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? argv.slice(1).join(' ') : ''
      const command = topic ? findCommand(topic) : undefined
      if (topic && !command) throw unknownCommand(topic)
      // Without a command the help is the error message: stderr, exit 2.
      const stream = first === undefined ? resolved.stderr : resolved.stdout
      stream.write(`${command ? commandHelp(command) : mainHelp(COMMANDS, CLI_VERSION)}\n`)
      return first === undefined ? ExitCode.BadInput : ExitCode.Success
    }
    if (first === '--version' || first === '-v' || first === 'version') {
      resolved.stdout.write(`${CLI_VERSION}\n`)
      return ExitCode.Success
    }
    if (first.startsWith('-')) throw new UsageError(`Expected a command before ${first}.`)
    const grouped = first === 'state'
    const name = grouped ? `state ${second ?? ''}`.trim() : first
    const command = findCommand(name)
    if (!command) {
      if (grouped && (second === undefined || second === '--help' || second === '-h')) {
        const stream = second === undefined ? resolved.stderr : resolved.stdout
        stream.write(`${groupHelp('state')}\n`)
        return second === undefined ? ExitCode.BadInput : ExitCode.Success
      }
      throw unknownCommand(name)
    }
    const rest = argv.slice(grouped ? 2 : 1)
    const { flags, args, help } = parseCommandArgs(command, rest)
    if (help) {
      resolved.stdout.write(`${commandHelp(command)}\n`)
      return ExitCode.Success
    }
    return await command.run({ io: resolved, output, flags, args })
  } catch (error) {
    return reportError(error, output, resolved.env)
  }
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name)
}

function unknownCommand(name: string): UsageError {
  const suggestion = closest(
    name,
    COMMANDS.map((command) => command.name),
  )
  return new UsageError(`Unknown command "${name}".${suggestion ? ` Did you mean "${suggestion}"?` : ''}`)
}

function groupHelp(group: string): string {
  const members = COMMANDS.filter((command) => command.name.startsWith(`${group} `))
  const width = Math.max(...members.map((command) => command.name.length))
  return [
    `Usage: skyloom ${group} <command> [arguments] [options]`,
    '',
    'Commands:',
    ...members.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
  ].join('\n')
}
