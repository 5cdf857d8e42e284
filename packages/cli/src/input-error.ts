/**
 * Something the user gave cannot be used (a file that cannot be read, an id the cloud does not
 * know, a confirmation that cannot be asked for). Reported as is, exit code 2.
 */
export class InputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'InputError'
  }
}
