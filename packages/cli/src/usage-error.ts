/**
 * The command line itself is wrong: an unknown command or flag, a missing argument, a bad
 * flag value. Reported with a pointer to `--help`, exit code 2.
 */
export class UsageError extends Error {
  /** The command whose help to point at, e.g. `apply` or `state show`. */
  readonly command: string | undefined

  constructor(message: string, command?: string) {
    super(message)
    this.name = 'UsageError'
    this.command = command
  }
}
