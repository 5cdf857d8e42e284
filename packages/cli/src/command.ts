import type { ResolvedIo } from './io.js'
import type { Output } from './output/output.js'

/** One flag of a command, as parsed by node:util parseArgs and shown by `--help`. */
export interface FlagSpec {
  readonly type: 'boolean' | 'string'
  readonly short?: string
  /** Placeholder shown in help for string flags, e.g. `FILE`. */
  readonly value?: string
  readonly description: string
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>

/** Parsed flag values: booleans for boolean flags, strings for string flags, absent when not given. */
export type FlagValues<F extends FlagSpecs> = {
  readonly [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string
}

/** What a command receives to run. */
export interface CommandInput<F extends FlagSpecs> {
  readonly io: ResolvedIo
  /** Where to write, already set up for `--json` and `--no-color`. */
  readonly output: Output
  readonly flags: FlagValues<F>
  /** Positional arguments, checked against the command's `positionals`. */
  readonly args: readonly string[]
}

/** A `skyloom` command: its help and its implementation. */
export interface Command<F extends FlagSpecs = FlagSpecs> {
  /** `plan`, or `state show` for subcommands. */
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** A few lines for `--help`. */
  readonly description: string
  /** Positional arguments; names ending in `?` are optional. */
  readonly positionals: readonly string[]
  readonly flags: F
  readonly examples: readonly string[]
  run(input: CommandInput<F>): Promise<number>
}

/** Declares a command with its flags typed from their specs. */
export function defineCommand<F extends FlagSpecs>(command: Command<F>): Command<F> {
  return command
}
