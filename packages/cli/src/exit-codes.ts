/**
 * The exit codes of `skyloom`, for scripts. They are part of the CLI's contract: a change here
 * is a breaking change.
 */
export const ExitCode = {
  /** The command did what was asked (for `plan`, whether or not there are changes). */
  Success: 0,
  /** The operation ran and did not succeed: steps failed, a cloud call failed, or the prompt was declined. */
  Failed: 1,
  /**
   * Bad input, nothing was changed: unknown command or flag, missing file, a module that exports
   * no stack, validation errors, a stale plan, a locked stack, an unusable state.
   */
  BadInput: 2,
  /** `plan --detailed-exitcode` (and `refresh --detailed-exitcode`): there are changes (or drift). */
  ChangesPresent: 3,
  /** The apply was cancelled with Ctrl-C (128 + SIGINT, as shells report it). */
  Interrupted: 130,
} as const

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
