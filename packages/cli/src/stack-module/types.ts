import type { EngineOptions, Stack } from '@skyloom/core'

/** What the CLI tells a stack module's functions about the run. */
export interface StackModuleContext {
  /** The command being run: `plan`, `apply`, `destroy`, `refresh`, `import` or `graph`. */
  readonly command: string
  /** The directory `skyloom` was run in (absolute). */
  readonly cwd: string
  /** The environment `skyloom` was run with. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Absolute path of the module file. */
  readonly file: string
}

/**
 * A stack export that is a function: called once per command with the context, it returns the
 * stack (or a promise of it). Useful when building the stack needs I/O or the environment.
 */
export type StackFactory = (context: StackModuleContext) => unknown

/**
 * The optional `engine` (or `engineOptions`) export: engine options, or a function of the
 * context and the loaded stack that returns them. The CLI makes the engine from them; its own
 * flags (`--state-dir`, the passphrase) take precedence over `state`.
 *
 * @example
 * ```ts
 * export const engine: EngineOptionsExport = { clock: provider.clock }
 * ```
 */
export type EngineOptionsExport =
  | EngineOptions
  | ((context: StackModuleContext & { readonly stack: Stack }) => EngineOptions | Promise<EngineOptions>)

/** A loaded stack module. */
export interface LoadedStackModule {
  /** Absolute path of the module. */
  readonly file: string
  readonly stack: Stack
  /** Which export held the stack: `default` or `stack`. */
  readonly exportName: string
  /** Engine options from the module's `engine`/`engineOptions` export (empty when it has none). */
  readonly engineOptions: EngineOptions
}
