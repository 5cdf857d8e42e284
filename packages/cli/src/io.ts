import { resolve } from 'node:path'

/** Where a command writes: any stream with `write`, plus the bits of a TTY the renderers use. */
export interface CliOutput {
  write(chunk: string): unknown
  /** True for a terminal: enables live progress and colour. */
  readonly isTTY?: boolean
  /** Terminal width; live progress lines are cut to it so that redrawing stays exact. */
  readonly columns?: number
  /** Terminal height; bounds how many running steps are listed. */
  readonly rows?: number
}

/** Where the confirmation prompt reads from. */
export type CliInput = NodeJS.ReadableStream & { readonly isTTY?: boolean }

/**
 * Everything `runCli` touches outside itself, so that tests and embedders can run it
 * in-process. Only `stdout` and `stderr` are required.
 */
export interface CliIo {
  readonly stdout: CliOutput
  readonly stderr: CliOutput
  /** Answers the confirmation prompt. Without one, or when it is not a TTY, `apply` needs `--yes`. */
  readonly stdin?: CliInput
  /** Environment: `NO_COLOR`, `FORCE_COLOR`, `SKYLOOM_PASSPHRASE`, `SKYLOOM_STATE_DIR`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Directory that relative paths are resolved against. Default `process.cwd()`. */
  readonly cwd?: string
  /**
   * Subscribes to interrupt requests (Ctrl-C) and returns an unsubscribe function. While an
   * apply runs, the first interrupt cancels it gracefully and the second calls `exit`. The
   * `skyloom` binary wires this to SIGINT; embedders may wire it to anything, or leave it out.
   */
  readonly onInterrupt?: (listener: () => void) => () => void
  /** Ends the process at once (after a second interrupt). Without it the second interrupt is ignored. */
  readonly exit?: (code: number) => void
}

/** {@link CliIo} with its defaults filled in. */
export interface ResolvedIo extends CliIo {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
}

export function resolveIo(io: CliIo): ResolvedIo {
  return { ...io, env: io.env ?? process.env, cwd: resolve(io.cwd ?? process.cwd()) }
}
