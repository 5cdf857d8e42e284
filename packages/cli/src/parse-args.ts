import { type ParseArgsConfig, parseArgs } from 'node:util'
import type { Command, FlagSpecs, FlagValues } from './command.js'
import { UsageError } from './usage-error.js'

/**
 * Parses a command's arguments with node:util parseArgs (strict: unknown flags and missing
 * values are errors) and checks the number of positionals.
 */
export function parseCommandArgs<F extends FlagSpecs>(
  command: Command<F>,
  argv: readonly string[],
): { flags: FlagValues<F>; args: string[]; help: boolean } {
  const options: NonNullable<ParseArgsConfig['options']> = {}
  for (const [name, spec] of Object.entries(command.flags)) {
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] }
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(cleanParseMessage(error), command.name)
  }
  const flags = parsed.values as FlagValues<F>
  const help = parsed.values.help === true
  if (help) return { flags, args: parsed.positionals, help }
  const required = command.positionals.filter((name) => !name.endsWith('?')).length
  const usage = command.positionals.map((name) => `<${name.replace(/\?$/, '')}>`).join(' ')
  if (parsed.positionals.length < required) {
    const missing = command.positionals[parsed.positionals.length] ?? ''
    throw new UsageError(
      `skyloom ${command.name} needs ${usage}; <${missing.replace(/\?$/, '')}> is missing.`,
      command.name,
    )
  }
  if (parsed.positionals.length > command.positionals.length) {
    const extra = parsed.positionals.slice(command.positionals.length).join(' ')
    throw new UsageError(
      `skyloom ${command.name} takes ${usage || 'no arguments'}; unexpected: ${extra}`,
      command.name,
    )
  }
  return { flags, args: parsed.positionals, help }
}

// parseArgs messages end with advice about `--` that does not apply here; keep the first sentence.
function cleanParseMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('. To specify a positional argument')[0]?.replace(/\.?$/, '.') ?? message
}
