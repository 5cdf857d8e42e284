import type { Command } from './command.js'

/** The `--help` text of one command. */
export function commandHelp(command: Command): string {
  const positionals = command.positionals
    .map((name) => (name.endsWith('?') ? `[${name.slice(0, -1)}]` : `<${name}>`))
    .join(' ')
  const lines = [
    `Usage: skyloom ${command.name}${positionals ? ` ${positionals}` : ''} [options]`,
    '',
    command.description,
    '',
    'Options:',
  ]
  const flagRows = Object.entries(command.flags).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    '
    return [`${short}--${name}${spec.value ? ` ${spec.value}` : ''}`, spec.description] as const
  })
  const width = Math.max(...flagRows.map(([left]) => left.length))
  for (const [left, right] of flagRows) lines.push(`  ${left.padEnd(width)}  ${right}`)
  if (command.examples.length > 0) {
    lines.push('', 'Examples:')
    for (const example of command.examples) lines.push(`  ${example}`)
  }
  return lines.join('\n')
}

/** The top-level `skyloom --help` text. */
export function mainHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((command) => command.name.length))
  return [
    `skyloom ${version}: plan and apply Skyloom stacks from the command line.`,
    '',
    'Usage: skyloom <command> [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'A stack module is a .ts, .mts, .js or .mjs file that exports a stack (see the README).',
    'Run `skyloom <command> --help` for the options of a command.',
    '',
    'Exit codes: 0 success, 1 failed steps, 2 bad input, 3 changes present (--detailed-exitcode),',
    '130 cancelled with Ctrl-C.',
  ].join('\n')
}
